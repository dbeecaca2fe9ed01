"""THE review workflow of every reviewed record (core.ReviewedRecord): an indicator's yearly report of actuals and a
month of consultation counts.

下書き → 提出 → 承認 / 差戻し, and 再開 (a planner takes an approval back). Each transition is a function that
checks, changes, logs one audit entry and returns the record, in a transaction (pretix's mark_order_paid is the
model). Every change checks the version the person started from (optimistic locking: compare-and-swap on
`version`, with SELECT … FOR UPDATE where the database has row locks), and nobody approves what they entered or
submitted in the current review cycle unless the deployment allows it (settings.ALLOW_SELF_APPROVAL).

Apps pass in only what differs (ReviewRules): the words for their record, what must be filled before submitting and
who may review or reopen. How their values are saved stays with them (indicators.entry.workflow.save_report,
consultations.workflow.save_counts), built on `open_for_edit` and `record_changes` here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from setagaya_plan.core import audit
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import FiscalYearSetting, ReviewedRecord

Status = ReviewedRecord.Status
Action = audit.Action


class ReviewError(Exception):
    """A refused step. The message is shown to the person as it is; `field` names the form field it is about
    (None: the form as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class VersionConflict(ReviewError):
    """Someone else saved the record since the person opened it; `record` is the record as they left it."""

    def __init__(self, record: ReviewedRecord):
        self.record = record
        who = record.updated_by.get_username() if record.updated_by else "他の利用者"
        super().__init__(
            f"{who}さんが {timezone.localtime(record.updated_at, timezone.get_default_timezone()):%Y-%m-%d %H:%M} "
            "に先に保存しました。"
            "最新の内容を確認してから、もう一度入力してください。"
        )


@dataclass(frozen=True)
class ReviewRules:
    """What one kind of reviewed record brings to the workflow."""

    noun: str  # the record in status messages: 「提出済の実績だけが承認できます」 (実績, 報告)
    record_noun: str  # the record as a thing that exists: 「この実績報告は見つかりません」 (実績報告, 報告)
    values_noun: str  # what is entered: 「提出済の件数は変更できません」 (実績, 件数)
    submission_problem: Callable[[ReviewedRecord], str]  # why it cannot be submitted yet; "" when it can
    may_review: Callable[[object, ReviewedRecord], bool]  # (user, record): approve or return
    may_reopen: Callable[[object, ReviewedRecord], bool]  # (user, record): take an approval back
    # Called in the step's transaction after every review step (submit, approve, return, reopen): what the app
    # keeps derived from a record's status follows it (indicators: the stored grades).
    after_step: Callable[[ReviewedRecord], None] = lambda record: None


# ---- checks and the compare-and-swap ----------------------------------------------------------------------------


def ensure_year_open(fiscal_year: int) -> None:
    if FiscalYearSetting.for_year(fiscal_year).locked:
        raise ReviewError(f"{fiscal_year_label(fiscal_year)}は締め切られているため変更できません。")


def lock(queryset: QuerySet) -> ReviewedRecord | None:
    """The record the queryset selects, locked for this transaction where the database has row locks."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to updated_by.
    return queryset.select_for_update(of=("self",)).select_related("updated_by").first()


def check_version(record: ReviewedRecord, expected_version: int | None) -> None:
    """None: the caller does not know a version to compare (an import reads the record it changes)."""
    if expected_version is not None and record.version != expected_version:
        raise VersionConflict(record)


def claim(record: ReviewedRecord, user, fields: list[str]) -> None:
    """Write the record's changed fields only if nobody saved it since we read it, and bump its version.

    select_for_update already serialises this on PostgreSQL; the version in the WHERE clause makes it hold on
    SQLite too, where row locks do not exist.
    """
    model = type(record)
    values = {name: getattr(record, name) for name in fields}
    claimed = model.objects.filter(pk=record.pk, version=record.version).update(
        **values, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not claimed:
        raise VersionConflict(model.objects.select_related("updated_by").get(pk=record.pk))
    record.refresh_from_db()


# ---- saving values -----------------------------------------------------------------------------------------------


def open_for_edit(
    rules: ReviewRules,
    queryset: QuerySet,
    *,
    expected_version: int | None,
    create: Callable[[], ReviewedRecord | None],
    allow_reviewed: bool = False,
) -> tuple[ReviewedRecord | None, bool]:
    """Lock the record the queryset selects, or create it: (record, created).

    `create` makes the new record at version 0 (the first `record_changes` brings it to 1), or returns None when
    there is nothing to keep; a record created meanwhile by someone else is a VersionConflict. An existing record
    must be at `expected_version`, and still with its section unless an import may change reviewed ones
    (`allow_reviewed`).
    """
    record = lock(queryset)
    if record is None:
        if expected_version not in (None, 0):
            raise ReviewError(
                f"この{rules.record_noun}は削除されたか、まだ作成されていません。画面を開き直してください。"
            )
        try:
            with transaction.atomic():
                record = create()
        except IntegrityError:
            raise VersionConflict(lock(queryset)) from None
        return record, record is not None
    check_version(record, expected_version)
    if not record.is_editable_by_staff and not allow_reviewed:
        raise ReviewError(
            f"{record.get_status_display()}の{rules.values_noun}は変更できません。"
            "承認者の差戻しを待つか、計画担当に相談してください。"
        )
    return record, False


def record_changes(
    record: ReviewedRecord,
    user,
    *,
    created: bool,
    changes: Mapping[str, list],
    fields: list[str] | None = None,
    source: str = audit.SCREEN,
    comment: str = "",
) -> ReviewedRecord:
    """After an app saved a record's values: bump its version and log one entry (新規入力, 修正 or ファイル取込).

    A file that changes a reviewed record (提出済, 承認済, 差戻し) sends it back to 下書き and takes its approval
    away: what was approved is no longer what it holds. Typed changes never reach a reviewed record
    (open_for_edit refuses them), and a returned one stays 差戻し until it is submitted again.
    """
    changes = dict(changes)
    fields = list(fields or [])
    imported = source not in audit.TYPED
    if imported and not created and changes and record.status != Status.DRAFT:
        changes["状態"] = [record.get_status_display(), Status.DRAFT.label]
        record.status = Status.DRAFT
        record.approved_at = record.approved_by = None
        fields += ["status", "approved_at", "approved_by"]
    if created or changes:
        claim(record, user, fields)
        action = Action.IMPORT if imported else (Action.CREATE if created else Action.EDIT)
        audit.log(record, action, user, changes=changes, comment=comment.strip(), source=source)
    return record


# ---- transitions ------------------------------------------------------------------------------------------------


def _reload(rules: ReviewRules, record: ReviewedRecord, expected_version: int | None) -> ReviewedRecord:
    ensure_year_open(record.fiscal_year)
    locked = lock(type(record).objects.filter(pk=record.pk))
    if locked is None:
        raise ReviewError(f"この{rules.record_noun}は見つかりません。")
    check_version(locked, expected_version)
    return locked


def _status_change(record: ReviewedRecord, old: str) -> dict[str, list]:
    return {"状態": [Status(old).label, record.get_status_display()]}


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise ReviewError(message, field="reason")
    return text


@transaction.atomic
def submit(rules: ReviewRules, record: ReviewedRecord, user, expected_version: int | None) -> ReviewedRecord:
    record = _reload(rules, record, expected_version)
    if not record.is_editable_by_staff:
        raise ReviewError(f"{record.get_status_display()}の{rules.noun}は提出できません。")
    problem = rules.submission_problem(record)
    if problem:
        raise ReviewError(problem)
    old = record.status
    record.status = Status.SUBMITTED
    record.submitted_at, record.submitted_by = timezone.now(), user
    claim(record, user, ["status", "submitted_at", "submitted_by"])
    audit.log(record, Action.SUBMIT, user, changes=_status_change(record, old))
    rules.after_step(record)
    return record


def self_approval_refusal(rules: ReviewRules, record: ReviewedRecord, user) -> str:
    """Why `user` may not approve `record` (they entered or submitted it in this review cycle), or ""."""
    return _self_approval_message(rules) if record.pk in self_approval_refused([record], user) else ""


def self_approval_refused(records: list[ReviewedRecord], user) -> set:
    """The pks of those `records` (of one model) that `user` may not approve because they entered or submitted them
    in their review cycle: `self_approval_refusal` for a list (the work queue), in at most one query."""
    if settings.ALLOW_SELF_APPROVAL or not records:
        return set()
    return type(records[0]).entered_or_submitted_among(records, user)


def _self_approval_message(rules: ReviewRules) -> str:
    return (
        f"この{rules.noun}はあなたが入力または提出したため、承認できません。"
        "入力・提出していない承認者（または計画担当）に承認を依頼してください。"
    )


@transaction.atomic
def approve(
    rules: ReviewRules, record: ReviewedRecord, user, expected_version: int | None, comment: str = ""
) -> ReviewedRecord:
    record = _reload(rules, record, expected_version)
    if record.status != Status.SUBMITTED:
        raise ReviewError(f"提出済の{rules.noun}だけが承認できます。")
    # Separation of duties: nobody approves what they entered or submitted, unless the deployment allows it
    # (one-person sections); then the approval is marked as such in the trail.
    self_approved = record.entered_or_submitted_by(user)
    if self_approved and not settings.ALLOW_SELF_APPROVAL:
        raise ReviewError(_self_approval_message(rules))
    old = record.status
    record.status = Status.APPROVED
    record.approved_at, record.approved_by = timezone.now(), user
    claim(record, user, ["status", "approved_at", "approved_by"])
    audit.log(
        record,
        Action.APPROVE,
        user,
        changes=_status_change(record, old),
        comment=comment.strip(),
        self_approved=self_approved,
    )
    rules.after_step(record)
    return record


@transaction.atomic
def send_back(
    rules: ReviewRules, record: ReviewedRecord, user, expected_version: int | None, reason: str
) -> ReviewedRecord:
    """差戻し: the reviewer returns a submitted record to its section with what to correct."""
    return _back_to_section(rules, record, user, expected_version, reason, Action.RETURN)


@transaction.atomic
def reopen(
    rules: ReviewRules, record: ReviewedRecord, user, expected_version: int | None, reason: str
) -> ReviewedRecord:
    """再開: a planner takes back an approval so that the section can correct the record."""
    return _back_to_section(rules, record, user, expected_version, reason, Action.REOPEN)


# Returning and reopening both hand the record back to its section as 差戻し with a reason: the status each leaves,
# and what a record in another status and a missing reason are told.
_BACK_TO_SECTION = {
    Action.RETURN: (Status.SUBMITTED, "提出済の{noun}だけが差し戻せます。", "差戻しの理由を入力してください。"),
    Action.REOPEN: (Status.APPROVED, "承認済の{noun}だけが再開できます。", "再開する理由を入力してください。"),
}


def _back_to_section(rules, record, user, expected_version, reason, action) -> ReviewedRecord:
    leaves, wrong_status, no_reason = _BACK_TO_SECTION[action]
    record = _reload(rules, record, expected_version)
    if record.status != leaves:
        raise ReviewError(wrong_status.format(noun=rules.noun))
    reason = _required(reason, no_reason)
    record.status, record.return_reason = Status.RETURNED, reason
    record.approved_at = record.approved_by = None  # approved_* are set only while 承認済
    claim(record, user, ["status", "return_reason", "approved_at", "approved_by"])
    audit.log(record, action, user, changes=_status_change(record, leaves), comment=reason)
    rules.after_step(record)
    return record


# ---- what a page offers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewOptions:
    """The review steps a page offers a person for a record; `approve_refusal` says why approval is not offered."""

    approve: bool = False
    send_back: bool = False
    reopen: bool = False
    approve_refusal: str = ""

    @property
    def review(self) -> bool:
        return self.approve or self.send_back


def options(rules: ReviewRules, record: ReviewedRecord | None, user) -> ReviewOptions:
    if record is None or FiscalYearSetting.for_year(record.fiscal_year).locked:
        return ReviewOptions()
    reviewing = record.status == Status.SUBMITTED and rules.may_review(user, record)
    refusal = self_approval_refusal(rules, record, user) if reviewing else ""
    return ReviewOptions(
        approve=reviewing and not refusal,
        send_back=reviewing,
        reopen=record.status == Status.APPROVED and rules.may_reopen(user, record),
        approve_refusal=refusal,
    )

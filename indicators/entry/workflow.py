"""The one place that changes actuals: entry, submission, review, reopening, year locks and imports.

Every function here runs in a transaction, refuses what the workflow does not allow with a Japanese message
(WorkflowError), checks the version the person started from (optimistic locking: two people editing the same
report never silently overwrite each other), and writes a ChangeLog row with user, time, old → new and comment.
Because browser entry, the grid and file imports all come through here, the audit trail has no side door.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from indicators.models import Actual, ChangeLog, Indicator, Report, Series
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import FiscalYearSetting
from setagaya_plan.lib.numerals import plain_decimal


class WorkflowError(Exception):
    """A refused step; the message is shown to the person as it is."""


class VersionConflict(WorkflowError):
    """Someone else saved the report since the person opened it (an indicator Report or a consultations
    CountReport: both carry version, updated_by and updated_at)."""

    def __init__(self, report):
        self.report = report
        who = report.updated_by.get_username() if report.updated_by else "他の利用者"
        super().__init__(
            f"{who}さんが {timezone.localtime(report.updated_at):%Y-%m-%d %H:%M} に先に保存しました。"
            "最新の内容を確認してから、もう一度入力してください。"
        )


@dataclass(frozen=True)
class SeriesValue:
    value: Decimal | None = None
    text: str = ""


REPORT_TEXT_FIELDS = ("factor_analysis", "next_steps", "comment", "self_grade")
BROWSER = "画面"


def _ensure_year_open(fiscal_year: int) -> None:
    if FiscalYearSetting.for_year(fiscal_year).locked:
        raise WorkflowError(f"{fiscal_year_label(fiscal_year)}は締め切られているため変更できません。")


def _lock_report(indicator: Indicator, fiscal_year: int) -> Report | None:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to updated_by.
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(indicator=indicator, fiscal_year=fiscal_year)
        .first()
    )


def _check_version(report: Report, expected_version: int | None) -> None:
    if expected_version is not None and report.version != expected_version:
        raise VersionConflict(report)


def _bump(report: Report, user, fields: list[str]) -> None:
    """Write the report's changed fields only if nobody saved it since we read it (compare-and-swap on version).

    select_for_update already serialises this on PostgreSQL; the version in the WHERE clause makes it hold on
    SQLite too, where row locks do not exist.
    """
    values = {name: getattr(report, name) for name in fields}
    claimed = Report.objects.filter(pk=report.pk, version=report.version).update(
        **values, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not claimed:
        raise VersionConflict(Report.objects.select_related("updated_by").get(pk=report.pk))
    report.refresh_from_db()


def _log(report: Report | None, fiscal_year: int, action: str, user, changes=None, comment="", source=BROWSER):
    ChangeLog.objects.create(
        report=report,
        fiscal_year=fiscal_year,
        action=action,
        user=user,
        changes=changes or {},
        comment=comment,
        source=source,
    )


def _plain(value) -> str | None:
    if value is None:
        return None
    return plain_decimal(value) if isinstance(value, Decimal) else str(value)


@transaction.atomic
def save_report(  # noqa: C901
    *,
    indicator: Indicator,
    fiscal_year: int,
    user,
    values: Mapping[str, SeriesValue],
    fields: Mapping[str, str] | None = None,
    expected_version: int | None,
    source: str = BROWSER,
    allow_reviewed: bool = False,
) -> Report:
    """Create or edit the report of one indicator and year: the actual of each series (by series key) and texts.

    `expected_version` is the version the person's form was built from (None for a new report). Staff may only
    edit drafts and returned reports; an import by a planner may overwrite reviewed ones (`allow_reviewed`),
    which sends the report back to draft.
    """
    _ensure_year_open(fiscal_year)
    fields = dict(fields or {})
    unknown = set(fields) - set(REPORT_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    series_by_key = {series.key: series for series in indicator.series.all()}
    unknown_keys = set(values) - set(series_by_key)
    if unknown_keys:
        raise WorkflowError(f"この指標にない内訳です：{'、'.join(sorted(unknown_keys))}")

    report = _lock_report(indicator, fiscal_year)
    created = report is None
    if created:
        if expected_version not in (None, 0):
            raise WorkflowError("この実績報告は削除されたか、まだ作成されていません。画面を開き直してください。")
        # Version 0 until the first save below bumps it to 1, so a new report starts at version 1.
        try:
            with transaction.atomic():
                report = Report.objects.create(indicator=indicator, fiscal_year=fiscal_year, updated_by=user, version=0)
        except IntegrityError:
            # Someone created it between our read and our insert.
            raise VersionConflict(
                Report.objects.select_related("updated_by").get(indicator=indicator, fiscal_year=fiscal_year)
            ) from None
    else:
        _check_version(report, expected_version)
        if not report.is_editable_by_staff and not allow_reviewed:
            raise WorkflowError(
                f"{report.get_status_display()}の実績は変更できません。承認者の差戻しを待つか、計画担当に相談してください。"
            )

    changes: dict[str, list] = {}
    for key, new in values.items():
        series = series_by_key[key]
        actual = Actual.objects.filter(report=report, series=series).first()
        old_value, old_text = (actual.value, actual.text) if actual else (None, "")
        label = _series_label(series)
        if old_value != new.value:
            changes[f"{label}実績"] = [_plain(old_value), _plain(new.value)]
        if old_text != new.text:
            changes[f"{label}実績（文章）"] = [old_text, new.text]
        if actual is None:
            if new.value is not None or new.text:
                Actual.objects.create(report=report, series=series, value=new.value, text=new.text)
        elif (old_value, old_text) != (new.value, new.text):
            actual.value, actual.text = new.value, new.text
            actual.save(update_fields=["value", "text"])

    changed_fields = []
    for name, new_text in fields.items():
        old_text = getattr(report, name)
        if old_text != new_text:
            changes[str(Report._meta.get_field(name).verbose_name)] = [old_text, new_text]
            setattr(report, name, new_text)
            changed_fields.append(name)
    if not created and report.status != Report.Status.DRAFT and changes and allow_reviewed:
        changes["状態"] = [report.get_status_display(), Report.Status.DRAFT.label]
        report.status = Report.Status.DRAFT
        changed_fields.append("status")

    if created or changes:
        _bump(report, user, changed_fields)
        action = (
            ChangeLog.Action.IMPORT
            if source != BROWSER
            else (ChangeLog.Action.CREATE if created else ChangeLog.Action.EDIT)
        )
        _log(report, fiscal_year, action, user, changes, fields.get("comment", ""), source)
    return report


def _series_label(series: Series) -> str:
    return f"{series.label or series.key}・" if series.key else ""


def series_missing_target(report: Report) -> list[Series]:
    """Series whose actual misses the year's target (目標未達: Series.misses_target)."""
    short = []
    for actual in report.actuals.select_related("series__indicator").prefetch_related("series__targets"):
        if actual.series.misses_target(report.fiscal_year, actual.value):
            short.append(actual.series)
    return short


def missing_for_submission(report: Report) -> list[str]:
    """What must be filled in before the report can be submitted, in Japanese; empty when it is complete."""
    missing = []
    series_list = list(report.indicator.series.all())
    actuals = {actual.series_id: actual for actual in report.actuals.all()}
    for series in series_list:
        if not series.expects_actual(report.fiscal_year):
            continue
        actual = actuals.get(series.pk)
        if actual is None or (actual.value is None and not actual.text):
            missing.append(f"{_series_label(series)}実績".replace("・実績", "の実績"))
    if report.indicator.has_text_target(report.fiscal_year) and not report.self_grade:
        missing.append("自己評価")
    if series_missing_target(report) or report.self_grade in (Report.SelfGrade.MOSTLY, Report.SelfGrade.NOT_MET):
        if not report.factor_analysis.strip():
            missing.append("要因分析（目標に届かなかった理由）")
        if not report.next_steps.strip():
            missing.append("今後の方向性")
    return missing


@transaction.atomic
def submit_report(report: Report, user, expected_version: int | None) -> Report:
    report = _reload_for_change(report, expected_version)
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise WorkflowError(f"{report.get_status_display()}の実績は提出できません。")
    missing = missing_for_submission(report)
    if missing:
        raise WorkflowError("提出する前に入力してください：" + "、".join(missing))
    old = report.get_status_display()
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report, user, ["status", "submitted_at"])
    _log(report, report.fiscal_year, ChangeLog.Action.SUBMIT, user, {"状態": [old, report.get_status_display()]})
    return report


@transaction.atomic
def approve_report(report: Report, user, expected_version: int | None, comment: str = "") -> Report:
    report = _reload_for_change(report, expected_version)
    if report.status != Report.Status.SUBMITTED:
        raise WorkflowError("提出済の実績だけが承認できます。")
    report.status = Report.Status.APPROVED
    report.approved_at = timezone.now()
    _bump(report, user, ["status", "approved_at"])
    _log(report, report.fiscal_year, ChangeLog.Action.APPROVE, user, {"状態": ["提出済", "承認済"]}, comment)
    return report


@transaction.atomic
def return_report(report: Report, user, expected_version: int | None, reason: str) -> Report:
    report = _reload_for_change(report, expected_version)
    if report.status != Report.Status.SUBMITTED:
        raise WorkflowError("提出済の実績だけが差し戻せます。")
    if not reason.strip():
        raise WorkflowError("差戻しの理由を入力してください。")
    report.status = Report.Status.RETURNED
    report.return_reason = reason.strip()
    _bump(report, user, ["status", "return_reason"])
    _log(report, report.fiscal_year, ChangeLog.Action.RETURN, user, {"状態": ["提出済", "差戻し"]}, reason.strip())
    return report


@transaction.atomic
def reopen_report(report: Report, user, expected_version: int | None, reason: str) -> Report:
    """計画担当 takes back an approval so that the section can correct the report."""
    report = _reload_for_change(report, expected_version)
    if report.status != Report.Status.APPROVED:
        raise WorkflowError("承認済の実績だけが再開できます。")
    if not reason.strip():
        raise WorkflowError("再開する理由を入力してください。")
    report.status = Report.Status.RETURNED
    report.return_reason = reason.strip()
    report.approved_at = None
    _bump(report, user, ["status", "return_reason", "approved_at"])
    _log(report, report.fiscal_year, ChangeLog.Action.REOPEN, user, {"状態": ["承認済", "差戻し"]}, reason.strip())
    return report


def _reload_for_change(report: Report, expected_version: int | None) -> Report:
    _ensure_year_open(report.fiscal_year)
    locked = _lock_report(report.indicator, report.fiscal_year)
    if locked is None:
        raise WorkflowError("この実績報告は見つかりません。")
    _check_version(locked, expected_version)
    return locked


@transaction.atomic
def set_year_lock(fiscal_year: int, user, locked: bool, comment: str = "") -> FiscalYearSetting:
    setting = FiscalYearSetting.for_year(fiscal_year)
    if setting.locked == locked:
        return setting
    setting.locked = locked
    setting.locked_at = timezone.now() if locked else None
    setting.locked_by = user if locked else None
    setting.save()
    action = ChangeLog.Action.LOCK if locked else ChangeLog.Action.UNLOCK
    _log(None, fiscal_year, action, user, {"締切": [not locked, locked]}, comment)
    return setting


@transaction.atomic
def set_deadline(fiscal_year: int, user, deadline) -> FiscalYearSetting:
    setting = FiscalYearSetting.for_year(fiscal_year)
    old = setting.deadline
    if setting.pk and old == deadline:
        return setting
    setting.deadline = deadline
    setting.save()
    _log(None, fiscal_year, ChangeLog.Action.DEADLINE, user, {"提出期限": [old.isoformat(), deadline.isoformat()]})
    return setting

"""The one place that changes consultation counts: grid entry, file import, submission and review.

Like indicators.entry.workflow for actuals: every function runs in a transaction, refuses what the workflow does not
allow with a Japanese message (WorkflowError), checks the version the person started from (optimistic locking),
and writes a CountChange with user, time, old → new and comment. The grid and the import both come through here,
so the audit trail has no side door. Who may call what is decided by consultations.access, in the views.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from consultations.models import (
    MAX_COUNT,
    WHOLE_YEAR,
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountChange,
    CountReport,
    District,
    WindowType,
    month_label,
)
from indicators.entry.workflow import VersionConflict, WorkflowError
from setagaya_plan.core.fiscal_years import calendar_year_of, fiscal_year_label
from setagaya_plan.core.models import FiscalYearSetting

BROWSER = "画面"
# The earliest year the ward's statistics go back to (the plan prints 平成29年度 = 2017).
FIRST_FISCAL_YEAR = 2017

Source = WindowType | Agency

__all__ = ["Place", "VersionConflict", "WorkflowError", "approve", "reopen", "return_report", "save_counts", "submit"]


@dataclass(frozen=True)
class Place:
    """Where counts are kept: a 地区, a 地域 (agencies per 地域) or the whole ward (neither)."""

    district: District | None = None
    area: Area | None = None

    @property
    def level(self) -> str:
        if self.district is not None:
            return Agency.Scope.DISTRICT
        if self.area is not None:
            return Agency.Scope.AREA
        return Agency.Scope.WARD

    @property
    def label(self) -> str:
        return str(self.district or self.area or "全区")

    def reports(self):
        return CountReport.objects.at_place(self.district, self.area)


def source_label(source: Source, category: Category) -> str:
    return f"{source.name}・{category.name}"


def check_source_at(source: Source, place: Place) -> None:
    """A window counts per 地区; an agency where its sites are (地区, 地域 or ward), never in two places."""
    if isinstance(source, WindowType):
        if place.level != Agency.Scope.DISTRICT:
            raise WorkflowError(f"{source.name}の件数は地区ごとに入力してください。")
        return
    if source.window_type_id:
        raise WorkflowError(
            f"{source.name}の件数は相談窓口「{source.window_type.name}」として地区ごとに入力してください。"
        )
    if source.count_level != place.level:
        where = {Agency.Scope.DISTRICT: "地区ごと", Agency.Scope.AREA: "地域ごと", Agency.Scope.WARD: "全区で一つ"}
        raise WorkflowError(f"{source.name}の件数は{where[source.count_level]}に入力してください。")


def check_period(fiscal_year: int, month: int, today: datetime.date | None = None) -> None:
    """A month can be entered once it has begun, in a year that is not closed."""
    today = today or timezone.localdate()
    if month not in range(0, 13):
        raise WorkflowError("月は1から12までです。")
    if fiscal_year < FIRST_FISCAL_YEAR:
        raise WorkflowError(f"{fiscal_year_label(FIRST_FISCAL_YEAR)}より前の年度は入力できません。")
    first_day = datetime.date(fiscal_year, 4, 1) if month == WHOLE_YEAR else _first_day(fiscal_year, month)
    if first_day > today:
        raise WorkflowError(
            f"{fiscal_year_label(fiscal_year)} {month_label(fiscal_year, month)}はまだ始まっていません。"
        )
    if FiscalYearSetting.for_year(fiscal_year).locked:
        raise WorkflowError(f"{fiscal_year_label(fiscal_year)}は締め切られているため変更できません。")


def _first_day(fiscal_year: int, month: int) -> datetime.date:
    return datetime.date(calendar_year_of(fiscal_year, month), month, 1)


def check_no_mixed_periods(place: Place, fiscal_year: int, month: int) -> None:
    """A place keeps a year either month by month or as one whole-year figure: both would count twice."""
    others = place.reports().filter(fiscal_year=fiscal_year, counts__isnull=False)
    if month == WHOLE_YEAR and others.exclude(month=WHOLE_YEAR).exists():
        raise WorkflowError(
            f"{place.label}の{fiscal_year_label(fiscal_year)}は月別に入力済みのため、年度計では入力できません。"
        )
    if month != WHOLE_YEAR and others.filter(month=WHOLE_YEAR).exists():
        raise WorkflowError(
            f"{place.label}の{fiscal_year_label(fiscal_year)}は年度計で入力済みのため、月別には入力できません。"
        )


def _check_value(value: int | None, label: str) -> None:
    if value is None:
        return
    if not isinstance(value, int) or value < 0:
        raise WorkflowError(f"{label}：件数は0以上の整数です。")
    if value > MAX_COUNT:
        raise WorkflowError(f"{label}：件数は{MAX_COUNT:,}件までです。")


def _lock(place: Place, fiscal_year: int, month: int) -> CountReport | None:
    return (
        place.reports()
        .select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(fiscal_year=fiscal_year, month=month)
        .first()
    )


def _bump(report: CountReport, user, fields: list[str]) -> None:
    """Write the changed fields only if nobody saved the report since we read it (compare-and-swap on version).

    select_for_update serialises this on PostgreSQL; the version in the WHERE clause makes it hold on SQLite.
    """
    values = {name: getattr(report, name) for name in fields}
    claimed = CountReport.objects.filter(pk=report.pk, version=report.version).update(
        **values, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not claimed:
        raise VersionConflict(CountReport.objects.select_related("updated_by").get(pk=report.pk))
    report.refresh_from_db()


def _log(report: CountReport, action: str, user, changes=None, comment: str = "", source: str = BROWSER) -> None:
    CountChange.objects.create(
        report=report, action=action, user=user, changes=changes or {}, comment=comment, source=source
    )


def _check_version(report: CountReport, expected_version: int | None) -> None:
    if expected_version is not None and report.version != expected_version:
        raise VersionConflict(report)


@transaction.atomic
def save_counts(  # noqa: C901
    *,
    place: Place,
    fiscal_year: int,
    month: int,
    user,
    values: Mapping[tuple[Source, Category], int | None],
    expected_version: int | None,
    source: str = BROWSER,
    comment: str = "",
    allow_reviewed: bool = False,
    today: datetime.date | None = None,
) -> CountReport | None:
    """Create or change the counts of one place and month (month 0: the whole fiscal year).

    `values` maps (window or agency, category) to a count, or to None to clear that cell. `expected_version` is
    the version the person's grid was built from (None: do not check, as an import does). Staff change drafts
    and returned reports; a planner's import may change reviewed ones (`allow_reviewed`), which sends them back
    to draft. Returns the report, or None when a new report would hold nothing.
    """
    check_period(fiscal_year, month, today)
    for (cell_source, category), value in values.items():
        check_source_at(cell_source, place)
        _check_value(value, source_label(cell_source, category))
    if any(value is not None for value in values.values()):
        check_no_mixed_periods(place, fiscal_year, month)

    report = _lock(place, fiscal_year, month)
    created = report is None
    if created:
        if expected_version not in (None, 0):
            raise WorkflowError("この報告は削除されたか、まだ作成されていません。画面を開き直してください。")
        if all(value is None for value in values.values()):
            return None
        try:
            with transaction.atomic():
                # Version 0 until the first save below bumps it, so a new report starts at version 1.
                report = CountReport.objects.create(
                    district=place.district,
                    area=place.area,
                    fiscal_year=fiscal_year,
                    month=month,
                    updated_by=user,
                    version=0,
                )
        except IntegrityError:
            raise VersionConflict(_lock(place, fiscal_year, month)) from None
    else:
        _check_version(report, expected_version)
        if not report.is_editable_by_staff and not allow_reviewed:
            raise WorkflowError(
                f"{report.get_status_display()}の件数は変更できません。差戻しを待つか、計画担当に相談してください。"
            )

    existing = {(c.window_id, c.agency_id, c.category_id): c for c in report.counts.all()}
    changes: dict[str, list] = {}
    for (cell_source, category), new in values.items():
        key = (
            (cell_source.pk, None, category.pk)
            if isinstance(cell_source, WindowType)
            else (None, cell_source.pk, category.pk)
        )
        count = existing.get(key)
        old = count.count if count else None
        if old == new:
            continue
        changes[source_label(cell_source, category)] = [old, new]
        if new is None:
            count.delete()
        elif count is None:
            ConsultationCount.objects.create(
                report=report,
                window=cell_source if isinstance(cell_source, WindowType) else None,
                agency=cell_source if isinstance(cell_source, Agency) else None,
                category=category,
                count=new,
            )
        else:
            count.count = new
            count.save(update_fields=["count"])

    fields: list[str] = []
    if not created and changes and report.status != CountReport.Status.DRAFT and allow_reviewed:
        changes["状態"] = [report.get_status_display(), CountReport.Status.DRAFT.label]
        report.status = CountReport.Status.DRAFT
        report.approved_at = None
        fields += ["status", "approved_at"]
    if created or changes:
        _bump(report, user, fields)
        if source != BROWSER:
            action = CountChange.Action.IMPORT
        else:
            action = CountChange.Action.CREATE if created else CountChange.Action.EDIT
        _log(report, action, user, changes, comment, source)
    return report


def _reload(report: CountReport, expected_version: int | None) -> CountReport:
    if FiscalYearSetting.for_year(report.fiscal_year).locked:
        raise WorkflowError(f"{fiscal_year_label(report.fiscal_year)}は締め切られているため変更できません。")
    locked = (
        CountReport.objects.select_for_update(of=("self",)).select_related("updated_by").filter(pk=report.pk).first()
    )
    if locked is None:
        raise WorkflowError("この報告は見つかりません。")
    _check_version(locked, expected_version)
    return locked


@transaction.atomic
def submit(report: CountReport, user, expected_version: int | None) -> CountReport:
    report = _reload(report, expected_version)
    if not report.is_editable_by_staff:
        raise WorkflowError(f"{report.get_status_display()}の報告は提出できません。")
    if not report.counts.exists():
        raise WorkflowError("件数が一つも入力されていません。相談がなかった欄には 0 を入力してください。")
    old = report.get_status_display()
    report.status = CountReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report, user, ["status", "submitted_at"])
    _log(report, CountChange.Action.SUBMIT, user, {"状態": [old, report.get_status_display()]})
    return report


@transaction.atomic
def approve(report: CountReport, user, expected_version: int | None, comment: str = "") -> CountReport:
    report = _reload(report, expected_version)
    if report.status != CountReport.Status.SUBMITTED:
        raise WorkflowError("提出済の報告だけが承認できます。")
    report.status = CountReport.Status.APPROVED
    report.approved_at = timezone.now()
    _bump(report, user, ["status", "approved_at"])
    _log(report, CountChange.Action.APPROVE, user, {"状態": ["提出済", "承認済"]}, comment.strip())
    return report


@transaction.atomic
def return_report(report: CountReport, user, expected_version: int | None, reason: str) -> CountReport:
    report = _reload(report, expected_version)
    if report.status != CountReport.Status.SUBMITTED:
        raise WorkflowError("提出済の報告だけが差し戻せます。")
    if not reason.strip():
        raise WorkflowError("差戻しの理由を入力してください。")
    report.status = CountReport.Status.RETURNED
    report.return_reason = reason.strip()
    _bump(report, user, ["status", "return_reason"])
    _log(report, CountChange.Action.RETURN, user, {"状態": ["提出済", "差戻し"]}, reason.strip())
    return report


@transaction.atomic
def reopen(report: CountReport, user, expected_version: int | None, reason: str) -> CountReport:
    """計画担当 takes back an approval so that the 地区 can correct its counts."""
    report = _reload(report, expected_version)
    if report.status != CountReport.Status.APPROVED:
        raise WorkflowError("承認済の報告だけが再開できます。")
    if not reason.strip():
        raise WorkflowError("再開する理由を入力してください。")
    report.status = CountReport.Status.RETURNED
    report.return_reason = reason.strip()
    report.approved_at = None
    _bump(report, user, ["status", "return_reason", "approved_at"])
    _log(report, CountChange.Action.REOPEN, user, {"状態": ["承認済", "差戻し"]}, reason.strip())
    return report

"""What is particular to reviewing consultation counts; the review workflow itself is setagaya_plan.core.review.

Here: where counts are kept (a 地区, a 地域 or the ward) and for which months, how a report's cells are saved
(old → new per cell), that a report needs at least one count before it is submitted, and who reviews and reopens
reports (COUNT_REVIEW, from consultations.access). The grid and the import both save through `save_counts`, so
every change is checked against the version the person started from and lands in the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from consultations.access import can_review
from consultations.models import (
    MAX_COUNT,
    WHOLE_YEAR,
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountReport,
    District,
    WindowType,
    month_label,
)
from setagaya_plan.core import audit, review
from setagaya_plan.core.access import is_planner
from setagaya_plan.core.fiscal_years import calendar_year_of, fiscal_year_label
from setagaya_plan.core.review import ReviewError

# The earliest year the ward's statistics go back to (the plan prints 平成29年度 = 2017).
FIRST_FISCAL_YEAR = 2017
NO_COUNTS = "件数が一つも入力されていません。相談がなかった欄には 0 を入力してください。"

Source = WindowType | Agency

COUNT_REVIEW = review.ReviewRules(
    noun="報告",
    record_noun="報告",
    values_noun="件数",
    submission_problem=lambda report: "" if report.counts.exists() else NO_COUNTS,
    may_review=lambda user, report: can_review(user, report),
    may_reopen=lambda user, report: is_planner(user),
)


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
            raise ReviewError(f"{source.name}の件数は地区ごとに入力してください。")
        return
    if source.window_type_id:
        raise ReviewError(
            f"{source.name}の件数は相談窓口「{source.window_type.name}」として地区ごとに入力してください。"
        )
    if source.count_level != place.level:
        where = {Agency.Scope.DISTRICT: "地区ごと", Agency.Scope.AREA: "地域ごと", Agency.Scope.WARD: "全区で一つ"}
        raise ReviewError(f"{source.name}の件数は{where[source.count_level]}に入力してください。")


def check_period(fiscal_year: int, month: int, today: datetime.date | None = None) -> None:
    """A month can be entered once it has begun, in a year that is not closed."""
    today = today or timezone.localdate()
    if month not in range(0, 13):
        raise ReviewError("月は1から12までです。")
    if fiscal_year < FIRST_FISCAL_YEAR:
        raise ReviewError(f"{fiscal_year_label(FIRST_FISCAL_YEAR)}より前の年度は入力できません。")
    first_day = datetime.date(fiscal_year, 4, 1) if month == WHOLE_YEAR else _first_day(fiscal_year, month)
    if first_day > today:
        raise ReviewError(f"{fiscal_year_label(fiscal_year)} {month_label(fiscal_year, month)}はまだ始まっていません。")
    review.ensure_year_open(fiscal_year)


def _first_day(fiscal_year: int, month: int) -> datetime.date:
    return datetime.date(calendar_year_of(fiscal_year, month), month, 1)


def check_no_mixed_periods(place: Place, fiscal_year: int, month: int) -> None:
    """A place keeps a year either month by month or as one whole-year figure: both would count twice."""
    others = place.reports().filter(fiscal_year=fiscal_year, counts__isnull=False)
    if month == WHOLE_YEAR and others.exclude(month=WHOLE_YEAR).exists():
        raise ReviewError(
            f"{place.label}の{fiscal_year_label(fiscal_year)}は月別に入力済みのため、年度計では入力できません。"
        )
    if month != WHOLE_YEAR and others.filter(month=WHOLE_YEAR).exists():
        raise ReviewError(
            f"{place.label}の{fiscal_year_label(fiscal_year)}は年度計で入力済みのため、月別には入力できません。"
        )


def _check_value(value: int | None, label: str) -> None:
    if value is None:
        return
    if not isinstance(value, int) or value < 0:
        raise ReviewError(f"{label}：件数は0以上の整数です。")
    if value > MAX_COUNT:
        raise ReviewError(f"{label}：件数は{MAX_COUNT:,}件までです。")


@transaction.atomic
def save_counts(
    *,
    place: Place,
    fiscal_year: int,
    month: int,
    user,
    values: Mapping[tuple[Source, Category], int | None],
    expected_version: int | None,
    source: str = audit.GRID,
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

    def create() -> CountReport | None:
        if all(value is None for value in values.values()):
            return None  # a new report that would hold nothing is not kept
        return CountReport.objects.create(
            district=place.district, area=place.area, fiscal_year=fiscal_year, month=month, updated_by=user, version=0
        )

    report, created = review.open_for_edit(
        COUNT_REVIEW,
        place.reports().filter(fiscal_year=fiscal_year, month=month),
        expected_version=expected_version,
        create=create,
        allow_reviewed=allow_reviewed,
    )
    if report is None:
        return None
    changes = _save_cells(report, values)
    return review.record_changes(report, user, created=created, changes=changes, source=source, comment=comment)


def _save_cells(report: CountReport, values: Mapping[tuple[Source, Category], int | None]) -> dict[str, list]:
    """Write the cells that differ (None deletes a cell); {label: [old, new]} of what changed."""
    existing = {(c.window_id, c.agency_id, c.category_id): c for c in report.counts.all()}
    changes: dict[str, list] = {}
    for (cell_source, category), new in values.items():
        is_window = isinstance(cell_source, WindowType)
        key = (cell_source.pk, None, category.pk) if is_window else (None, cell_source.pk, category.pk)
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
                window=cell_source if is_window else None,
                agency=None if is_window else cell_source,
                category=category,
                count=new,
            )
        else:
            count.count = new
            count.save(update_fields=["count"])
    return changes

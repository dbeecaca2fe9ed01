"""Grades of a series and of an indicator in one fiscal year, or the status that says why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators.evaluation.data import (
    DOWN,
    STATUS_ICONS,
    SUM,
    ActualData,
    Calendar,
    IndicatorData,
    Level,
    ReportData,
    Scheme,
    SeriesData,
    Status,
    TargetCell,
)
from indicators.evaluation.rates import achievement_rate, is_regressed, pace_rate, progress_rate


@dataclass(frozen=True)
class SeriesGrade:
    key: str
    part_label: str
    status: str
    level: Level | None = None
    target: TargetCell | None = None
    actual: Decimal | None = None  # what was compared with the target (a merged count: the sum of its years)
    actual_text: str = ""
    achievement: Decimal | None = None
    progress: Decimal | None = None
    pace: Decimal | None = None
    regressed: bool = False
    by_self_grade: bool = False
    misses_target: bool = False  # 目標未達: the compared actual is short of the numeric target it is judged against

    @property
    def is_graded(self) -> bool:
        return self.status == Status.GRADED

    @property
    def needs_attention(self) -> bool:
        return self.is_graded and (self.level.needs_attention or self.regressed)

    @property
    def label(self) -> str:
        return self.level.label if self.is_graded else Status(self.status).label

    @property
    def icon(self) -> str:
        return self.level.icon if self.is_graded else STATUS_ICONS.get(self.status, "")

    @property
    def colour(self) -> str:
        return self.level.colour if self.is_graded else "gray"


@dataclass(frozen=True)
class IndicatorGrade:
    """The grade of an indicator in a fiscal year: worst of its graded parts, or why there is none."""

    code: str
    year: int
    status: str
    level: Level | None = None
    series: tuple[SeriesGrade, ...] = ()
    regressed: bool = False
    due: bool = False  # an actual is expected this year
    approved: bool = False  # the year's report is approved
    provisional: bool = False  # graded from an unapproved report

    @property
    def is_graded(self) -> bool:
        return self.status == Status.GRADED

    @property
    def is_met(self) -> bool:
        return self.is_graded and self.level.counts_as_met

    @property
    def needs_attention(self) -> bool:
        return self.is_graded and (self.level.needs_attention or self.regressed)

    @property
    def label(self) -> str:
        return self.level.label if self.is_graded else Status(self.status).label

    @property
    def icon(self) -> str:
        return self.level.icon if self.is_graded else STATUS_ICONS.get(self.status, "")

    @property
    def colour(self) -> str:
        return self.level.colour if self.is_graded else "gray"

    @property
    def key(self) -> str:
        """What the grade filter and the counts use: a level code, or a status."""
        return self.level.code if self.is_graded else self.status

    @property
    def main(self) -> SeriesGrade | None:
        """The one series that carries the indicator's rates, when there is exactly one graded or only one at all."""
        graded = [s for s in self.series if s.status == Status.GRADED]
        if len(graded) == 1:
            return graded[0]
        if len(self.series) == 1:
            return self.series[0]
        return None

    @property
    def achievement(self) -> Decimal | None:
        return self.main.achievement if self.main else None

    @property
    def target_value(self) -> Decimal | None:
        """The numeric target the main series was judged against (grade_series picks it: the one place)."""
        main = self.main
        return main.target.value if main and main.target else None

    @property
    def misses_target(self) -> bool:
        return any(series.misses_target for series in self.series)

    @property
    def progress(self) -> Decimal | None:
        return self.main.progress if self.main else None

    @property
    def pace(self) -> Decimal | None:
        return self.main.pace if self.main else None


def _report_for(indicator: IndicatorData, year: int, official: bool) -> ReportData | None:
    report = indicator.reports.get(year)
    if report is None or (official and not report.approved):
        return None
    return report


def _value(indicator: IndicatorData, key: str, year: int, official: bool) -> Decimal | None:
    report = _report_for(indicator, year, official)
    if report is None:
        return None
    actual = report.actuals.get(key)
    return actual.value if actual else None


def _waiting(year: int, calendar: Calendar) -> str:
    return Status.MISSING if calendar.is_overdue(year) else Status.PENDING


def grade_series(
    indicator: IndicatorData,
    series: SeriesData,
    year: int,
    scheme: Scheme,
    calendar: Calendar,
    official: bool = True,
) -> SeriesGrade:
    """Grade one series in one year. See docs/evaluation.md for every case."""
    base = {"key": series.key, "part_label": series.label}
    target = series.target_for(year)
    if target is None:
        return SeriesGrade(status=Status.NO_TARGET, **base)
    base["target"] = target
    if target.deferred_to:
        return SeriesGrade(status=Status.EXCLUDED, **base)
    report = _report_for(indicator, year, official)
    actual = report.actuals.get(series.key, ActualData()) if report else ActualData()
    base["actual_text"] = actual.text

    if target.value is None or actual.value is None:
        # A text target — or a numeric one answered in words — carries the self-assessment given at entry.
        if report is None or (target.value is not None and not actual.text):
            return SeriesGrade(status=_waiting(year, calendar), **base)
        level = scheme.level_for_self_grade(report.self_grade)
        if level is None:
            return SeriesGrade(status=Status.UNGRADABLE, **base)
        return SeriesGrade(status=Status.GRADED, level=level, by_self_grade=True, **base)

    def value_of(y: int) -> Decimal | None:
        return _value(indicator, series.key, y, official)

    merged_count = target.is_multi_year and series.total_kind == SUM
    if merged_count:
        years = range(target.start, year + 1)
        waiting = [y for y in years if value_of(y) is None]
        if waiting:
            status = Status.MISSING if any(calendar.is_overdue(y) for y in waiting) else Status.PENDING
            return SeriesGrade(status=status, **base)
        compared = sum((value_of(y) for y in years), Decimal(0))
    else:
        compared = actual.value

    achievement = achievement_rate(compared, target.value, indicator.direction)
    # A count summed over merged years has no yearly baseline to compare with.
    progress = None if merged_count else progress_rate(compared, series.baseline, target.value)
    tolerance = scheme.survey_tolerance if series.is_rate else Decimal(0)
    regressed = not merged_count and is_regressed(compared, series.baseline, indicator.direction, tolerance)
    values = {
        "actual": compared,
        "achievement": achievement,
        "progress": progress,
        "regressed": regressed,
        **base,
    }
    judged_later = target.is_multi_year and year != target.end
    # 目標未達 as entry checks it (Series.misses_target): a merged target only in its last year.
    short = compared > target.value if indicator.direction == DOWN else compared < target.value
    values["misses_target"] = short and not judged_later
    if scheme.is_pace:
        pace = pace_rate(series, year, indicator.direction, value_of)
        if pace is None and judged_later:
            return SeriesGrade(status=Status.INTERIM, **values)
        rate = pace if pace is not None else achievement
        return SeriesGrade(status=Status.GRADED, level=scheme.level_for_rate(rate), pace=pace, **values)
    if judged_later:
        return SeriesGrade(status=Status.INTERIM, **values)
    return SeriesGrade(status=Status.GRADED, level=scheme.level_for_rate(achievement), **values)


# Without a grade, the indicator shows the most pressing reason among its parts.
STATUS_PRECEDENCE = [
    Status.MISSING,
    Status.PENDING,
    Status.UNGRADABLE,
    Status.INTERIM,
    Status.EXCLUDED,
    Status.NO_TARGET,
]


def grade_indicator(
    indicator: IndicatorData, year: int, scheme: Scheme, calendar: Calendar, official: bool = True
) -> IndicatorGrade:
    """The indicator's grade: the worst grade of its parts once every part that is due is graded (a)/b) are judged
    separately and either needing attention makes the indicator need it); otherwise the most pressing status."""
    series_grades = tuple(grade_series(indicator, s, year, scheme, calendar, official) for s in indicator.series)
    report = indicator.reports.get(year)
    common = {
        "code": indicator.code,
        "year": year,
        "series": series_grades,
        "due": any(g.status not in (Status.EXCLUDED, Status.NO_TARGET) for g in series_grades),
        "approved": bool(report and report.approved),
        "provisional": not official and bool(report and not report.approved),
    }
    graded = [g for g in series_grades if g.status == Status.GRADED]
    blocking = {g.status for g in series_grades} & {Status.MISSING, Status.PENDING, Status.UNGRADABLE}
    if graded and not blocking:
        positions = {level.code: index for index, level in enumerate(scheme.levels)}
        worst = max(graded, key=lambda g: positions.get(g.level.code, 0)).level
        return IndicatorGrade(status=Status.GRADED, level=worst, regressed=any(g.regressed for g in graded), **common)
    present = {g.status for g in series_grades}
    status = next((s for s in STATUS_PRECEDENCE if s in present), Status.NO_TARGET)
    return IndicatorGrade(status=status, **common)

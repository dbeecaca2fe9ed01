"""Progress evaluation (issue 4): 達成率, 進捗率, grades per indicator × fiscal year, and roll-ups.

The rules are plain functions over plain data (TargetCell, SeriesData, IndicatorData, Scheme), so each one is
tested by hand with values read from the printed plan; `Evaluator` builds that data from the database for a list
of indicators in a fixed number of queries, whatever their number. docs/evaluation.md says the same for planners,
and the legend on every progress page shows it to users.

Only approved actuals (Report.status == approved) are graded. An unapproved report can be graded "provisionally"
(`official=False`) for people allowed to see it; such a grade never counts in a roll-up.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db import models, transaction

from setagaya_plan.core.fiscal_years import fiscal_year_label, fiscal_year_of
from setagaya_plan.lib.numerals import plain_decimal, to_half_width

HUNDRED = Decimal(100)
INFINITY = Decimal("Infinity")
# 現況値 is, as a rule, the 令和5年度 (FY2023) actual: the year the straight line of the pace scheme starts from.
DEFAULT_BASELINE_YEAR = 2023
UP, DOWN = "up", "down"
SUM, LAST, CUMULATIVE, NONE = "sum", "last", "cumulative", "none"
RATE_UNITS = {"%", "％"}


class Status(models.TextChoices):
    """Why an indicator × year has, or has not, a grade."""

    GRADED = "graded", "評価済"
    MISSING = "missing", "未入力"  # no approved actual after the year's deadline
    PENDING = "pending", "集計中"  # no approved actual yet, deadline not passed
    INTERIM = "interim", "判定年度前"  # a target merged over several years is judged in its last year
    EXCLUDED = "excluded", "評価対象外"  # the year's target is left to another plan
    NO_TARGET = "no_target", "目標なし"
    UNGRADABLE = "ungradable", "判定不可"  # a numeric target with only a text actual and no self-assessment


STATUS_ICONS = {
    Status.MISSING: "！",
    Status.PENDING: "…",
    Status.INTERIM: "→",
    Status.EXCLUDED: "－",
    Status.NO_TARGET: "－",
    Status.UNGRADABLE: "？",
}
REGRESSED_LABEL = "後退"
REGRESSED_ICON = "▼"


# Plain data the rules work on.


@dataclass(frozen=True)
class TargetCell:
    """A printed target cell: one year or several merged years, holding a number, a text or a deferral."""

    start: int
    end: int | None = None
    value: Decimal | None = None
    text: str = ""
    deferred_to: str = ""

    def __post_init__(self):
        if self.end is None:
            object.__setattr__(self, "end", self.start)

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end

    @property
    def is_multi_year(self) -> bool:
        return self.end != self.start

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)


@dataclass(frozen=True)
class SeriesData:
    """One line of values: the whole indicator (key "") or a part (a, b, yearly, cumulative)."""

    key: str = ""
    label: str = ""
    unit: str = ""
    total_kind: str = SUM
    baseline: Decimal | None = None
    baseline_year: int = DEFAULT_BASELINE_YEAR
    targets: tuple[TargetCell, ...] = ()

    def target_for(self, year: int) -> TargetCell | None:
        for target in self.targets:
            if target.covers(year):
                return target
        return None

    def numeric_targets(self) -> list[TargetCell]:
        return sorted((t for t in self.targets if t.value is not None), key=lambda t: t.start)

    @property
    def is_rate(self) -> bool:
        return self.unit in RATE_UNITS


@dataclass(frozen=True)
class ActualData:
    value: Decimal | None = None
    text: str = ""


@dataclass(frozen=True)
class ReportData:
    """An indicator's report of one year: its status, the self-assessment of text targets and the actuals by key."""

    status: str = "approved"
    self_grade: str = ""
    actuals: Mapping[str, ActualData] = field(default_factory=dict)

    @property
    def approved(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True)
class IndicatorData:
    code: str = ""
    direction: str = UP
    series: tuple[SeriesData, ...] = ()
    reports: Mapping[int, ReportData] = field(default_factory=dict)


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    min_rate: Decimal | None = None
    counts_as_met: bool = False
    is_shortfall: bool = False
    self_grade: str = ""
    colour: str = "gray"
    icon: str = ""


@dataclass(frozen=True)
class Scheme:
    """A grading scheme: levels best first; a level is reached when the rate is at least its `min_rate`."""

    code: str
    name: str
    levels: tuple[Level, ...]
    basis: str = "achievement"  # or "pace"
    survey_tolerance: Decimal = Decimal(3)
    description: str = ""

    def level_for_rate(self, rate: Decimal) -> Level:
        for level in self.levels:
            if level.min_rate is None or rate >= level.min_rate:
                return level
        return self.levels[-1]

    def level_for_self_grade(self, self_grade: str) -> Level | None:
        for level in self.levels:
            if self_grade and level.self_grade == self_grade:
                return level
        return None

    def level(self, code: str) -> Level | None:
        return next((level for level in self.levels if level.code == code), None)

    @property
    def is_pace(self) -> bool:
        return self.basis == "pace"


@dataclass(frozen=True)
class Calendar:
    """Today and the reporting deadline of each fiscal year (default: 30 June after the year ends)."""

    today: datetime.date
    deadlines: Mapping[int, datetime.date] = field(default_factory=dict)

    def deadline(self, year: int) -> datetime.date:
        return self.deadlines.get(year) or datetime.date(year + 1, 6, 30)

    def is_overdue(self, year: int) -> bool:
        return self.today > self.deadline(year)


# The rates.


def achievement_rate(actual: Decimal, target: Decimal, direction: str = UP) -> Decimal:
    """達成率 in %: actual ÷ target aiming up, target ÷ actual aiming down. Infinity when the divisor is 0."""
    numerator, divisor = (actual, target) if direction == UP else (target, actual)
    if divisor == 0:
        return HUNDRED if numerator == 0 else INFINITY
    return numerator / divisor * HUNDRED


def progress_rate(actual: Decimal, baseline: Decimal | None, target: Decimal) -> Decimal | None:
    """進捗率 in %: (actual − baseline) ÷ (target − baseline).

    None without a numeric baseline, or when the target equals the baseline.
    """
    if baseline is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline) * HUNDRED


def is_regressed(actual: Decimal, baseline: Decimal | None, direction: str, tolerance: Decimal = Decimal(0)) -> bool:
    """後退: the actual is worse than the baseline in the indicator's direction, by more than the tolerance."""
    if baseline is None:
        return False
    worse_by = baseline - actual if direction == UP else actual - baseline
    return worse_by > tolerance


def expected_on_line(series: SeriesData, year: int) -> Decimal | None:
    """Where a level or running total should be in a year on the straight line from 現況値 to the final target."""
    numeric = series.numeric_targets()
    if not numeric or series.baseline is None:
        return None
    final = numeric[-1]
    span = final.end - series.baseline_year
    if span <= 0:
        return None
    elapsed = min(year, final.end) - series.baseline_year
    return series.baseline + (final.value - series.baseline) * Decimal(elapsed) / Decimal(span)


def pace_rate(
    series: SeriesData, year: int, direction: str, value_of: Callable[[int], Decimal | None]
) -> Decimal | None:
    """進み具合 in % (pace scheme, like Fukuoka City's welfare plan).

    A level or running total: (actual − baseline) ÷ (expected − baseline), where the expected value lies on the
    straight line from the baseline (in its year) to the final numeric target (in its year). A count summed into
    its 総量: the running sum of actuals against the straight line from 0 to the 総量, counting only the years that
    have an actual on both sides. None when it cannot be judged this way (no baseline, no numeric target).
    """
    numeric = series.numeric_targets()
    if not numeric:
        return None
    if series.total_kind == SUM:
        start, end = numeric[0].start, numeric[-1].end
        total = sum((t.value for t in numeric), Decimal(0))
        done_years = [y for y in range(start, min(year, end) + 1) if value_of(y) is not None]
        if not done_years:
            return None
        expected = total * Decimal(len(done_years)) / Decimal(end - start + 1)
        done = sum((value_of(y) for y in done_years), Decimal(0))
        return achievement_rate(done, expected, direction)
    actual = value_of(year)
    expected = expected_on_line(series, year)
    if actual is None or expected is None:
        return None
    if expected == series.baseline:
        return achievement_rate(actual, expected, direction)
    return (actual - series.baseline) / (expected - series.baseline) * HUNDRED


def floor_rate(rate: Decimal | None) -> Decimal | None:
    """A rate as shown: one decimal, rounded down, so that 79.96% shows 79.9% and grades below an 80% threshold."""
    if rate is None or not rate.is_finite():
        return rate
    return rate.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


def format_rate(rate: Decimal | None) -> str:
    if rate is None or not rate.is_finite():
        return "―"
    return f"{floor_rate(rate):,.1f}%"


_REIWA_YEAR = re.compile(r"令和\s*(\d+|元)\s*年度")
_REIWA_MONTH = re.compile(r"令和\s*(\d+|元)\s*年\s*(\d+)\s*月")


def baseline_year_of(note: str, default: int = DEFAULT_BASELINE_YEAR) -> int:
    """The fiscal year a 現況値 belongs to, from its note: 令和4年度 → 2022, 令和5年12月時点 → 2023, none → default."""
    text = to_half_width(note or "")
    month = _REIWA_MONTH.search(text)
    if month:
        year = 2018 + (1 if month.group(1) == "元" else int(month.group(1)))
        return fiscal_year_of(datetime.date(year, int(month.group(2)), 1))
    match = _REIWA_YEAR.search(text)
    if match:
        return 2018 + (1 if match.group(1) == "元" else int(match.group(1)))
    return default


# Grades.


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

    @property
    def is_graded(self) -> bool:
        return self.status == Status.GRADED

    @property
    def is_shortfall(self) -> bool:
        return self.is_graded and (self.level.is_shortfall or self.regressed)

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
    def is_shortfall(self) -> bool:
        return self.is_graded and (self.level.is_shortfall or self.regressed)

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
_STATUS_PRECEDENCE = [
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
    separately and a shortfall in either is a shortfall); otherwise the most pressing status."""
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
    status = next((s for s in _STATUS_PRECEDENCE if s in present), Status.NO_TARGET)
    return IndicatorGrade(status=status, **common)


# Roll-ups.


@dataclass
class Rollup:
    """Counts per grade, share met and completeness of a group of indicators in one year."""

    grades: list[IndicatorGrade]

    @property
    def counts(self) -> Counter:
        return Counter(grade.key for grade in self.grades)

    @property
    def total(self) -> int:
        return len(self.grades)

    @property
    def graded(self) -> int:
        return sum(1 for grade in self.grades if grade.is_graded)

    @property
    def met(self) -> int:
        return sum(1 for grade in self.grades if grade.is_met)

    @property
    def due(self) -> int:
        return sum(1 for grade in self.grades if grade.due)

    @property
    def complete(self) -> int:
        return sum(1 for grade in self.grades if grade.due and grade.approved)

    @property
    def shortfalls(self) -> list[IndicatorGrade]:
        return [grade for grade in self.grades if grade.is_shortfall]

    @property
    def regressed(self) -> int:
        return sum(1 for grade in self.grades if grade.is_graded and grade.regressed)

    @property
    def share_met(self) -> Decimal | None:
        """Share of graded indicators whose grade counts as met, in %."""
        return Decimal(self.met) / Decimal(self.graded) * HUNDRED if self.graded else None

    @property
    def completeness(self) -> Decimal | None:
        """Share of indicators due this year whose report is approved, in %."""
        return Decimal(self.complete) / Decimal(self.due) * HUNDRED if self.due else None

    def segments(self, scheme: Scheme) -> list[dict]:
        """The bar: one segment per level and per status present, in legend order, with its share of the total."""
        counts = self.counts
        keys = [(level.code, level.label, level.icon, level.colour) for level in scheme.levels] + [
            (status.value, status.label, STATUS_ICONS.get(status, ""), "gray") for status in _STATUS_PRECEDENCE
        ]
        return [
            {
                "key": key,
                "label": label,
                "icon": icon,
                "colour": colour,
                "count": counts[key],
                "share": Decimal(counts[key]) / Decimal(self.total) * HUNDRED,
            }
            for key, label, icon, colour in keys
            if counts[key] and self.total
        ]


def rollup(grades: Iterable[IndicatorGrade], unique: bool = False) -> Rollup:
    """A roll-up; `unique` counts an indicator once even if it is printed in several places (【再掲】)."""
    grades = list(grades)
    if unique:
        seen: dict[str, IndicatorGrade] = {}
        for grade in grades:
            seen.setdefault(grade.code, grade)
        grades = list(seen.values())
    return Rollup(grades)


# The shipped schemes (also installed by migration 0004_grading_schemes).

SHIPPED_SCHEMES: list[dict] = [
    {
        "code": "default",
        "name": "標準（達成・概ね達成・未達成）",
        "description": (
            "達成率（実績÷目標。減少をめざす指標は目標÷実績）で判定します。100％以上で「達成」、80％以上で"
            "「概ね達成」、それ未満は「未達成」。現況値より悪化したときは別に「後退」を示します。"
        ),
        "basis": "achievement",
        "levels": [
            ("met", "達成", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly", "概ね達成", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("not_met", "未達成", None, False, True, "not_met", "red", "×"),
        ],
    },
    {
        "code": "five_level",
        "name": "5段階（大きく上回って達成～大きく下回った）",
        "description": "達成率で5段階に判定します。120％以上、100％以上、80％以上、50％以上、50％未満。",
        "basis": "achievement",
        "levels": [
            ("far_above", "目標を大きく上回って達成", Decimal(120), True, False, "", "blue", "◎"),
            ("above", "目標を上回って達成", Decimal(100), True, False, "met", "green", "○"),
            ("nearly", "目標をほぼ達成", Decimal(80), False, False, "mostly", "yellow", "△"),
            ("below", "目標を下回った", Decimal(50), False, True, "not_met", "orange", "▽"),
            ("far_below", "目標を大きく下回った", None, False, True, "", "red", "×"),
        ],
    },
    {
        "code": "pace",
        "name": "進み具合（順調・概ね順調・やや遅れている・遅れている）",
        "description": (
            "現況値から最終年度の目標までを直線で結び、その年度にあるべき値と比べます（福岡市の保健福祉総合計画の"
            "評価と同じ考え方）。各年度の件数を合計する指標は、総量までの直線と実績の累計を比べます。"
            "100％以上で「順調」、80％以上で「概ね順調」、50％以上で「やや遅れている」、それ未満は「遅れている」。"
        ),
        "basis": "pace",
        "levels": [
            ("on_track", "順調", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly_on_track", "概ね順調", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("slightly_behind", "やや遅れている", Decimal(50), False, True, "", "orange", "△"),
            ("behind", "遅れている", None, False, True, "not_met", "red", "×"),
        ],
    },
]
LEVEL_FIELDS = ("code", "label", "min_rate", "counts_as_met", "is_shortfall", "self_grade", "colour", "icon")


def shipped_scheme(code: str = "default") -> Scheme:
    data = next(s for s in SHIPPED_SCHEMES if s["code"] == code)
    return Scheme(
        code=data["code"],
        name=data["name"],
        description=data["description"],
        basis=data["basis"],
        levels=tuple(Level(**dict(zip(LEVEL_FIELDS, row, strict=True))) for row in data["levels"]),
    )


def scheme_from_model(model) -> Scheme:
    return Scheme(
        code=model.code,
        name=model.name,
        description=model.description,
        basis=model.basis,
        survey_tolerance=model.survey_tolerance,
        levels=tuple(
            Level(**{name: getattr(level, name) for name in LEVEL_FIELDS})
            for level in sorted(model.levels.all(), key=lambda level: level.position)
        ),
    )


def active_scheme() -> Scheme:
    """The scheme planners chose; the shipped default when none is stored (e.g. a freshly flushed database)."""
    from indicators.models import GradingScheme

    model = GradingScheme.objects.with_levels().filter(is_active=True).first()
    return scheme_from_model(model) if model else shipped_scheme()


@transaction.atomic
def install_shipped_schemes(user=None) -> list:
    """Store the shipped schemes that are missing (by code); activate the default when none is active."""
    from indicators.models import EvaluationChange, GradeLevel, GradingScheme

    created = []
    for position, data in enumerate(SHIPPED_SCHEMES):
        if GradingScheme.objects.filter(code=data["code"]).exists():
            continue
        scheme = GradingScheme.objects.create(
            code=data["code"],
            name=data["name"],
            description=data["description"],
            basis=data["basis"],
            position=position,
        )
        for index, row in enumerate(data["levels"]):
            GradeLevel.objects.create(scheme=scheme, position=index, **dict(zip(LEVEL_FIELDS, row, strict=True)))
        EvaluationChange.objects.create(scheme=scheme, action=EvaluationChange.Action.INSTALL, user=user)
        created.append(scheme)
    if not GradingScheme.objects.filter(is_active=True).exists():
        GradingScheme.objects.filter(code="default").update(is_active=True)
    return created


# From the database.


def default_fiscal_year(today: datetime.date, first: int = 2024, last: int = 2031) -> int:
    """The year a progress page opens on: the latest fiscal year that has ended, within the plan's period."""
    return min(max(fiscal_year_of(today) - 1, first), last)


def series_data(series, confirmed=None) -> SeriesData:
    """SeriesData of a Series (with prefetched targets); `confirmed` is its latest ConfirmedBaseline, if any."""
    baseline, note = series.baseline_value, series.baseline_note
    if confirmed is not None:
        baseline, note = confirmed.value, confirmed.note
    return SeriesData(
        key=series.key,
        label=series.label,
        unit=series.effective_unit,
        total_kind=series.effective_total_kind,
        baseline=baseline,
        baseline_year=baseline_year_of(note),
        targets=tuple(
            TargetCell(t.fiscal_year, t.end_fiscal_year, t.value, t.text, t.deferred_to) for t in series.targets.all()
        ),
    )


class Evaluator:
    """Grades of a list of indicators (loaded with Indicator.objects.with_structure()) in six queries.

    Reads every report of those indicators with its actuals, the latest confirmed baselines, the years' deadlines
    and the active scheme; then grades in Python as often as asked.
    """

    def __init__(
        self,
        indicators: Sequence,
        *,
        scheme: Scheme | None = None,
        today: datetime.date | None = None,
    ):
        from django.utils import timezone

        from indicators.models import ConfirmedBaseline, Report
        from setagaya_plan.core.models import FiscalYearSetting

        self.indicators = list(indicators)
        self.scheme = scheme or active_scheme()
        ids = [indicator.pk for indicator in self.indicators]
        self.calendar = Calendar(
            today=today or timezone.localdate(),
            deadlines=dict(FiscalYearSetting.objects.values_list("fiscal_year", "deadline")),
        )
        self.reports: dict[tuple[int, int], object] = {}
        for report in Report.objects.filter(indicator_id__in=ids).prefetch_related("actuals"):
            self.reports[(report.indicator_id, report.fiscal_year)] = report
        latest: dict[int, object] = {}
        for confirmation in ConfirmedBaseline.objects.filter(series__indicator_id__in=ids).order_by("at", "pk"):
            latest[confirmation.series_id] = confirmation
        self.confirmed = latest
        by_indicator: dict[int, dict[int, object]] = defaultdict(dict)
        for (indicator_id, year), report in self.reports.items():
            by_indicator[indicator_id][year] = report
        self.data = {
            indicator.pk: self._indicator_data(indicator, by_indicator[indicator.pk]) for indicator in self.indicators
        }
        self._cache: dict[tuple[int, int, bool], IndicatorGrade] = {}

    def _indicator_data(self, indicator, reports: dict[int, object]) -> IndicatorData:
        keys = {series.pk: series.key for series in indicator.series.all()}
        return IndicatorData(
            code=indicator.code,
            direction=indicator.direction,
            series=tuple(series_data(s, self.confirmed.get(s.pk)) for s in indicator.series.all()),
            reports={
                year: ReportData(
                    status=report.status,
                    self_grade=report.self_grade,
                    actuals={
                        keys[actual.series_id]: ActualData(actual.value, actual.text)
                        for actual in report.actuals.all()
                        if actual.series_id in keys
                    },
                )
                for year, report in reports.items()
            },
        )

    def grade(self, indicator, year: int, official: bool = True) -> IndicatorGrade:
        key = (indicator.pk, year, official)
        if key not in self._cache:
            self._cache[key] = grade_indicator(self.data[indicator.pk], year, self.scheme, self.calendar, official)
        return self._cache[key]

    def provisional(self, indicator, year: int) -> IndicatorGrade | None:
        """A grade from the unapproved report of the year, when there is one and no official grade."""
        report = self.reports.get((indicator.pk, year))
        if report is None or report.status == "approved":
            return None
        grade = self.grade(indicator, year, official=False)
        return grade if grade.is_graded else None

    def report(self, indicator, year: int):
        return self.reports.get((indicator.pk, year))

    def indicator_of(self, code: str):
        if not hasattr(self, "_by_code"):
            self._by_code = {indicator.code: indicator for indicator in self.indicators}
        return self._by_code[code]

    def series_data(self, indicator) -> dict[str, SeriesData]:
        return {series.key: series for series in self.data[indicator.pk].series}

    def rollup(self, indicators: Iterable, year: int, unique: bool = False) -> Rollup:
        return rollup((self.grade(indicator, year) for indicator in indicators), unique=unique)


def year_choices(first: int, last: int) -> list[tuple[int, str]]:
    return [(year, fiscal_year_label(year)) for year in range(first, last + 1)]


# Changes planners make (settings page, confirmed baselines): each one logged with who, when and why.


class EvaluationError(Exception):
    """A refused change; the message is shown to the planner as it is."""


@dataclass(frozen=True)
class GradeChange:
    year: int
    before: IndicatorGrade
    after: IndicatorGrade

    @property
    def summary(self) -> str:
        def text(grade: IndicatorGrade) -> str:
            return grade.label + ("・後退" if grade.is_graded and grade.regressed else "")

        return f"{fiscal_year_label(self.year)}：{text(self.before)} → {text(self.after)}"


def _grades_by_year(indicator_id: int) -> dict[int, IndicatorGrade]:
    from indicators.models import Indicator

    indicator = Indicator.objects.with_structure().get(pk=indicator_id)
    evaluator = Evaluator([indicator])
    years = sorted({y for s in indicator.series.all() for t in s.targets.all() for y in t.years})
    return {year: evaluator.grade(indicator, year) for year in years}


@transaction.atomic
def confirm_baseline(series, value: Decimal, note: str, reason: str, user) -> list[GradeChange]:
    """Record the confirmed 現況値 of a series (the printed one was mostly a 令和5年度 estimate).

    Grades are computed, never stored, so every grade that depends on the baseline (進捗率, 後退, the pace scheme)
    follows at once; the changes are returned so the planner sees them. The row itself is the log: old → new,
    who, when and the reason.
    """
    from indicators.models import ConfirmedBaseline

    if not reason.strip():
        raise EvaluationError("確定値に変更する理由を入力してください。")
    before = _grades_by_year(series.indicator_id)
    latest = ConfirmedBaseline.objects.filter(series=series).order_by("-at", "-pk").first()
    ConfirmedBaseline.objects.create(
        series=series,
        value=value,
        note=note.strip(),
        previous_value=latest.value if latest else series.baseline_value,
        previous_note=latest.note if latest else series.baseline_note,
        reason=reason.strip(),
        user=user,
    )
    after = _grades_by_year(series.indicator_id)
    return [
        GradeChange(year, before[year], after[year])
        for year in before
        if (before[year].key, before[year].regressed) != (after[year].key, after[year].regressed)
    ]


@transaction.atomic
def activate_scheme(scheme, user, reason: str = ""):
    """Make `scheme` (a GradingScheme) the one every page and export grades with."""
    from indicators.models import EvaluationChange, GradingScheme

    previous = GradingScheme.objects.filter(is_active=True).first()
    if previous is not None and previous.pk == scheme.pk:
        return scheme
    GradingScheme.objects.filter(is_active=True).update(is_active=False)
    GradingScheme.objects.filter(pk=scheme.pk).update(is_active=True)
    EvaluationChange.objects.create(
        scheme=scheme,
        action=EvaluationChange.Action.ACTIVATE,
        changes={"使用中の評価方式": [previous.name if previous else None, scheme.name]},
        reason=reason.strip(),
        user=user,
    )
    scheme.refresh_from_db()
    return scheme


def check_thresholds(thresholds: Sequence[Decimal]) -> None:
    """Thresholds of the levels above the lowest, best first: each strictly below the one before."""
    for higher, lower in itertools.pairwise(thresholds):
        if lower >= higher:
            raise EvaluationError(
                f"しきい値は上の段階ほど大きくしてください（{plain_decimal(higher)}％ の次が "
                f"{plain_decimal(lower)}％ になっています）。"
            )


@transaction.atomic
def update_scheme(scheme, thresholds: Mapping[str, Decimal], tolerance: Decimal, user, reason: str = ""):
    """Change the thresholds of a scheme's levels (by level code) and its survey tolerance; log old → new."""
    from indicators.models import EvaluationChange

    levels = list(scheme.levels.order_by("position"))
    graded = levels[:-1]  # the lowest level has no threshold
    new_values = [thresholds.get(level.code, level.min_rate) for level in graded]
    check_thresholds(new_values)
    if tolerance < 0:
        raise EvaluationError("許容幅は0以上にしてください。")
    changes: dict[str, list] = {}
    for level, new in zip(graded, new_values, strict=True):
        if level.min_rate != new:
            changes[f"{level.label}のしきい値"] = [_plain(level.min_rate), _plain(new)]
            level.min_rate = new
            level.save(update_fields=["min_rate"])
    if scheme.survey_tolerance != tolerance:
        changes["割合の許容幅"] = [_plain(scheme.survey_tolerance), _plain(tolerance)]
        scheme.survey_tolerance = tolerance
        scheme.save(update_fields=["survey_tolerance"])
    if changes:
        EvaluationChange.objects.create(
            scheme=scheme,
            action=EvaluationChange.Action.THRESHOLDS,
            changes=changes,
            reason=reason.strip(),
            user=user,
        )
    return changes


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else plain_decimal(value)

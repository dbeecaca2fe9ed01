"""The plain data the evaluation rules work on: target cells, series, reports, schemes, the calendar.

Frozen dataclasses, so that every rule is a plain function tested by hand with values read from the printed
plan; `indicators.evaluation.evaluator` builds them from the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from setagaya_plan.lib.numerals import is_percent

HUNDRED = Decimal(100)
INFINITY = Decimal("Infinity")
# A domain rule of the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章, the tables of 行動量 and
# 成果指標): a 現況値 without a note in parentheses is the 令和5年度 (FY2023) actual, the year before the plan's
# first. It is the year the straight line of the pace scheme starts from; a note (令和4年度, 令和5年12月時点) says
# otherwise per value (rates.baseline_year_of).
DEFAULT_BASELINE_YEAR = 2023
UP, DOWN = "up", "down"
SUM, LAST, CUMULATIVE, NONE = "sum", "last", "cumulative", "none"


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
        return is_percent(self.unit)


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
    series: tuple[SeriesData, ...] = ()  # as the latest revision left them: the targets in force now
    reports: Mapping[int, ReportData] = field(default_factory=dict)
    # The series as each revision of the 実施計画 that changed them left them, oldest first (RevisionState of
    # indicators.evaluation.revisions); a year is graded against the state in force for it. Empty: `series`
    # grades every year (data built by hand, or a plan never revised).
    states: tuple = ()


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    min_rate: Decimal | None = None
    counts_as_met: bool = False
    needs_attention: bool = False
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

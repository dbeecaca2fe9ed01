"""Roll-ups: counts per grade, share met and completeness of a group of indicators in one year, and the verdict
a 推進施策 gets from them.

`Rollup` counts graded IndicatorGrades in Python (the annual report, the public site, the workbook); `Tally` holds
the same numbers counted by the database from the stored grades (the dashboard: indicators.progress.overview).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.evaluation.badges import Badge
from indicators.evaluation.data import STATUS_ICONS, Scheme
from indicators.evaluation.grading import STATUS_PRECEDENCE, IndicatorGrade
from setagaya_plan.lib.numerals import share


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
    def attention(self) -> list[IndicatorGrade]:
        return [grade for grade in self.grades if grade.needs_attention]

    @property
    def regressed(self) -> int:
        return sum(1 for grade in self.grades if grade.is_graded and grade.regressed)

    @property
    def share_met(self) -> Decimal | None:
        """Share of graded indicators whose grade counts as met, in %."""
        return share(self.met, self.graded)

    @property
    def completeness(self) -> Decimal | None:
        """Share of indicators due this year whose report is approved, in %."""
        return share(self.complete, self.due)

    def segments(self, scheme: Scheme) -> list[dict]:
        return segments(self.counts, self.total, scheme)


def grade_keys(scheme: Scheme) -> list[tuple[str, str, str, str]]:
    """Every key a grade is counted under, in legend order: the scheme's levels, then the statuses (key, label, icon,
    colour)."""
    return [(level.code, level.label, level.icon, level.colour) for level in scheme.levels] + [
        (status.value, status.label, STATUS_ICONS.get(status, ""), "gray") for status in STATUS_PRECEDENCE
    ]


def segments(counts: Counter, total: int, scheme: Scheme) -> list[dict]:
    """The bar: one segment per level and per status present, in legend order, with its share of the total."""
    return [
        {
            "key": key,
            "label": label,
            "icon": icon,
            "colour": colour,
            "count": counts[key],
            "share": share(counts[key], total),
        }
        for key, label, icon, colour in grade_keys(scheme)
        if counts[key] and total
    ]


@dataclass
class Tally:
    """A roll-up counted by the database from the stored grades: a Rollup's numbers without the grades themselves
    (`attention` is a count here)."""

    counts: Counter = field(default_factory=Counter)
    total: int = 0
    graded: int = 0
    met: int = 0
    due: int = 0
    complete: int = 0
    attention: int = 0
    regressed: int = 0

    def __add__(self, other: Tally) -> Tally:
        """Two disjoint sets of grades counted together (a 推進施策's own rows and its 【再掲】)."""
        numbers = ("total", "graded", "met", "due", "complete", "attention", "regressed")
        return Tally(
            counts=self.counts + other.counts,
            **{name: getattr(self, name) + getattr(other, name) for name in numbers},
        )

    @property
    def share_met(self) -> Decimal | None:
        return share(self.met, self.graded)

    @property
    def completeness(self) -> Decimal | None:
        return share(self.complete, self.due)

    @property
    def other(self) -> int:
        """Indicators without a grade this year (未入力, 集計中, 判定年度前 …)."""
        return self.total - self.graded

    def segments(self, scheme: Scheme) -> list[dict]:
        return segments(self.counts, self.total, scheme)


# The verdict of a 推進施策 in a year, read at a glance on the dashboard (docs/evaluation.md, 推進施策の判定): from
# the share of its graded indicators needing attention (注意: a level marked so, or 後退).
BEHIND_SHARE = Decimal(50)  # at least half of the graded need attention: 遅れ
VERDICTS = {
    "on_track": Badge("順調", "◎", "green"),  # graded, none needs attention
    "partly": Badge("一部に遅れ", "△", "yellow"),  # some need attention, under half
    "behind": Badge("遅れ", "×", "red"),  # half or more need attention
    "waiting": Badge("評価前", "－", "gray"),  # nothing graded yet this year
}
VERDICT_EXPLANATIONS = {
    "on_track": "評価済の指標に注意（未達の段階・後退）がない",
    "partly": "評価済の指標の一部（半数未満）が注意",
    "behind": "評価済の指標の半数以上が注意",
    "waiting": "承認済の実績による評価がまだない",
}


def verdict_key(tally: Tally | Rollup) -> str:
    attention = tally.attention if isinstance(tally.attention, int) else len(tally.attention)
    if not tally.graded:
        return "waiting"
    if not attention:
        return "on_track"
    return "behind" if share(attention, tally.graded) >= BEHIND_SHARE else "partly"


def rollup(grades: Iterable[IndicatorGrade], unique: bool = False) -> Rollup:
    """A roll-up; `unique` counts an indicator once even if it is printed in several places (【再掲】)."""
    grades = list(grades)
    if unique:
        seen: dict[str, IndicatorGrade] = {}
        for grade in grades:
            seen.setdefault(grade.code, grade)
        grades = list(seen.values())
    return Rollup(grades)

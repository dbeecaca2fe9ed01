"""Roll-ups: counts per grade, share met and completeness of a group of indicators in one year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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
        """The bar: one segment per level and per status present, in legend order, with its share of the total."""
        counts = self.counts
        keys = [(level.code, level.label, level.icon, level.colour) for level in scheme.levels] + [
            (status.value, status.label, STATUS_ICONS.get(status, ""), "gray") for status in STATUS_PRECEDENCE
        ]
        return [
            {
                "key": key,
                "label": label,
                "icon": icon,
                "colour": colour,
                "count": counts[key],
                "share": share(counts[key], self.total),
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

"""Stored official grades: the evaluation of each indicator × fiscal year, kept so that summary pages read it with
SQL instead of grading the whole plan on every request.

The rules stay in indicators.evaluation; `indicators.evaluation.store.refresh_grades` writes these rows from a
fresh `Evaluator` run, in the same transaction as every change of an input (an actual, a review step, a target,
a series, a confirmed baseline, the grading scheme, a deadline), and `manage.py regrade` rebuilds them all.
Only approved actuals are graded here; provisional grades of unapproved reports stay computed where shown.

An indicator has one row per measure (推進施策) it is printed in and year: its own place (`relisted` False) and
each 【再掲】 in another measure, so that a measure's roll-up is a GROUP BY and a goal's or the plan's, counting an
indicator once, reads the own rows only.

Time: 未入力 (missing) and 集計中 (pending) differ only by whether the year's deadline has passed. A row stores
"pending" with the date after which it is missing (`missing_after`), so the rows never go stale as days pass;
`GradeQuerySet.as_of(today)` reads the status of a given day.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When

from measures.models import Measure

# The stored statuses (indicators.evaluation.data.Status, which this module cannot import: the evaluation imports
# the models). "pending" turns into "missing" after `missing_after`.
GRADED, PENDING, MISSING = "graded", "pending", "missing"
RATE_OPTIONS = {"max_digits": 24, "decimal_places": 4, "null": True, "blank": True}


def key_condition(key: str, today: datetime.date, *, is_level: bool, prefix: str = "") -> Q:
    """Rows counted under a grade key on `today`: a level's code, or a status (pending past its deadline counts as
    missing). `prefix` reaches the grade through a relation (year_grade__ on an indicator)."""

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    if is_level:
        return q(status=GRADED, level=key)
    if key == MISSING:
        return q(status=MISSING) | q(status=PENDING, missing_after__lt=today)
    if key == PENDING:
        return q(status=PENDING) & ~q(missing_after__lt=today)
    return q(status=key)


class GradeQuerySet(models.QuerySet):
    def as_of(self, today: datetime.date) -> GradeQuerySet:
        """Annotate `state` (the status on `today`: pending past its deadline is missing) and `key` (what the grade
        filter and the counts use: the level's code when graded, else the state)."""
        state = Case(
            When(status=PENDING, missing_after__lt=today, then=Value(MISSING)),
            default=F("status"),
            output_field=models.CharField(),
        )
        key = Case(When(status=GRADED, then=F("level")), default=state, output_field=models.CharField())
        return self.annotate(state=state, key=key)

    def waiting(self) -> GradeQuerySet:
        """Grades waiting for an actual (集計中 or, past the deadline, 未入力): the ones a deadline changes."""
        return self.filter(status=PENDING)

    def of_year(self, fiscal_year: int) -> GradeQuerySet:
        return self.filter(fiscal_year=fiscal_year)

    def needing_attention(self) -> GradeQuerySet:
        """Grades needing attention (注意: a level marked so, or 後退)."""
        return self.filter(needs_attention=True)

    def own(self) -> GradeQuerySet:
        """One row per indicator: its own place, not its 【再掲】."""
        return self.filter(relisted=False)


class Grade(models.Model):
    """The official grade of an indicator in one fiscal year, as placed in one measure (own place or 【再掲】)."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="grades", verbose_name="指標"
    )
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+", verbose_name="推進施策")
    relisted = models.BooleanField("再掲", default=False)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状態", max_length=12)
    level = models.CharField("評価の段階", max_length=30, blank=True, help_text="使用中の評価方式の段階のコード")
    rank = models.PositiveSmallIntegerField(
        "並び順", help_text="評価の良い順（段階の順、続いて評価のない理由の順）。評価の列で並べ替えるときに使います。"
    )
    missing_after = models.DateField("未入力になる日", null=True, blank=True, help_text="集計中のとき：提出期限")
    counts_as_met = models.BooleanField("達成に数える", default=False)
    needs_attention = models.BooleanField("注意", default=False)
    regressed = models.BooleanField("後退", default=False)
    misses_target = models.BooleanField("目標未達", default=False)
    due = models.BooleanField("実績の対象", default=False)
    approved = models.BooleanField("承認済", default=False)
    achievement = models.DecimalField("達成率", **RATE_OPTIONS)
    progress = models.DecimalField("進捗率", **RATE_OPTIONS)
    pace = models.DecimalField("進み具合", **RATE_OPTIONS)
    target_value = models.DecimalField("判定に使った目標値", max_digits=18, decimal_places=4, null=True, blank=True)

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = "評価（保存済）"
        verbose_name_plural = "評価（保存済）"
        # (indicator, fiscal_year) leads the unique index: the indicator list joins an indicator's grade of a year
        # through it; the dashboard counts a year's grades per measure through the other.
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year", "measure"], name="grade_once_per_place_year")
        ]
        indexes = [models.Index(fields=["fiscal_year", "measure"], name="grade_year_measure")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.fiscal_year} {self.level or self.status}"

    @property
    def is_graded(self) -> bool:
        return self.status == GRADED

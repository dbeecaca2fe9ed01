"""Changes planners make to the evaluation (settings page, confirmed baselines), each recorded in the audit trail
with who, when, old → new and why; the grades that change are returned so the planner sees them."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.evaluation.evaluator import Evaluator
from indicators.evaluation.grading import IndicatorGrade
from indicators.evaluation.schemes import install_shipped_schemes
from indicators.evaluation.store import refresh_grades
from indicators.models import ConfirmedBaseline, GradingScheme, Indicator
from setagaya_plan.core import audit
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import plain_decimal


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

    indicator = Indicator.objects.with_structure().get(pk=indicator_id)
    evaluator = Evaluator([indicator])
    years = sorted({y for s in indicator.series.all() for t in s.targets.all() for y in t.years})
    return {year: evaluator.grade(indicator, year) for year in years}


@transaction.atomic
def confirm_baseline(series, value: Decimal, note: str, reason: str, user) -> list[GradeChange]:
    """Record the confirmed 現況値 of a series (the printed one was mostly a 令和5年度 estimate).

    Every grade that depends on the baseline (進捗率, 後退, the pace scheme) follows at once: the stored grades are
    refreshed in this transaction, and the changes are returned so the planner sees them. The audit entry keeps
    old → new, who, when and the reason.
    """

    if not reason.strip():
        raise EvaluationError("確定値に変更する理由を入力してください。")
    before = _grades_by_year(series.indicator_id)
    latest = ConfirmedBaseline.objects.filter(series=series).order_by("-at", "-pk").first()
    confirmed = ConfirmedBaseline.objects.create(series=series, value=value, note=note.strip())
    old_value, old_note = (latest.value, latest.note) if latest else (series.baseline_value, series.baseline_note)
    label = f"{series.label}の現況値" if series.label else "現況値"
    changes = {label: [audit.plain(old_value), audit.plain(confirmed.value)]}
    changes.update(audit.diff({"時点": old_note}, {"時点": confirmed.note}))
    audit.log(confirmed, audit.Action.CONFIRM_BASELINE, user, changes=changes, comment=reason.strip())
    after = _grades_by_year(series.indicator_id)
    refresh_grades([series.indicator_id])
    return [
        GradeChange(year, before[year], after[year])
        for year in before
        if (before[year].key, before[year].regressed) != (after[year].key, after[year].regressed)
    ]


@transaction.atomic
def activate_scheme(scheme, user, reason: str = ""):
    """Make `scheme` (a GradingScheme) the one every page and export grades with."""

    previous = GradingScheme.objects.filter(is_active=True).first()
    if previous is not None and previous.pk == scheme.pk:
        return scheme
    GradingScheme.objects.filter(is_active=True).update(is_active=False)
    GradingScheme.objects.filter(pk=scheme.pk).update(is_active=True)
    audit.log(
        scheme,
        audit.Action.ACTIVATE_SCHEME,
        user,
        changes={"使用中の評価方式": [previous.name if previous else None, scheme.name]},
        comment=reason.strip(),
    )
    scheme.refresh_from_db()
    refresh_grades()  # every grade is now a level of this scheme
    return scheme


@transaction.atomic
def install_schemes(user) -> list:
    """The settings page's 「標準の評価方式を登録」: store the shipped schemes; the stored default may now be the
    active scheme, so the stored grades follow."""
    created = install_shipped_schemes(user)
    if created:
        refresh_grades()
    return created


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
        audit.log(scheme, audit.Action.THRESHOLDS, user, changes=changes, comment=reason.strip())
        if scheme.is_active:
            refresh_grades()
    return changes


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else plain_decimal(value)

"""What the dashboard, the annual report, its workbook and the public home show: one row per 推進施策 and per
基本目標 with its roll-up, the legend, and which indicators and unapproved actuals a user sees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages

from indicators.evaluation import IN_FORCE, ORIGINAL_TARGETS, REGRESSED, Evaluator, Rollup, Status, status_badge
from indicators.models import Indicator
from indicators.progress.tables import measure_url
from measures.models import Goal, Measure
from setagaya_plan.core.access import is_planner, sections_of

# The dashboard read against the targets in force for each year (default) or against 当初's (?targets=original).
TARGET_BASES = {IN_FORCE: "各年度に適用される目標（改定後）", ORIGINAL_TARGETS: "当初目標"}


def target_basis(request) -> str:
    """?targets=: in_force or original; anything else gives in_force and says so (never an error page)."""
    raw = request.GET.get("targets", "")
    if raw in TARGET_BASES or not raw.strip():
        return raw if raw in TARGET_BASES else IN_FORCE
    message = "評価に用いる目標の指定が読めないため、各年度に適用される目標で表示しています。"
    messages.warning(request, message, fail_silently=True)
    return IN_FORCE


def sees_unapproved(user):
    """Who may see a section's unapproved actuals: planners all, others their own sections'."""
    if is_planner(user):
        return lambda indicator: True
    section_ids = {section.pk for section in sections_of(user)}
    return lambda indicator: indicator.section_id in section_ids


def all_indicators():
    return Indicator.objects.with_structure().select_related("section").in_plan_order()


@dataclass
class MeasureRow:
    measure: Measure
    rollup: Rollup
    attention: list
    url: str
    segments: list
    level_counts: list[int]
    other: int


def level_counts(result: Rollup, scheme) -> list[int]:
    counts = result.counts
    return [counts[level.code] for level in scheme.levels]


def measure_rows(indicators, evaluator: Evaluator, year: int, url_name: str = "progress:measure") -> list[MeasureRow]:
    """One row per 推進施策: the indicators printed in it (【再掲】 included), their counts, those needing attention
    (注意) and link."""
    by_measure = defaultdict(list)
    for indicator in indicators:
        for measure in indicator.listed_measures():
            by_measure[measure.pk].append(indicator)
    rows = []
    for measure in Measure.objects.in_plan_order():
        listed = by_measure.get(measure.pk, [])
        result = evaluator.rollup(listed, year)
        rows.append(
            MeasureRow(
                measure=measure,
                rollup=result,
                attention=[(evaluator.indicator_of(grade.code), grade) for grade in result.attention],
                url=measure_url(measure, url_name),
                segments=result.segments(evaluator.scheme),
                level_counts=level_counts(result, evaluator.scheme),
                other=result.total - result.graded,
            )
        )
    return rows


def goal_sections(indicators, evaluator: Evaluator, year: int, rows: list[MeasureRow]) -> list[dict]:
    goals = []
    for goal in Goal.objects.order_by("number"):
        own = [i for i in indicators if i.vision.measure.goal_id == goal.pk]
        result = evaluator.rollup(own, year, unique=True)
        goals.append(
            {
                "goal": goal,
                "rollup": result,
                "segments": result.segments(evaluator.scheme),
                "level_counts": level_counts(result, evaluator.scheme),
                "other": result.total - result.graded,
                "rows": [row for row in rows if row.measure.goal_id == goal.pk],
            }
        )
    return goals


STATUS_EXPLANATIONS = {
    Status.MISSING: "提出期限を過ぎても承認済の実績がない",
    Status.PENDING: "提出期限前で、承認済の実績がまだない",
    Status.INTERIM: "複数年度で一つの目標の途中の年度（最終年度に判定）",
    Status.EXCLUDED: "その年度の目標を他の計画に委ねている",
    Status.NO_TARGET: "その年度の目標がない",
    Status.UNGRADABLE: "数値の目標に文章の実績だけがあり、自己評価がない",
}


def legend_context(evaluator_or_scheme) -> dict:
    scheme = getattr(evaluator_or_scheme, "scheme", evaluator_or_scheme)
    return {
        "scheme": scheme,
        "met_labels": "・".join(level.label for level in scheme.levels if level.counts_as_met),
        "regressed_badge": REGRESSED,
        "statuses": [
            (status_badge(status), STATUS_EXPLANATIONS[status]) for status in Status if status != Status.GRADED
        ],
    }

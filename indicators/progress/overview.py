"""What the dashboard, the annual report, its workbook and the public home show: one row per 推進施策 and per
基本目標 with its roll-up, the legend, and which indicators and unapproved actuals a user sees.

The dashboard, the public home and the annual report's summary read the stored grades (indicators.models.Grade)
with SQL: a fixed number of queries whose cost follows the number of 推進施策 shown, not of indicators
(`dashboard_goals`); a plan of many 基本目標 is shown a page of them at a time (`goal_pages`).
The workbook, written in the background for a large plan, still grades its indicators with an Evaluator
(`measure_rows`).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from indicators.evaluation import (
    ORIGINAL_TARGETS,
    REGRESSED,
    VERDICT_EXPLANATIONS,
    VERDICTS,
    Badge,
    Evaluator,
    Rollup,
    Scheme,
    Status,
    Tally,
    grade_keys,
    status_badge,
    verdict_key,
)
from indicators.models import Grade, Indicator
from indicators.models.grades import GRADED, key_condition
from indicators.progress import paging
from indicators.progress.tables import measure_url
from measures.models import Goal, Measure
from setagaya_plan.core.access import is_planner, sections_of


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


# The dashboard, from the stored grades.

FLAGGED_SHOWN = 10  # flagged indicators listed per 推進施策 when its 注意 count is opened; the rest through the list
PLAN_ORDER, SHORTFALL = "plan", "shortfall"


def _aggregates(scheme: Scheme, today: datetime.date) -> dict:
    """COUNT … FILTER (WHERE …) per number of a Tally, and one per grade key."""
    # Prefixed: an aggregate named like a field (due, regressed) would shadow it in the filters.
    counts = {
        "n_total": Count("pk"),
        "n_graded": Count("pk", filter=Q(status=GRADED)),
        "n_met": Count("pk", filter=Q(counts_as_met=True)),
        "n_due": Count("pk", filter=Q(due=True)),
        "n_complete": Count("pk", filter=Q(due=True, approved=True)),
        "n_attention": Count("pk", filter=Q(needs_attention=True)),
        "n_regressed": Count("pk", filter=Q(regressed=True)),
    }
    levels = {level.code for level in scheme.levels}
    for index, (key, *_shown) in enumerate(grade_keys(scheme)):
        counts[f"n_key{index}"] = Count("pk", filter=key_condition(key, today, is_level=key in levels))
    return counts


def _tally(values: dict, scheme: Scheme) -> Tally:
    keys = grade_keys(scheme)
    return Tally(
        counts=Counter({key: values[f"n_key{index}"] or 0 for index, (key, *_shown) in enumerate(keys)}),
        **{
            name: values[f"n_{name}"] or 0
            for name in ("total", "graded", "met", "due", "complete", "attention", "regressed")
        },
    )


def total_tally(grades, scheme: Scheme, today: datetime.date) -> Tally:
    return _tally(grades.aggregate(**_aggregates(scheme, today)), scheme)


@dataclass
class PlanTallies:
    """A year's stored grades counted once, per 推進施策 and whether re-listed, and what follows from that: a
    推進施策's tally (its own rows and its 【再掲】), a 基本目標's and the plan's (own rows only: an indicator once)."""

    own: dict[int, Tally]
    relisted: dict[int, Tally]

    @classmethod
    def of(cls, grades, scheme: Scheme, today: datetime.date) -> PlanTallies:
        rows = grades.order_by().values("measure", "relisted").annotate(**_aggregates(scheme, today))
        found: dict[bool, dict[int, Tally]] = {False: {}, True: {}}
        for row in rows:
            found[bool(row["relisted"])][row["measure"]] = _tally(row, scheme)
        return cls(own=found[False], relisted=found[True])

    def measure(self, measure_id: int) -> Tally:
        return self.own.get(measure_id, Tally()) + self.relisted.get(measure_id, Tally())

    def goal(self, measures: Iterable[Measure]) -> Tally:
        return sum((self.own.get(measure.pk, Tally()) for measure in measures), Tally())

    def plan(self) -> Tally:
        return sum(self.own.values(), Tally())


@dataclass
class DashboardRow:
    measure: Measure
    tally: Tally
    verdict: str
    badge: Badge
    url: str
    level_counts: list[int]
    segments: list[dict]
    flagged: list = field(default_factory=list)  # up to FLAGGED_SHOWN stored grades needing attention

    @property
    def flagged_more(self) -> int:
        return self.tally.attention - len(self.flagged)

    @property
    def shortfall(self) -> tuple:
        """Worst first: the share of graded indicators needing attention, then their number."""
        share = self.tally.attention / self.tally.graded if self.tally.graded else 0
        return (-share, -self.tally.attention)


def _row(measure: Measure, tally: Tally, scheme: Scheme, url_name: str) -> DashboardRow:
    verdict = verdict_key(tally)
    return DashboardRow(
        measure=measure,
        tally=tally,
        verdict=verdict,
        badge=VERDICTS[verdict],
        url=measure_url(measure, url_name),
        level_counts=[tally.counts[level.code] for level in scheme.levels],
        segments=tally.segments(scheme),
    )


@dataclass(frozen=True)
class StoredGradeView:
    """What {% grade_badge %} needs of a stored grade: its level's label, icon and colour, and 後退."""

    label: str
    icon: str
    colour: str
    regressed: bool
    is_graded: bool = True


def shown_grade(grade: Grade, scheme: Scheme) -> StoredGradeView:
    level = scheme.level(grade.level)
    if level is None:  # a flagged grade is graded: only 後退 can flag a level the scheme lacks (never, after regrade)
        return StoredGradeView(REGRESSED.label, REGRESSED.icon, REGRESSED.colour, False)
    return StoredGradeView(level.label, level.icon, level.colour, grade.regressed)


def _flagged(grades, per_measure: int, scheme: Scheme) -> dict[int, list]:
    """The first flagged indicators of each 推進施策 (worst grade first, then by code), in one query."""
    ranked = grades.needing_attention().annotate(
        place=Window(
            RowNumber(), partition_by=[F("measure_id")], order_by=[F("rank").asc(), F("indicator__code").asc()]
        )
    )
    flagged = defaultdict(list)
    for grade in ranked.filter(place__lte=per_measure).select_related("indicator").order_by("measure_id", "place"):
        grade.badge = shown_grade(grade, scheme)
        flagged[grade.measure_id].append(grade)
    return flagged


# 推進施策 lines per page of the dashboard and the public home: the real plan (10 + 7) is one page, read in the
# first two screens. A plan of many 基本目標 (bench/ copies 基本目標1 a hundred times) is cut between 基本目標, so a
# page costs the lines it shows and stays as short as the real plan's.
DASHBOARD_ROWS = 20


@dataclass
class GoalPage:
    number: int
    goals: list[Goal]
    rows: int

    @property
    def label(self) -> str:
        """基本目標1～基本目標2: what the page holds, for its link."""
        first, last = self.goals[0], self.goals[-1]
        return f"基本目標{first.number}" if first == last else f"基本目標{first.number}～基本目標{last.number}"


def goal_pages(page_rows: int | None = None) -> list[GoalPage]:
    """The 基本目標 in order cut into pages of about `page_rows` 推進施策 lines (`DASHBOARD_ROWS`); a 基本目標 is
    never split. One query: the 基本目標 with their number of 推進施策."""
    goals = Goal.objects.annotate(measure_count=Count("measures")).order_by("number")
    cut = paging.cut(((goal, goal.measure_count) for goal in goals), page_rows or DASHBOARD_ROWS)
    return [GoalPage(number, held, rows) for number, (held, rows) in enumerate(cut, start=1)]


def dashboard_goals(
    year: int,
    scheme: Scheme,
    today: datetime.date,
    order: str = PLAN_ORDER,
    shortfall_only: bool = False,
    url_name: str = "progress:measure",
    flagged: bool = True,
    goals: list[Goal] | None = None,
    whole_plan: bool = True,
) -> tuple[Tally, list[dict]]:
    """The plan's total and, per 基本目標 (`goals`, a page of them — all of them when `whole_plan`; None: all),
    its total and one row per 推進施策 (【再掲】 counted in each measure they are printed in, once in the goal's and
    the plan's totals), sorted worst first or filtered to those falling short on request; the public home (url_name
    public:measure) lists no flagged indicator. A fixed number of queries whatever the plan's size, each over the
    page's 推進施策 but the plan's total, which a page of a plan of several pages counts in one more."""
    grades = Grade.objects.of_year(year)
    measures = Measure.objects.in_plan_order()
    if goals is None:
        goals, whole_plan = list(Goal.objects.order_by("number")), True
    if whole_plan:
        shown = grades
    else:
        measures = measures.filter(goal__in=goals)
        shown = grades.filter(measure__goal__in=goals)
    measures = list(measures)
    counted = PlanTallies.of(shown, scheme, today)
    total = counted.plan() if shown is grades else total_tally(grades.own(), scheme, today)
    by_goal = {goal.pk: counted.goal(m for m in measures if m.goal_id == goal.pk) for goal in goals}
    first_flagged = _flagged(shown, FLAGGED_SHOWN, scheme) if flagged else {}
    rows = []
    for measure in measures:
        row = _row(measure, counted.measure(measure.pk), scheme, url_name)
        row.flagged = first_flagged.get(measure.pk, [])
        rows.append(row)
    return total, _goals(goals, rows, by_goal, scheme, order, shortfall_only)


def _goals(
    goals: list[Goal], rows: list[DashboardRow], by_goal: dict, scheme: Scheme, order: str, shortfall_only: bool
) -> list[dict]:
    if shortfall_only:
        rows = [row for row in rows if row.tally.attention]
    if order == SHORTFALL:
        rows.sort(key=lambda row: row.shortfall)  # stable: plan order among equals
    sections = []
    for goal in goals:
        tally = by_goal.get(goal.pk, Tally())
        sections.append(
            {
                "goal": goal,
                "tally": tally,
                "badge": VERDICTS[verdict_key(tally)],
                "level_counts": [tally.counts[level.code] for level in scheme.levels],
                "segments": tally.segments(scheme),
                "rows": [row for row in rows if row.measure.goal_id == goal.pk],
            }
        )
    return sections


def tally_of(result: Rollup) -> Tally:
    """The numbers of a Rollup graded in Python, as the dashboard shows a Tally."""
    return Tally(
        counts=result.counts,
        total=result.total,
        graded=result.graded,
        met=result.met,
        due=result.due,
        complete=result.complete,
        attention=len(result.attention),
        regressed=result.regressed,
    )


@dataclass(frozen=True)
class FlaggedView:
    """A flagged indicator as the dashboard lists it (what a stored Grade row gives: its indicator and badge)."""

    indicator: Indicator
    badge: object


def evaluated_goals(
    indicators: list,
    evaluator: Evaluator,
    year: int,
    order: str = PLAN_ORDER,
    shortfall_only: bool = False,
    goals: list[Goal] | None = None,
) -> tuple[Tally, list[dict]]:
    """The dashboard's rows graded in Python by an Evaluator instead of read from the stored grades: for a view the
    store does not keep (grades against other targets than those in force). Costs what the plan costs."""
    scheme = evaluator.scheme
    goals = list(Goal.objects.order_by("number")) if goals is None else goals
    shown = {goal.pk for goal in goals}
    rows = []
    for measure_row in measure_rows(indicators, evaluator, year):
        if measure_row.measure.goal_id not in shown:
            continue
        row = _row(measure_row.measure, tally_of(measure_row.rollup), scheme, "progress:measure")
        row.flagged = [FlaggedView(indicator, grade) for indicator, grade in measure_row.attention[:FLAGGED_SHOWN]]
        rows.append(row)
    by_goal = {
        goal: tally_of(evaluator.rollup([i for i in indicators if i.vision.measure.goal_id == goal], year, unique=True))
        for goal in {row.measure.goal_id for row in rows}
    }
    total = tally_of(evaluator.rollup(indicators, year, unique=True))
    return total, _goals(goals, rows, by_goal, scheme, order, shortfall_only)


def dashboard_against(
    targets: str,
    year: int,
    scheme: Scheme,
    today: datetime.date,
    order: str,
    shortfall_only: bool,
    goals: list[Goal] | None = None,
    whole_plan: bool = True,
) -> tuple[Tally, list[dict]]:
    """The dashboard against the targets in force (the stored, official grades) or against 当初目標
    (`ORIGINAL_TARGETS`: graded in Python, a reference the store does not keep; docs/evaluation.md)."""
    if targets != ORIGINAL_TARGETS:
        return dashboard_goals(
            year, scheme, today, order=order, shortfall_only=shortfall_only, goals=goals, whole_plan=whole_plan
        )
    indicators = list(all_indicators())
    evaluator = Evaluator(indicators, scheme=scheme, today=today, targets=ORIGINAL_TARGETS)
    return evaluated_goals(indicators, evaluator, year, order=order, shortfall_only=shortfall_only, goals=goals)


def verdict_legend() -> list[tuple[Badge, str]]:
    return [(VERDICTS[key], VERDICT_EXPLANATIONS[key]) for key in VERDICTS]

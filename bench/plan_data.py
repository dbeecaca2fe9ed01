"""Data for the query-count tests and the benchmark: approved actuals through the workflow, and a plan made
10 times larger than the real one by copying 基本目標1 under new 基本目標 numbers.

The copies are structure only (measures, visions, initiatives, indicators, series, targets, 実施計画 refs and
【再掲】); actuals are always created through indicators.entry.workflow (save → submit → approve), never
written directly.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.evaluation import refresh_grades
from indicators.models import Indicator, Relisting, Report, Series, Target
from measures.models import Goal, Initiative, Measure, Vision
from setagaya_plan.core import review


def approve(
    indicator: Indicator,
    year: int,
    user,
    values: dict[str, Decimal | int | str],
    *,
    self_grade: str = "",
    factor_analysis: str = "要因の分析",
    next_steps: str = "今後の取組み",
    comment: str = "",
    approver=None,
    submit: bool = True,
    approve_it: bool = True,
) -> Report:
    """An actual through the audited workflow: saved and submitted by `user`, approved by `approver` (another
    person; a second one is made when none is given), or stopped earlier."""
    series_values = {
        key: SeriesValue(text=value) if isinstance(value, str) else SeriesValue(Decimal(value))
        for key, value in values.items()
    }
    fields = {"factor_analysis": factor_analysis, "next_steps": next_steps, "comment": comment}
    if self_grade:
        fields["self_grade"] = self_grade
    report = save_report(
        indicator=indicator,
        fiscal_year=year,
        user=user,
        values=series_values,
        fields=fields,
        expected_version=Report.objects.filter(indicator=indicator, fiscal_year=year)
        .values_list("version", flat=True)
        .first(),
    )
    if submit:
        report = review.submit(REPORT_REVIEW, report, user, report.version)
        if approve_it:
            report = review.approve(REPORT_REVIEW, report, approver or second_person(), report.version)
    return report


def second_person():
    """Who approves when the caller names nobody: never the person who entered (separation of duties)."""
    return get_user_model().objects.get_or_create(username="bench_reviewer", defaults={"last_name": "承認"})[0]


def first_target_values(indicator: Indicator, year: int) -> dict[str, Decimal | str]:
    """An actual equal to each series' target of the year (text targets get a text): a plausible report."""
    values: dict[str, Decimal | str] = {}
    for series in indicator.series.all():
        target = series.target_for(year)
        if target is None or target.deferred_to:
            if target is None:
                values[series.key] = Decimal(1)
            continue
        values[series.key] = target.value if target.value is not None else "実施した"
    return values


def approve_sample(indicators, year: int, user, every: int = 1) -> int:
    """Approve an actual (= the target) for every `every`-th indicator; returns how many."""
    count = 0
    for index, indicator in enumerate(indicators):
        if index % every:
            continue
        values = first_target_values(indicator, year)
        if not values:
            continue
        approve(indicator, year, user, values, self_grade="met")
        count += 1
    return count


def multiply_plan(times: int = 10) -> int:
    """Copy 基本目標1 (times − 1) times as 基本目標 11, 12, …; returns the number of indicators afterwards."""
    source_goal = Goal.objects.get(number=1)
    measures = list(Measure.objects.filter(goal=source_goal).order_by("number"))
    visions = list(Vision.objects.filter(measure__goal=source_goal).order_by("measure__number", "number"))
    initiatives = list(Initiative.objects.filter(vision__measure__goal=source_goal))
    indicators = list(
        Indicator.objects.filter(vision__measure__goal=source_goal).prefetch_related("plan_items", "series__targets")
    )
    relistings = list(Relisting.objects.filter(indicator__vision__measure__goal=source_goal))
    for copy in range(1, times):
        goal = Goal.objects.create(plan=source_goal.plan, number=10 + copy, title=f"{source_goal.title}（複製{copy}）")
        measure_map = {
            m.pk: Measure.objects.create(goal=goal, number=m.number, title=m.title, description=m.description)
            for m in measures
        }
        vision_map = {}
        for v in visions:
            vision_map[v.pk] = Vision.objects.create(
                measure=measure_map[v.measure_id],
                number=v.number,
                subtitle=v.subtitle,
                statement=v.statement,
                description=v.description,
                current_state=v.current_state,
                challenges=v.challenges,
                direction=v.direction,
                notes=v.notes,
            )
        initiative_map = {
            i.pk: obj
            for i, obj in zip(
                initiatives,
                Initiative.objects.bulk_create(
                    [
                        Initiative(
                            vision=vision_map[i.vision_id],
                            number=i.number,
                            title=i.title,
                            purpose=i.purpose,
                            position=i.position,
                        )
                        for i in initiatives
                    ]
                ),
                strict=True,
            )
        }
        new_indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    code=Indicator.code_for(vision_map[i.vision_id], i.kind, i.number),
                    vision=vision_map[i.vision_id],
                    initiative=initiative_map.get(i.initiative_id),
                    kind=i.kind,
                    number=i.number,
                    position=i.position,
                    name=i.name,
                    unit=i.unit,
                    direction=i.direction,
                    total_kind=i.total_kind,
                    qualifier=i.qualifier,
                    footnotes=i.footnotes,
                    section_id=i.section_id,
                )
                for i in indicators
            ]
        )
        indicator_map = {old.pk: new for old, new in zip(indicators, new_indicators, strict=True)}
        through = Indicator.plan_items.through
        through.objects.bulk_create(
            [
                through(indicator_id=indicator_map[i.pk].pk, implementationplanitem_id=item.pk)
                for i in indicators
                for item in i.plan_items.all()
            ]
        )
        old_series = [s for i in indicators for s in i.series.all()]
        new_series = Series.objects.bulk_create(
            [
                Series(
                    indicator=indicator_map[s.indicator_id],
                    key=s.key,
                    label=s.label,
                    position=s.position,
                    unit=s.unit,
                    total_kind=s.total_kind,
                    baseline_value=s.baseline_value,
                    baseline_text=s.baseline_text,
                    baseline_note=s.baseline_note,
                    total_value=s.total_value,
                    total_text=s.total_text,
                )
                for s in old_series
            ]
        )
        Target.objects.bulk_create(
            [
                Target(
                    series=new,
                    fiscal_year=t.fiscal_year,
                    end_fiscal_year=t.end_fiscal_year,
                    value=t.value,
                    text=t.text,
                    deferred_to=t.deferred_to,
                )
                for old, new in zip(old_series, new_series, strict=True)
                for t in old.targets.all()
            ]
        )
        Relisting.objects.bulk_create(
            [
                Relisting(
                    indicator=indicator_map[r.indicator_id],
                    vision=vision_map[r.vision_id],
                    number=r.number,
                    position=r.position,
                )
                for r in relistings
            ]
        )
    # Written in bulk, past the paths that keep the stored grades: grade the copies as a plan file would be.
    refresh_grades()
    return Indicator.objects.count()


def relist_into(indicators, goal: int, measure: int, vision: int) -> int:
    """Re-list (【再掲】) indicators under one めざす姿, so that its measure page shows all of them."""
    target = Vision.objects.get(measure__goal__number=goal, measure__number=measure, number=vision)
    start = (Relisting.objects.filter(vision=target).count() or 0) + 100
    created = Relisting.objects.bulk_create(
        [
            Relisting(indicator=indicator, vision=target, number=indicator.number, position=start + index)
            for index, indicator in enumerate(indicators)
        ]
    )
    refresh_grades([indicator.pk for indicator in indicators])  # each now counts in that 推進施策 too
    return len(created)

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render

from measures.models import Goal, Measure, Plan, Vision
from setagaya_plan.core.fiscal_years import plan_period_label


@login_required
def plan_overview(request):
    """The plan's structure on one page: 基本目標 → 推進施策 → めざす姿, with how many indicators each holds."""
    visions = Vision.objects.annotate(
        action_count=Count("indicators", filter=Q(indicators__kind="action")),
        outcome_count=Count("indicators", filter=Q(indicators__kind="outcome")),
    ).order_by("number")
    measures = Measure.objects.order_by("number").prefetch_related(Prefetch("visions", queryset=visions))
    goals = Goal.objects.order_by("number").prefetch_related(Prefetch("measures", queryset=measures))
    plan = Plan.objects.first()
    return render(
        request,
        "measures/plan_overview.html",
        {"plan": plan, "period_label": plan_period_label(plan) if plan else "", "goals": goals},
    )

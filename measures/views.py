from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from consultations.models import District
from indicators.models import Indicator
from measures.models import Goal, Measure, Plan, Vision
from setagaya_plan.core.access import Role, landing_url_name, sections_of
from setagaya_plan.core.fiscal_years import plan_period_label


@login_required
@require_GET
def landing(request):
    """LOGIN_REDIRECT_URL: each role lands on its own work (setagaya_plan.core.access.landing_url_name).

    Here, above both apps, because a 地区's own staff (入力担当 of a section that owns no indicator but enters a
    地区's consultation counts) land on 相談件数の入力 rather than on an empty 実績入力.
    """
    name = landing_url_name(request.user)
    if name == "entry:my_indicators":
        sections = sections_of(request.user, Role.ENTRY, Role.APPROVER)
        if (
            not Indicator.objects.filter(section__in=sections).exists()
            and District.objects.filter(section__in=sections_of(request.user, Role.ENTRY)).exists()
        ):
            name = "consultations:entry"
    return redirect(name)


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

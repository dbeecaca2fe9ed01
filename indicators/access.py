"""Who may see and change an indicator's actuals, on top of the roles of setagaya_plan.core.access.

入力担当 enter and edit their own section's actuals, 承認者 approve or return them, 閲覧 read them; 計画担当 act
on every indicator. Outsiders get 404 for an indicator, so codes of other sections do not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from indicators.models import Indicator
from setagaya_plan.core.access import Role, is_planner, roles_in, sections_of


def visible_indicators(user) -> QuerySet[Indicator]:
    """Indicators whose actuals the user may read in the entry screens: planners all, others their sections'."""
    if is_planner(user):
        return Indicator.objects.all()
    return Indicator.objects.filter(section__in=sections_of(user))


def can_view(user, indicator: Indicator) -> bool:
    return is_planner(user) or bool(roles_in(user, indicator.section))


def can_enter(user, indicator: Indicator) -> bool:
    return is_planner(user) or Role.ENTRY in roles_in(user, indicator.section)


def can_approve(user, indicator: Indicator) -> bool:
    return is_planner(user) or Role.APPROVER in roles_in(user, indicator.section)


def get_indicator_for_user(user, code: str, *, queryset: QuerySet[Indicator] | None = None) -> Indicator:
    """The indicator by code if the user may see it: 404 for outsiders, so codes of other sections do not leak."""
    base = queryset if queryset is not None else Indicator.objects.select_related("section")
    indicator = base.filter(code=code).first()
    if indicator is None or not can_view(user, indicator):
        raise Http404("指標が見つかりません。")
    return indicator

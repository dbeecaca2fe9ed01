"""Who may see and change what. Every view and every POST asks here; templates only mirror the answers.

Roles (Membership.Role): 入力担当 enters and edits its own section's actuals; 承認者 approves or returns its own
section's submitted actuals; 計画担当 may do everything for every section, plus plan edits, imports, deadlines
and locks; 閲覧 reads and never writes. A superuser counts as 計画担当.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from indicators.models import Indicator, Membership, Section

Role = Membership.Role


def roles_in(user, section: Section | None) -> set[str]:
    if not user.is_authenticated or section is None:
        return set()
    return {m.role for m in _memberships(user) if m.section_id == section.pk}


def _memberships(user) -> list[Membership]:
    # Cached on the user object for the request: permission checks run many times per page.
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = list(Membership.objects.filter(user=user).select_related("section"))
    return user._membership_cache


def is_planner(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(m.role == Role.PLANNER for m in _memberships(user)))


def sections_of(user, *roles: str) -> list[Section]:
    """The sections in which the user holds one of the roles (any role when none is given)."""
    return [m.section for m in _memberships(user) if not roles or m.role in roles]


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


def planner_required(view):
    """For planners only (plan edits, imports, deadlines, locks): 403 for everybody else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_planner(request.user):
            raise PermissionDenied("この操作は計画担当のみ行えます。")
        return view(request, *args, **kwargs)

    return wrapper

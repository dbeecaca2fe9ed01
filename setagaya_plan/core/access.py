"""Who holds which role where. Every view and every POST asks here (or in an app's access module built on it);
templates only mirror the answers.

Roles (Membership.Role): 入力担当 enters and edits its own section's data; 承認者 approves or returns its own
section's submissions; 計画担当 may do everything for every section, plus plan edits, imports, deadlines and
locks; 閲覧 reads and never writes. A superuser counts as 計画担当. What a role allows on an indicator or a
consultation report is decided in indicators.access and consultations.access.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from setagaya_plan.core.models import Membership, Section

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


def landing_url_name(user) -> str:
    """Where a person lands after login: on their own work.

    計画担当 on the progress dashboard (they follow the whole plan); 入力担当 and 承認者 on 実績入力, whose work queue
    lists what needs them; 閲覧 on the dashboard too (they read results); anyone without a role on the plan's
    overview. URL names, not views: core knows no app above it.
    """
    if is_planner(user):
        return "progress:dashboard"
    roles = {m.role for m in _memberships(user)} if user.is_authenticated else set()
    if roles & {Role.ENTRY, Role.APPROVER}:
        return "entry:my_indicators"
    if Role.VIEWER in roles:
        return "progress:dashboard"
    return "home"


def planner_required(view):
    """For planners only (plan edits, imports, deadlines, locks): 403 for everybody else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_planner(request.user):
            raise PermissionDenied("この操作は計画担当のみ行えます。")
        return view(request, *args, **kwargs)

    return wrapper

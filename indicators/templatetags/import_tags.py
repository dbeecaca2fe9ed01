"""{% imports_nav %}: the 「ファイル取込」 item of the main menu, for planners only (core.access.is_planner)."""

from __future__ import annotations

from django import template

from setagaya_plan.core.access import is_planner

register = template.Library()


@register.inclusion_tag("imports/includes/nav.html", takes_context=True)
def imports_nav(context) -> dict:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "show": bool(user is not None and is_planner(user)),
        "current": bool(match and match.app_name == "imports"),
    }

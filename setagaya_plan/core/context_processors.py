"""What every page shows: the plan's period in the footer, read from the plan in the database."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from setagaya_plan.core.fiscal_years import current_plan, plan_period_label


def plan_period(request) -> dict:
    """{{ plan_period }}: 令和6年度（2024年度）～令和13年度（2031年度）, or "" before a plan is loaded.

    Lazy, so that a response that renders no footer (a download, a redirect) asks the database nothing.
    """

    def label() -> str:
        plan = current_plan()
        return plan_period_label(plan) if plan is not None else ""

    return {"plan_period": SimpleLazyObject(label)}

"""Formatting for the consultations pages: counts with separators, fiscal-year labels, status badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from consultations.models import CountReport
from setagaya_plan.core.access import is_planner
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import format_decimal

register = template.Library()

# Status is told by words and a drawn icon (templates/includes/icon.html), never by colour alone (JIS X 8341-3)
# and never by an emoji, which a font without the glyph shows as an empty box.
STATUS_LABELS = {
    "": ("missing", "未入力"),
    CountReport.Status.DRAFT: ("draft", "下書き"),
    CountReport.Status.SUBMITTED: ("submitted", "提出済"),
    CountReport.Status.APPROVED: ("approved", "承認済"),
    CountReport.Status.RETURNED: ("returned", "差戻し"),
}


@register.filter
def count(value) -> str:
    """1234 → 1,234; None → ― (no figure, which is not zero)."""
    if value is None or value == "":
        return "―"
    if isinstance(value, str):
        return value
    return format_decimal(Decimal(value))


@register.filter
def fy_label(fiscal_year) -> str:
    return fiscal_year_label(int(fiscal_year))


@register.simple_tag
def status_badge(status: str):
    icon, label = STATUS_LABELS.get(status or "", ("", status))
    return format_html(
        '<span class="status status--{}">{} {}</span>',
        status or "none",
        render_to_string("includes/icon.html", {"name": icon}),
        label,
    )


@register.filter
def percent_of(value, maximum) -> int:
    """Width of a bar in a tile, as a whole percent of the largest value."""
    try:
        return round(100 * float(value or 0) / float(maximum)) if maximum else 0
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def user_is_planner(user) -> bool:
    return is_planner(user)

"""Template filters for numbers, shared by every app: {{ value|number }}, {{ value|with_unit:unit }}, {{ rate|rate }},
{{ rate|progress_rate }}; {% rate_note %} explains the rates next to a table that shows them.

They only hand over to setagaya_plan.lib.numerals, the one owner of how the product prints a number.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from setagaya_plan.lib.numerals import (
    NO_FIGURE,
    OUT_OF_RANGE_NOTE,
    format_decimal,
    format_progress,
    format_rate,
    format_value,
)

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def number(value) -> str:
    """6358 → 6,358; none → ―."""
    value = _decimal(value)
    return NO_FIGURE if value is None else format_decimal(value)


@register.filter
def with_unit(value, unit: str = "") -> str:
    """6358 and 件 → 6,358件; 9 and % → 9.0%; none → ―."""
    value = _decimal(value)
    return NO_FIGURE if value is None else format_value(value, unit)


@register.filter
def rate(value) -> str:
    """達成率, 進捗率 and shares: 9.0% (rounded down to one decimal); none → ―."""
    return format_rate(_decimal(value))


@register.filter
def progress_rate(value) -> str:
    """進捗率: 45.0%; 範囲外 outside −100%…200% (numerals.PROGRESS_SHOWN); none → ―."""
    return format_progress(_decimal(value))


@register.inclusion_tag("includes/rate_note.html")
def rate_note(progress: bool = True) -> dict:
    """The short legend under a table of rates: what 達成率 (and 進捗率, and 範囲外) mean."""
    return {"progress": progress, "out_of_range_note": OUT_OF_RANGE_NOTE}

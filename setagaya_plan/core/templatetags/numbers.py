"""Template filters for numbers, shared by every app: {{ value|number }}, {{ value|with_unit:unit }}, {{ rate|rate }}.

They only hand over to setagaya_plan.lib.numerals, the one owner of how the product prints a number.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from setagaya_plan.lib.numerals import NO_FIGURE, format_decimal, format_rate, format_value

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

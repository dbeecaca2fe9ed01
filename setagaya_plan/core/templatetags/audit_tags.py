"""How the history pages show one value of an audit entry's old → new."""

from decimal import Decimal

from django import template

from setagaya_plan.lib.numerals import format_decimal

register = template.Library()

NOTHING = "（なし）"


@register.filter
def audit_value(value) -> str:
    """None or empty text → （なし）; True/False → はい/いいえ; whole numbers with separators (1,234); text as is."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int):
        return format_decimal(Decimal(value))
    return str(value)

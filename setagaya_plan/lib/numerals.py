"""Numbers as the ward writes them: full-width digits, thousands separators, stray spaces.

The plan's source text mixes full and half width inside one number ("９2．8%", "6，3５８件") and the PDF
extraction puts spaces inside numbers ("３ ８ ０ 人"). Data files store numbers already normalised; this module
is what turns printed text into Decimal wherever the app reads it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FULL_WIDTH_TABLE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "，": ",",
        "．": ".",
        "－": "-",
        "−": "-",
        "％": "%",
        "\u3000": " ",
    }
)

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def to_half_width(text: str) -> str:
    """Full-width digits, comma, period, minus, percent and ideographic space to ASCII; other text untouched."""
    return text.translate(_FULL_WIDTH_TABLE)


def parse_plain_decimal(text: str) -> Decimal:
    """A bare printed number ("６，３５８", "９2．8", "1 234") as Decimal; ValueError if it is not one."""
    cleaned = to_half_width(text).replace(",", "").replace(" ", "").strip()
    if not _NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise ValueError(f"not a number: {text!r}") from None


def plain_decimal(value: Decimal) -> str:
    """6358.0000 → "6358", 92.8000 → "92.8": exact and without separators, for audit logs and messages."""
    normalized = value.normalize()
    return f"{normalized:f}" if normalized != normalized.to_integral_value() else str(int(normalized))


def format_decimal(value: Decimal) -> str:
    """6358.0000 → "6,358", 92.8000 → "92.8": the way the plan prints numbers."""
    integer, _, fraction = plain_decimal(value).partition(".")
    grouped = f"{int(integer):,}" if integer != "-0" else "-0"
    return f"{grouped}.{fraction}" if fraction else grouped

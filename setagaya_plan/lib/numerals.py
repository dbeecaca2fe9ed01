"""Numbers as the ward writes them: full-width digits, thousands separators, stray spaces.

The plan's source text mixes full and half width inside one number ("９2．8%", "6，3５８件") and the PDF
extraction puts spaces inside numbers ("３ ８ ０ 人"). Data files store numbers already normalised; this module
is what turns printed text into Decimal wherever the app reads it.
"""

from __future__ import annotations

import re
import unicodedata
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


def normalize_text(text: str) -> str:
    """Canonical Unicode form (NFC) without changing the width of Japanese characters."""
    return unicodedata.normalize("NFC", text)


def parse_plain_decimal(text: str) -> Decimal:
    """A bare printed number ("６，３５８", "９2．8", "1 234") as Decimal; ValueError if it is not one."""
    cleaned = to_half_width(text).replace(",", "").replace(" ", "").strip()
    if not _NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise ValueError(f"not a number: {text!r}") from None

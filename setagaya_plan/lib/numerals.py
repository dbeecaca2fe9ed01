"""Numbers as the ward writes them, read and printed: the one owner of Decimal ⇄ text.

Reading: the printed plan mixes full and half width inside one number ("９2．8%", "6，3５８件") and text copied
from it puts spaces inside numbers ("３ ８ ０ 人"). Data files store numbers already normalised; this module turns
printed text into Decimal wherever the app reads it.

Printing: a value with its unit (1,234人, 45.0%) and a rate (達成率 9.0%) are written here and nowhere else, so
that the entry screens, the progress pages, the public site and the workbooks print a number the same way.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

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

# The plan prints its percentages both ways (8.2% and 45.0％); the app stores and prints the half-width sign.
PERCENT_UNITS = frozenset({"%", "％"})
PERCENT = "%"
NO_FIGURE = "―"

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


_TO_FULL_WIDTH_TABLE = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, "-": "－"})


def to_full_width(text: str) -> str:
    """Digits and hyphens to full width, as the plan prints them in its headers and references (施策９－３)."""
    return text.translate(_TO_FULL_WIDTH_TABLE)


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


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def format_value(value: Decimal | None, unit: str = "") -> str:
    """A value as printed with its unit: 6358 件 → 6,358件; a percentage keeps one decimal (9 % → 9.0%).

    The plan's 成果指標 tables print percentages with one decimal (8.2% 9.0% 10.0%); a finer stored value keeps
    its digits (12.25%). None is "" — the caller knows whether an empty cell means 未入力 or ―.
    """
    if value is None:
        return ""
    if is_percent(unit):
        exponent = value.normalize().as_tuple().exponent
        text = plain_decimal(value) if isinstance(exponent, int) and exponent < -1 else f"{value:,.1f}"
        return f"{text}{PERCENT}"
    return f"{format_decimal(value)}{unit}"


def floor_rate(rate: Decimal | None) -> Decimal | None:
    """A rate as shown: one decimal, rounded down, so that 79.96% shows 79.9% (and still grades below 80%)."""
    if rate is None or not rate.is_finite():
        return rate
    return rate.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


def format_rate(rate: Decimal | None) -> str:
    """達成率, 進捗率, 進み具合 and shares as shown everywhere: 9.0%, 1,250.0%; ― when there is none."""
    if rate is None or not rate.is_finite():
        return NO_FIGURE
    return f"{floor_rate(rate):,.1f}{PERCENT}"


# 進捗率 = (実績 − 現況値) ÷ (目標 − 現況値) is only a reading aid. Where the 現況値 lies close to the target (one
# facility against a target of two), a small change swings it to −13,850.0% or 620.0%, which reads as an error.
# Outside this range the pages say 範囲外 and explain it (OUT_OF_RANGE_NOTE) instead of printing the figure; the
# grades never use it, and the workbooks keep the number for whoever wants to check it.
PROGRESS_SHOWN = (Decimal(-100), Decimal(200))
OUT_OF_RANGE = "範囲外"
OUT_OF_RANGE_NOTE = (
    "進捗率が−100%未満または200%を超えるときは「範囲外」と示します（現況値と目標の差が小さいと、"
    "わずかな実績の違いで率が大きく振れるためです。評価には使いません）。"
)


def progress_in_range(rate: Decimal | None) -> bool:
    """Whether a 進捗率 is shown as a figure (None and the figures within PROGRESS_SHOWN are)."""
    if rate is None or not rate.is_finite():
        return rate is None
    low, high = PROGRESS_SHOWN
    return low <= floor_rate(rate) <= high


def format_progress(rate: Decimal | None) -> str:
    """進捗率 as shown: 45.0%; 範囲外 below −100% or above 200% (see PROGRESS_SHOWN); ― when there is none."""
    if rate is None:
        return NO_FIGURE
    return format_rate(rate) if progress_in_range(rate) else OUT_OF_RANGE


def share(part: int, whole: int) -> Decimal | None:
    """part of whole in % (承認済の割合, 達成の割合); None when there is nothing to divide by."""
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)

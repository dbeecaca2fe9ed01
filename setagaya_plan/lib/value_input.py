"""Reading a number that a person typed (or an import cell), the one rule shared by every form and import.

Accepted, because this is how ward staff write numbers: full-width digits and punctuation (１，２３４．５),
thousands separators, the indicator's own unit or ％ after the number, surrounding spaces, and △ / ▲ / − as a
minus sign where a value may be negative. Anything else is refused with a Japanese message that says what to type.

Range rules: counts are never negative; rates (unit %) lie in 0–100. A value far from the target or from last
year's actual is not refused but needs a confirming comment (like DHIS2's min–max check): see `plausibility_issue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from setagaya_plan.lib.numerals import format_decimal, to_half_width

MAX_INTEGER_DIGITS = 14
MAX_DECIMAL_PLACES = 4
MINUS_SIGNS = "-−－△▲ー"
PERCENT_UNITS = {"%", "％"}
OUTLIER_FACTOR = Decimal(3)

_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")


@dataclass(frozen=True)
class ValueRules:
    unit: str = ""
    allow_negative: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit in PERCENT_UNITS


def parse_value(raw: str | None, rules: ValueRules = ValueRules()) -> Decimal | None:
    """The typed text as Decimal, or None when nothing was typed. Raises ValidationError (Japanese) otherwise."""
    if raw is None:
        return None
    text = to_half_width(str(raw)).strip()
    if not text:
        return None

    negative = False
    if text[0] in MINUS_SIGNS:
        negative = True
        text = text[1:].strip()
    text = _strip_unit(text, rules)
    if text.startswith(tuple(MINUS_SIGNS)):
        raise ValidationError("マイナス記号は数値の先頭に一つだけ付けてください。", code="invalid")

    match = _NUMBER.match(text.replace(" ", ""))
    if not match:
        raise ValidationError(_explain_not_a_number(text, rules), code="invalid")
    integer_digits = match.group("int").replace(",", "")
    fraction = match.group("frac") or ""
    if len(integer_digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValidationError(f"桁数が多すぎます（整数部分は{MAX_INTEGER_DIGITS}桁までです）。", code="too_large")
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise ValidationError(f"小数点以下は{MAX_DECIMAL_PLACES}桁までで入力してください。", code="too_precise")
    try:
        value = Decimal(f"{integer_digits}.{fraction}" if fraction else integer_digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValidationError("数値として読み取れません。", code="invalid") from None
    if negative and value != 0:
        value = -value
    check_range(value, rules)
    return value


def check_range(value: Decimal, rules: ValueRules) -> None:
    if value < 0 and not rules.allow_negative:
        raise ValidationError("マイナスの値は入力できません（件数・人数などは0以上です）。", code="negative")
    if rules.is_rate and not (0 <= value <= 100):
        raise ValidationError("割合（%）は0から100までの値で入力してください。", code="rate_range")


def _strip_unit(text: str, rules: ValueRules) -> str:
    units = {rules.unit} if rules.unit else set()
    if rules.is_rate:
        units |= PERCENT_UNITS
    for unit in sorted(units, key=len, reverse=True):
        if unit and text.endswith(unit):
            return text[: -len(unit)].strip()
    return text


def _explain_not_a_number(text: str, rules: ValueRules) -> str:
    trailing = re.match(r"^[\d,.\s]+(?P<unit>\D+)$", text)
    unit = trailing.group("unit").strip() if trailing else ""
    if unit and rules.unit and unit != rules.unit:
        return f"単位「{unit}」はこの指標では使えません。数値だけ、または「{rules.unit}」を付けて入力してください。"
    if re.search(r"\d,\d", text):
        return "桁区切りのカンマの位置が正しくありません（例：1,234）。"
    if text.count(".") > 1:
        return "小数点が複数あります。"
    return "数値で入力してください（例：1,234 や 12.5）。"


def plausibility_issue(value: Decimal | None, *, target: Decimal | None, previous: Decimal | None) -> str:
    """Why a value needs a confirming comment, or "" when it looks ordinary.

    Over three times or under a third of the target or of last year's actual is unusual enough to ask — the
    typed value is kept, the person confirms it.
    """
    if value is None:
        return ""
    for label, reference in (("目標値", target), ("前年度の実績", previous)):
        if reference is None or reference <= 0:
            continue
        confirm = "値を確認し、確認コメントを入力してください。"
        if value > reference * OUTLIER_FACTOR:
            return f"{label}（{format_decimal(reference)}）の3倍を超えています。{confirm}"
        if value * OUTLIER_FACTOR < reference:
            return f"{label}（{format_decimal(reference)}）の3分の1未満です。{confirm}"
    return ""

"""Reading a number that a person typed (or an import cell): the one rule of every form, grid and import.

What is accepted, because this is how ward staff write numbers:

- digits 0–9, half or full width (１２３); no other digits (١٢٣, ①, 十二 are refused);
- thousands separators as commas every three digits (1,234,567 or １，２３４), or none at all;
- a decimal point only where the unit allows fractions (WHOLE_NUMBER_UNITS: counts of 回・件・人・箇所 … are
  whole numbers; %, and units the rule does not know, allow up to MAX_DECIMAL_PLACES places);
- the indicator's own unit (or ％ for a rate) after the number, with or without a space (12回, 12 回);
- a minus sign (-, −, －, △, ▲) directly before the number, where a value may be negative;
- spaces before and after the whole value. Nowhere else: "5 5" is refused, not read as 55. (Only the reader of
  the plan's printed tables, indicators.importing.cells, drops the spaces a PDF layout puts inside numbers
  before calling this rule.)

Everything else is refused with a Japanese message that names what is wrong ("5." → 小数点の後に数字がありません).
Range rules: counts are never negative; rates (unit %) lie in 0–100. A value far from the target or from last
year's actual is not refused but needs a confirming comment (like DHIS2's min–max check): see
`plausibility_issue`. tests/number_inputs.py is the table of inputs and answers that every path is tested with.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from setagaya_plan.lib.numerals import format_decimal, to_half_width

MAX_INTEGER_DIGITS = 14
MAX_DECIMAL_PLACES = 4
MINUS_SIGNS = "-−－△▲"
PERCENT_UNITS = {"%", "％"}
OUTLIER_FACTOR = Decimal(3)

# Units that count things: a value in one of these is a whole number. Every unit of the plan's indicators except
# % is here (fixtures/plan), plus the usual spellings of the same counters.
WHOLE_NUMBER_UNITS = frozenset(
    {
        "回",
        "件",
        "人",
        "名",
        "人日",
        "箇所",
        "か所",
        "ヵ所",
        "ヶ所",
        "カ所",
        "ケ所",
        "所",
        "機関",
        "事業者",
        "事業所",
        "施設",
        "病院",
        "店舗",
        "団体",
        "世帯",
        "食",
        "部",
        "冊",
        "校",
        "園",
        "組",
        "台",
        "戸",
        "床",
        "講座",
    }
)

_NUMBER = re.compile(r"(?P<int>[0-9]+(?:,[0-9]+)*)?(?P<point>\.(?P<frac>[0-9]*))?")
_EXAMPLE = "例：1,234"


@dataclass(frozen=True)
class ValueRules:
    unit: str = ""
    allow_negative: bool = False
    # What the number counts, for the message about a wrong unit: "" for an indicator (「この指標では使えません」),
    # "相談件数" for the consultations grid, whose boxes are no indicator.
    counted: str = ""

    @property
    def is_rate(self) -> bool:
        return self.unit in PERCENT_UNITS

    @property
    def whole_numbers(self) -> bool:
        return self.unit in WHOLE_NUMBER_UNITS

    @property
    def units(self) -> set[str]:
        """What may follow the number."""
        return (PERCENT_UNITS | {self.unit}) if self.is_rate else ({self.unit} if self.unit else set())

    def example(self) -> str:
        number = "12" if self.whole_numbers else "12.5"
        return f"例：{number}、１，２３４{'、' + number + self.unit if self.unit else ''}"


def parse_value(raw: str | int | float | Decimal | None, rules: ValueRules = ValueRules()) -> Decimal | None:
    """The typed text (or a workbook's number cell) as Decimal, None when nothing was typed; ValidationError
    (Japanese) otherwise."""
    if raw is None:
        return None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        value = number_from_cell(raw)
        check_value(value, rules)
        return value
    text = str(raw).strip()
    if not text:
        return None
    _refuse_foreign_digits(text)
    text = to_half_width(text)

    negative = text[0] in MINUS_SIGNS
    if negative:
        text = text[1:]
        if not text:
            raise _invalid("マイナス記号の後に数値がありません（例：-5、△5）。")
        if text[0] in MINUS_SIGNS:
            raise _invalid("マイナス記号は数値の先頭に一つだけ付けてください（例：-5、△5）。")
        if text[0].isspace():
            raise _invalid("マイナス記号と数字の間に空白を入れないでください（例：-5、△5）。")

    match = _NUMBER.match(text)
    integer, point, fraction = match.group("int") or "", match.group("point"), match.group("frac") or ""
    rest = text[match.end() :]
    if not integer and not point:
        raise _invalid(_explain_no_number(text, rules))
    _check_point(integer, point, fraction, rest, rules)
    _check_grouping(integer, rest)
    _check_rest(rest, text, rules)

    digits = integer.replace(",", "")
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValidationError(f"桁数が多すぎます（整数部分は{MAX_INTEGER_DIGITS}桁までです）。", code="too_large")
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise ValidationError(f"小数点以下は{MAX_DECIMAL_PLACES}桁までで入力してください。", code="too_precise")
    value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    if negative and value != 0:
        value = -value
    check_value(value, rules)
    return value


def number_from_cell(raw: int | float | Decimal) -> Decimal:
    """A number a workbook stored: floats read back as the decimal Excel shows (12.3, not 12.300000000000001),
    binary noise past MAX_DECIMAL_PLACES dropped, the same size limits as typed numbers."""
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _invalid("数値として読み取れません。")
        value = Decimal(repr(raw))
    else:
        value = Decimal(raw)
    if not value.is_finite():
        raise _invalid("数値として読み取れません。")
    if value.as_tuple().exponent < -MAX_DECIMAL_PLACES:
        rounded = value.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES))
        if abs(rounded - value) > Decimal("1e-9"):
            raise ValidationError(f"小数点以下は{MAX_DECIMAL_PLACES}桁までで入力してください。", code="too_precise")
        value = rounded
    if len(str(abs(int(value)))) > MAX_INTEGER_DIGITS:
        raise ValidationError(f"桁数が多すぎます（整数部分は{MAX_INTEGER_DIGITS}桁までです）。", code="too_large")
    normalized = value.normalize()
    return normalized if normalized.as_tuple().exponent <= 0 else normalized.quantize(Decimal(1))


def check_value(value: Decimal, rules: ValueRules) -> None:
    """The rules that hold for a number however it arrived (typed, or a number cell of a workbook)."""
    check_range(value, rules)
    if rules.whole_numbers and value != value.to_integral_value():
        raise ValidationError(f"「{rules.unit}」の数は整数で入力してください（小数は使えません）。", code="not_integer")


def check_range(value: Decimal, rules: ValueRules) -> None:
    if value < 0 and not rules.allow_negative:
        raise ValidationError("マイナスの値は入力できません（件数・人数などは0以上です）。", code="negative")
    if rules.is_rate and not (0 <= value <= 100):
        raise ValidationError("割合（%）は0から100までの値で入力してください。", code="rate_range")


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid")


def _refuse_foreign_digits(text: str) -> None:
    for char in text:
        if unicodedata.category(char) == "Nd" and not ("0" <= char <= "9" or "０" <= char <= "９"):
            raise _invalid(f"数字は0～9（半角または全角）で入力してください。「{char}」は使えません。")


def _check_grouping(integer: str, rest: str) -> None:
    if rest.startswith(","):
        raise _invalid(f"カンマの後に数字がありません（桁区切りは3桁ごと、{_EXAMPLE}）。")
    if "," in integer:
        first, *others = integer.split(",")
        if not 1 <= len(first) <= 3 or any(len(group) != 3 for group in others):
            raise _invalid(f"桁区切りのカンマの位置が正しくありません（3桁ごと、{_EXAMPLE}）。")


def _check_point(integer: str, point: str | None, fraction: str, rest: str, rules: ValueRules) -> None:
    if point is None:
        return
    if rules.whole_numbers:
        raise _invalid(f"「{rules.unit}」の数は整数で入力してください（小数点は使えません）。")
    if not integer:
        raise _invalid("小数点の前に数字を入れてください（例：0.5）。")
    if not fraction:
        raise _invalid("小数点の後に数字がありません（例：12.5）。")
    if rest.startswith("."):
        raise _invalid("小数点が複数あります（例：12.5）。")
    if rest.startswith(","):
        raise _invalid("小数点より後ろにカンマは使えません（例：1,234.5）。")


def _check_rest(rest: str, text: str, rules: ValueRules) -> None:
    """What follows the number: nothing, or the unit (a space before it is fine)."""
    unit = rest.lstrip()
    if not unit or unit in rules.units:
        return
    if unit[0].isdigit():
        raise _invalid("数字の間に空白があります。空白を入れずに入力してください（例：55、1,234）。")
    if unit[0] in MINUS_SIGNS:
        raise _invalid("マイナス記号は数値の後ろではなく前に付けてください（例：-5、△5）。")
    if unit[0] == ".":
        raise _invalid("小数点が複数あります。")
    if re.search(r"[0-9]", unit):
        raise _invalid(f"「{text}」を数値として読み取れません（{rules.example()}）。")
    if rules.unit:
        accepted = "」または「".join(sorted(rules.units))
        if rules.counted:
            raise _invalid(
                f"{rules.counted}は「{accepted}」で数えます（「{unit}」ではありません）。"
                f"数値だけ、または「{accepted}」を付けて入力してください（例：12、12{rules.unit}）。"
            )
        raise _invalid(
            f"単位「{unit}」はこの指標では使えません。数値だけ、または「{accepted}」を付けて入力してください。"
        )
    raise _invalid(f"数値の後に「{unit}」があります。数値だけを入力してください。")


def _explain_no_number(text: str, rules: ValueRules) -> str:
    if re.search(r"[0-9]", text):
        return f"数値から始めてください（単位や記号は数値の後に。{rules.example()}）。"
    return f"数値で入力してください（{rules.example()}）。"


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

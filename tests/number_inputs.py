"""The number rule as a table: what a person types and what every input path must answer.

One table for every path that reads a typed number — the entry form, the entry grid, the consultations grid, the
consultations import and the actuals import (each has a test driven by it) and setagaya_plan.lib.value_input
itself. Rows are written for a count unit (COUNT: 回 for the indicators, 件 for consultations; `{u}` in a row
stands for it) or for a rate (RATE, unit %). The answer is the Decimal saved, None for "nothing entered", or a
part of the Japanese message that refuses the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COUNT, RATE = "count", "rate"


@dataclass(frozen=True)
class NumberInput:
    typed: str
    kind: str  # COUNT or RATE
    value: Decimal | None = None
    error: str = ""  # part of the refusal; "" when accepted

    def text(self, unit: str) -> str:
        return self.typed.replace("{u}", unit)

    def message(self, unit: str) -> str:
        return self.error.replace("{u}", unit)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.typed!r}"


def ok(typed: str, kind: str, value: str | None) -> NumberInput:
    return NumberInput(typed, kind, None if value is None else Decimal(value))


def no(typed: str, kind: str, error: str) -> NumberInput:
    return NumberInput(typed, kind, error=error)


NUMBER_INPUTS = [
    # Accepted: half and full width, thousands separators, the unit after the number, spaces around the value.
    ok("12", COUNT, "12"),
    ok("１２", COUNT, "12"),
    ok("0", COUNT, "0"),
    ok("007", COUNT, "7"),
    ok("1,234", COUNT, "1234"),
    ok("１，２３４", COUNT, "1234"),
    ok("1,234,567", COUNT, "1234567"),
    ok("12{u}", COUNT, "12"),
    ok("１２{u}", COUNT, "12"),
    ok("12 {u}", COUNT, "12"),
    ok("12\u3000{u}", COUNT, "12"),
    ok("1,234{u}", COUNT, "1234"),
    ok("  12  ", COUNT, "12"),
    ok("\u3000１２\u3000", COUNT, "12"),
    ok("-0", COUNT, "0"),
    ok("", COUNT, None),
    ok("   ", COUNT, None),
    ok("55.9", RATE, "55.9"),
    ok("55.9%", RATE, "55.9"),
    ok("55.9％", RATE, "55.9"),
    ok("５５．９％", RATE, "55.9"),
    ok("55.9 %", RATE, "55.9"),
    ok("100", RATE, "100"),
    ok("0.0001", RATE, "0.0001"),
    ok("0.5", RATE, "0.5"),
    ok("１２．５", RATE, "12.5"),
    # Refused: other digits, spaces inside, separators in the wrong place.
    no("١٢٣", COUNT, "数字は0～9（半角または全角）で入力してください。「١」は使えません。"),
    no("۱۲", COUNT, "「۱」は使えません"),
    no("१२", COUNT, "「१」は使えません"),
    no("12３٤", COUNT, "「٤」は使えません"),
    no("5 5", COUNT, "数字の間に空白があります"),
    no("1 234", COUNT, "数字の間に空白があります"),
    no("１２\u3000３", COUNT, "数字の間に空白があります"),
    no("5 5", RATE, "数字の間に空白があります"),
    no("123,", COUNT, "カンマの後に数字がありません"),
    no("1,234,", COUNT, "カンマの後に数字がありません"),
    no("1,2345", COUNT, "桁区切りのカンマの位置が正しくありません"),
    no("12,34", COUNT, "桁区切りのカンマの位置が正しくありません"),
    no("1234,567", COUNT, "桁区切りのカンマの位置が正しくありません"),
    no(",123", COUNT, "数値から始めてください"),
    # Decimal point: not in counts; in rates only with digits on both sides, once.
    no("1.5", COUNT, "「{u}」の数は整数で入力してください（小数点は使えません）"),
    no("１．５", COUNT, "「{u}」の数は整数で入力してください"),
    no("5.0", COUNT, "「{u}」の数は整数で入力してください"),
    no("5.", COUNT, "「{u}」の数は整数で入力してください"),
    no("5.", RATE, "小数点の後に数字がありません"),
    no(".5", RATE, "小数点の前に数字を入れてください"),
    no("12.5.3", RATE, "小数点が複数あります"),
    no("1.234,5", RATE, "小数点より後ろにカンマは使えません"),
    no("1.23456", RATE, "小数点以下は4桁までで入力してください"),
    # Minus: only before the number, once, and counts and rates are never negative.
    no("5-", COUNT, "マイナス記号は数値の後ろではなく前に付けてください"),
    no("5 -", COUNT, "マイナス記号は数値の後ろではなく前に付けてください"),
    no("-5", COUNT, "マイナスの値は入力できません"),
    no("△5", COUNT, "マイナスの値は入力できません"),
    no("▲３{u}", COUNT, "マイナスの値は入力できません"),
    no("－５", COUNT, "マイナスの値は入力できません"),
    no("--5", COUNT, "マイナス記号は数値の先頭に一つだけ付けてください"),
    no("- 5", COUNT, "マイナス記号と数字の間に空白を入れないでください"),
    no("△", COUNT, "マイナス記号の後に数値がありません"),
    no("-1", RATE, "マイナスの値は入力できません"),
    # Units: the indicator's own, after the number. The message names what is counted in each place (an
    # indicator: 「単位「人日」はこの指標では使えません」; the consultations grid: 「相談件数は「件」で数えます」), and
    # both say what to type instead.
    no("12人日", COUNT, "数値だけ、または「{u}」を付けて入力してください"),
    no("12%", COUNT, "数値だけ、または「{u}」を付けて入力してください"),
    no("55円", RATE, "単位「円」はこの指標では使えません"),
    no("{u}12", COUNT, "数値から始めてください"),
    no("12{u}{u}", COUNT, "「{u}{u}」"),
    no("約100", COUNT, "数値から始めてください"),
    no("100以上", COUNT, "数値だけ、または「{u}」を付けて入力してください"),
    # Rates lie in 0–100.
    no("120", RATE, "割合（%）は0から100までの値で入力してください"),
    no("100.1%", RATE, "割合（%）は0から100までの値で入力してください"),
    # Not numbers at all.
    no("abc", COUNT, "数値で入力してください"),
    no("十二", COUNT, "数値で入力してください"),
    no("①", COUNT, "数値で入力してください"),
    no("NaN", COUNT, "数値で入力してください"),
    no("Infinity", RATE, "数値で入力してください"),
    no("1e5", COUNT, "「1e5」を数値として読み取れません"),
    no("0x1F", COUNT, "「0x1F」を数値として読み取れません"),
    no("=1+2", COUNT, "数値から始めてください"),
    no("<script>alert(1)</script>", COUNT, "数値から始めてください"),
    # Size.
    no("123456789012345", COUNT, "桁数が多すぎます（整数部分は14桁までです）"),
]

ACCEPTED = [row for row in NUMBER_INPUTS if not row.error]
REFUSED = [row for row in NUMBER_INPUTS if row.error]


def rows(kind: str) -> list[NumberInput]:
    return [row for row in NUMBER_INPUTS if row.kind == kind]

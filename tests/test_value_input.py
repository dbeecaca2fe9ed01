"""The input rule shared by every form and import: what a person may type, and what they are told otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from setagaya_plan.lib.value_input import ValueRules, parse_value, plausibility_issue

COUNT = ValueRules(unit="件")
PEOPLE = ValueRules(unit="人")
RATE = ValueRules(unit="%")
SIGNED = ValueRules(unit="人", allow_negative=True)

ACCEPTED = [
    ("1234", COUNT, "1234"),
    ("１２３４", COUNT, "1234"),
    ("１，２３４．５", COUNT, "1234.5"),
    ("1,234", COUNT, "1234"),
    ("12,345,678", COUNT, "12345678"),
    ("  42  ", COUNT, "42"),
    ("\u3000４２\u3000", COUNT, "42"),
    ("42件", COUNT, "42"),
    ("42 件", COUNT, "42"),
    ("４２件", COUNT, "42"),
    ("55.9%", RATE, "55.9"),
    ("55.9％", RATE, "55.9"),
    ("５５．９％", RATE, "55.9"),
    ("100", RATE, "100"),
    ("0", RATE, "0"),
    ("△5", SIGNED, "-5"),
    ("▲5人", SIGNED, "-5"),
    ("−5", SIGNED, "-5"),
    ("－５", SIGNED, "-5"),
    ("-0", COUNT, "0"),
    ("0.0001", COUNT, "0.0001"),
    ("99999999999999", COUNT, "99999999999999"),
    ("007", COUNT, "7"),
]


@pytest.mark.parametrize("raw, rules, expected", ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepted_inputs(raw, rules, expected):
    assert parse_value(raw, rules) == Decimal(expected)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_nothing_typed_is_no_value(raw):
    assert parse_value(raw, COUNT) is None


REFUSED = [
    ("abc", COUNT, "数値で入力してください"),
    ("十二", COUNT, "数値で入力してください"),
    ("約100", COUNT, "数値で入力してください"),
    ("1e5", COUNT, "数値で入力してください"),
    ("<script>alert(1)</script>", COUNT, "数値で入力してください"),
    ("=1+2", COUNT, "数値で入力してください"),
    ("@SUM(A1)", COUNT, "数値で入力してください"),
    ("12.5.3", COUNT, "小数点が複数あります"),
    ("1,2345", COUNT, "桁区切りのカンマの位置が正しくありません"),
    ("12,34", COUNT, "桁区切りのカンマの位置が正しくありません"),
    ("5人", COUNT, "単位「人」はこの指標では使えません"),
    ("55%", COUNT, "単位「%」はこの指標では使えません"),
    ("-5", COUNT, "マイナスの値は入力できません"),
    ("△5", PEOPLE, "マイナスの値は入力できません"),
    ("▲３件", COUNT, "マイナスの値は入力できません"),
    ("120%", RATE, "割合（%）は0から100までの値で入力してください"),
    ("100.1", RATE, "割合（%）は0から100までの値で入力してください"),
    ("--5", SIGNED, "マイナス記号は数値の先頭に一つだけ"),
    ("123456789012345", COUNT, "桁数が多すぎます"),
    ("1.23456", COUNT, "小数点以下は4桁まで"),
    ("1 2 3 4 5 6 7 8 9 0 1 2 3 4 5", COUNT, "桁数が多すぎます"),
    ("5件件", COUNT, "数値で入力してください"),
    ("NaN", COUNT, "数値で入力してください"),
    ("Infinity", COUNT, "数値で入力してください"),
]


@pytest.mark.parametrize("raw, rules, message", REFUSED, ids=[row[0] for row in REFUSED])
def test_refused_inputs_say_why_in_japanese(raw, rules, message):
    with pytest.raises(ValidationError) as error:
        parse_value(raw, rules)
    assert message in error.value.messages[0]


def test_table_is_at_least_thirty_inputs():
    assert len(ACCEPTED) + len(REFUSED) >= 30


@pytest.mark.parametrize(
    "value, target, previous, expected",
    [
        ("100", "100", "90", ""),
        ("301", "100", None, "目標値（100）の3倍を超えています"),
        ("33", "100", None, "目標値（100）の3分の1未満です"),
        ("34", "100", None, ""),
        ("300", "100", None, ""),
        ("100", "100", "20", "前年度の実績（20）の3倍を超えています"),
        ("100", None, "400", "前年度の実績（400）の3分の1未満です"),
        ("5", "0", None, ""),
        (None, "100", "100", ""),
    ],
)
def test_plausibility_asks_for_a_confirming_comment(value, target, previous, expected):
    as_decimal = lambda v: None if v is None else Decimal(v)  # noqa: E731
    issue = plausibility_issue(as_decimal(value), target=as_decimal(target), previous=as_decimal(previous))
    assert (expected in issue) if expected else issue == ""

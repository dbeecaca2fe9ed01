"""The one number rule (setagaya_plan.lib.value_input): the shared table of inputs, the units, plausibility."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from setagaya_plan.lib.value_input import WHOLE_NUMBER_UNITS, ValueRules, check_value, parse_value, plausibility_issue
from tests.number_inputs import ACCEPTED, COUNT, NUMBER_INPUTS, RATE, REFUSED

ROOT = Path(__file__).resolve().parent.parent

RULES = {COUNT: ValueRules(unit="回"), RATE: ValueRules(unit="%")}


@pytest.mark.parametrize("row", NUMBER_INPUTS, ids=[row.id for row in NUMBER_INPUTS])
@pytest.mark.parametrize("count_unit", ["回", "件"])
def test_every_input_of_the_table(row, count_unit):
    rules = ValueRules(unit=count_unit) if row.kind == COUNT else RULES[RATE]
    unit = rules.unit
    if row.error:
        with pytest.raises(ValidationError) as error:
            parse_value(row.text(unit), rules)
        assert row.message(unit) in error.value.messages[0]
    else:
        assert parse_value(row.text(unit), rules) == row.value


def test_the_table_covers_the_rule():
    assert len(NUMBER_INPUTS) >= 60
    assert len(ACCEPTED) >= 20 and len(REFUSED) >= 40
    assert len({row.id for row in NUMBER_INPUTS}) == len(NUMBER_INPUTS)


def test_nothing_typed_is_no_value():
    assert parse_value(None, RULES[COUNT]) is None


@pytest.mark.parametrize("unit", sorted(WHOLE_NUMBER_UNITS))
def test_counts_are_whole_numbers(unit):
    rules = ValueRules(unit=unit)
    assert rules.whole_numbers and parse_value(f"3{unit}", rules) == 3
    with pytest.raises(ValidationError, match="整数で入力してください"):
        parse_value("2.5", rules)
    with pytest.raises(ValidationError, match="整数で入力してください"):
        check_value(Decimal("2.5"), rules)  # a number cell of a workbook


@pytest.mark.parametrize("unit", ["", "%", "時間", "km"])
def test_other_units_allow_decimals(unit):
    assert parse_value("2.5", ValueRules(unit=unit)) == Decimal("2.5")


def test_every_unit_of_the_plan_but_percent_counts_whole_things():
    units = set()
    for path in (ROOT / "fixtures" / "plan").glob("*.yaml"):
        units |= set(re.findall(r"^\s*unit: ['\"]?([^'\"\n]+)['\"]?$", path.read_text(), flags=re.MULTILINE))
    assert "回" in units and "%" in units
    assert units - {"%"} <= WHOLE_NUMBER_UNITS


@pytest.mark.parametrize("typed, expected", [("△5", "-5"), ("▲５人", "-5"), ("−5", "-5"), ("-12,345", "-12345")])
def test_a_series_printed_with_negative_values_takes_a_minus(typed, expected):
    assert parse_value(typed, ValueRules(unit="人", allow_negative=True)) == Decimal(expected)


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

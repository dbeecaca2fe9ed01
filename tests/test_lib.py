from decimal import Decimal

import pytest

from setagaya_plan.lib.numerals import format_decimal, parse_plain_decimal, plain_decimal, to_half_width
from setagaya_plan.lib.spreadsheet import escape_formula


@pytest.mark.parametrize(
    "printed, value",
    [
        ("６，３５８", Decimal("6358")),
        ("９2．8", Decimal("92.8")),
        ("3 8 0", Decimal("380")),
        ("25 .3", Decimal("25.3")),
        ("1,234", Decimal("1234")),
        ("－５", Decimal("-5")),
    ],
)
def test_parse_plain_decimal_reads_printed_numbers(printed, value):
    assert parse_plain_decimal(printed) == value


@pytest.mark.parametrize("printed", ["", "―", "約10", "10件", "1.2.3", "１０％"])
def test_parse_plain_decimal_refuses_non_numbers(printed):
    with pytest.raises(ValueError):
        parse_plain_decimal(printed)


def test_to_half_width_leaves_japanese_text_alone():
    assert to_half_width("令和５年度　見込み") == "令和5年度 見込み"


@pytest.mark.parametrize(
    "value, escaped",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+81", "'+81"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("通常の文字", "通常の文字"),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_formula(value, escaped):
    assert escape_formula(value) == escaped


@pytest.mark.parametrize(
    "value, plain, printed",
    [
        ("6358.0000", "6358", "6,358"),
        ("92.8000", "92.8", "92.8"),
        ("1234567.25", "1234567.25", "1,234,567.25"),
        ("0", "0", "0"),
        ("-5.50", "-5.5", "-5.5"),
        ("-1200", "-1200", "-1,200"),
        ("0.0001", "0.0001", "0.0001"),
    ],
)
def test_decimal_as_text(value, plain, printed):
    assert plain_decimal(Decimal(value)) == plain
    assert format_decimal(Decimal(value)) == printed

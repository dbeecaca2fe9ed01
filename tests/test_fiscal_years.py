"""setagaya_plan.core.fiscal_years: fiscal years (April–March), their 和暦 labels, reading them as people write
them, the plan's years from the database, the year a page opens on and years in a request.

Years of the plan come from its cover: 令和6年度（2024年度）～令和13年度（2031年度), 中間見直し in
令和9年度（2027年度）, whose tables print targets for 令和6–9年度.
"""

import argparse
import datetime

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from measures.models import Plan
from setagaya_plan.core.fiscal_years import (
    FISCAL_MONTHS,
    FiscalYearError,
    calendar_year_of,
    check_within,
    current_fiscal_year,
    default_fiscal_year,
    era_label,
    era_year,
    fiscal_year_argument,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_start,
    month_from_request,
    month_label,
    parse_fiscal_year,
    parse_month,
    period_label,
    plan_period_label,
    plan_years,
    printed_years,
    read_fiscal_year,
    read_fiscal_year_heading,
    year_choices,
    year_from_request,
    years_up_to_now,
)

# --- labels ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year, label",
    [
        (2024, "令和6年度（2024年度）"),
        (2027, "令和9年度（2027年度）"),
        (2031, "令和13年度（2031年度）"),
        (2019, "令和元年度（2019年度）"),
        (2018, "平成30年度（2018年度）"),
        (2017, "平成29年度（2017年度）"),
        (1989, "平成元年度（1989年度）"),
    ],
)
def test_fiscal_year_label(year, label):
    assert fiscal_year_label(year) == label


def test_labels_short_and_printed():
    assert (era_year(2024), era_year(2019), era_year(2017)) == ("令和6", "令和元", "平成29")
    assert era_label(2024) == "令和6年度"
    assert period_label(2024, 2027) == "令和6年度（2024年度）～令和9年度（2027年度）"
    assert period_label(2024, 2024) == "令和6年度（2024年度）"
    assert year_choices([2024, 2025]) == [(2024, "令和6年度（2024年度）"), (2025, "令和7年度（2025年度）")]


def test_plan_period_label_as_printed_on_the_cover():
    plan = Plan(name="計画", start_fiscal_year=2024, end_fiscal_year=2031)
    assert plan_period_label(plan) == "令和6年度（2024年度）～令和13年度（2031年度）"


# --- the calendar ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, fiscal_year",
    [
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2025, 4, 1), 2025),
        (datetime.date(2024, 12, 31), 2024),
        (datetime.date(2024, 1, 15), 2023),
    ],
)
def test_fiscal_year_runs_april_to_march(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year
    assert fiscal_year_start(fiscal_year) <= day <= fiscal_year_end(fiscal_year)


@pytest.mark.parametrize(
    "fiscal_year, month, calendar_year, label",
    [
        (2024, 4, 2024, "2024年4月"),
        (2024, 12, 2024, "2024年12月"),
        (2024, 1, 2025, "2025年1月"),
        (2024, 3, 2025, "2025年3月"),
    ],
)
def test_months_of_the_fiscal_year(fiscal_year, month, calendar_year, label):
    assert calendar_year_of(fiscal_year, month) == calendar_year
    assert month_label(fiscal_year, month) == label


def test_fiscal_months_start_in_april_and_name_each_month_once():
    assert FISCAL_MONTHS[0] == 4 and FISCAL_MONTHS[-1] == 3
    assert sorted(FISCAL_MONTHS) == list(range(1, 13))


# --- reading years ---------------------------------------------------------------------------------------------------

READ = [
    (2024, 2024),
    (2024.0, 2024),
    ("2024", 2024),
    (" 2024 ", 2024),
    ("２０２４", 2024),
    ("2024年度", 2024),
    ("２０２４年度", 2024),
    ("2024年", 2024),
    ("FY2024", 2024),
    ("令和6", 2024),
    ("令和6年度", 2024),
    ("令和６年度", 2024),
    ("令和 6 年度", 2024),
    ("令和元年度", 2019),
    ("R6", 2024),
    ("r6", 2024),
    ("Ｒ６", 2024),
    ("令和6年度（2024年度）", 2024),
    ("令和６年度（２０２４年度）", 2024),
    ("令和６年度\n（２０２４年度）", 2024),
    ("令和6年度(2024)", 2024),
    ("令和13年度（2031年度）", 2031),
    ("平成29年度", 2017),
    ("平成29年度（2017年度）", 2017),
    ("H29", 2017),
    ("平成元年度", 1989),
    ("平成31年度", 2019),
]


@pytest.mark.parametrize(("raw", "year"), READ, ids=[repr(raw) for raw, _ in READ])
def test_a_fiscal_year_as_people_write_it(raw, year):
    assert parse_fiscal_year(raw) == year


REFUSED = [
    ("来年度", "年度「来年度」を読み取れません（例：2024、令和6年度）。"),
    ("24", "年度「24」を読み取れません（例：2024、令和6年度）。"),
    ("²", "年度「²」を読み取れません（例：2024、令和6年度）。"),
    ("²⁰²⁴", "年度「²⁰²⁴」を読み取れません（例：2024、令和6年度）。"),
    ("١٢٣٤", "年度「١٢٣٤」を読み取れません（例：2024、令和6年度）。"),
    ("-1", "年度「-1」を読み取れません（例：2024、令和6年度）。"),
    ("-2024", "年度「-2024」を読み取れません（例：2024、令和6年度）。"),
    ("20240", "年度「20240」を読み取れません（例：2024、令和6年度）。"),
    ("1e3", "年度「1e3」を読み取れません（例：2024、令和6年度）。"),
    ("2024.5", "年度「2024.5」を読み取れません（例：2024、令和6年度）。"),
    ("0900", "年度「0900」を読み取れません（例：2024、令和6年度）。"),
    ("令和0年度", "年度「令和0年度」を読み取れません（例：2024、令和6年度）。"),
    ("平成32年度", "年度「平成32年度」を読み取れません（例：2024、令和6年度）。"),
    ("昭和60年度", "年度「昭和60年度」を読み取れません（例：2024、令和6年度）。"),
    ("二〇二四", "年度「二〇二四」を読み取れません（例：2024、令和6年度）。"),
    ("2024\x00", "年度「2024\x00」を読み取れません（例：2024、令和6年度）。"),
    ("<b>2024</b>", "年度「<b>2024</b>」を読み取れません（例：2024、令和6年度）。"),
    ("9" * 20, f"年度「{'9' * 20}」を読み取れません（例：2024、令和6年度）。"),
    ("令和" + "6" * 60, "年度「令和" + "6" * 38 + "…」を読み取れません（例：2024、令和6年度）。"),
    (10**20, f"年度「{10**20}」を読み取れません（例：2024、令和6年度）。"),
    (2024.5, "年度「2024.5」を読み取れません（例：2024、令和6年度）。"),
    (True, "年度「True」を読み取れません（例：2024、令和6年度）。"),
    (datetime.date(2024, 4, 1), "年度「2024-04-01」を読み取れません（例：2024、令和6年度）。"),
    ("", "年度を入力してください（例：2024、令和6年度）。"),
    ("  ", "年度を入力してください（例：2024、令和6年度）。"),
    (None, "年度を入力してください（例：2024、令和6年度）。"),
    ("令和6年度（2025年度）", "「令和6年度（2025年度）」の和暦と西暦が一致しません（令和6年度は2024年度です）。"),
    ("平成29年度（2024年度）", "「平成29年度（2024年度）」の和暦と西暦が一致しません（平成29年度は2017年度です）。"),
]


@pytest.mark.parametrize(("raw", "message"), REFUSED, ids=[repr(raw)[:30] for raw, _ in REFUSED])
def test_a_fiscal_year_that_cannot_be_read(raw, message):
    with pytest.raises(FiscalYearError) as caught:
        parse_fiscal_year(raw)
    assert caught.value.message == message
    assert isinstance(caught.value, ValueError)


def test_headings_name_a_year_with_an_allowed_word_after_it():
    words = ("目標", "実績")
    assert read_fiscal_year_heading("令和６年度\n（２０２４年度）", words) == (2024, "")
    assert read_fiscal_year_heading("令和6年度（2024年度）目標", words) == (2024, "目標")
    assert read_fiscal_year_heading("2024年度実績", words) == (2024, "実績")
    assert read_fiscal_year_heading("令和6年度（2024年度）見込み", words) is None
    assert read_fiscal_year_heading("名称", words) is None
    assert read_fiscal_year("現況値") is None
    with pytest.raises(FiscalYearError, match="和暦と西暦が一致しません"):
        read_fiscal_year_heading("令和６年度\n（２０２５年度）", words)


@pytest.mark.parametrize(
    ("raw", "month"), [(4, 4), ("4", 4), ("４", 4), ("４月", 4), ("12月", 12), (1.0, 1), (" 3 ", 3)]
)
def test_a_month(raw, month):
    assert parse_month(raw) == month


@pytest.mark.parametrize("raw", [0, 13, "13", "²", "-1", "4.5", 4.5, "四月", "9" * 20, "April", True])
def test_a_month_that_cannot_be_read(raw):
    with pytest.raises(FiscalYearError, match="が読めません（1～12）"):
        parse_month(raw)


def test_a_year_outside_the_plan():
    check_within(2031, range(2024, 2032))
    with pytest.raises(FiscalYearError) as caught:
        check_within(2033, range(2024, 2032))
    assert caught.value.message == (
        "令和15年度（2033年度）は計画期間（令和6年度（2024年度）～令和13年度（2031年度））の外です。"
    )


def test_a_command_argument_is_read_the_same_way():
    assert fiscal_year_argument("令和6年度") == 2024
    with pytest.raises(argparse.ArgumentTypeError, match="年度「6」を読み取れません"):
        fiscal_year_argument("6")


# --- the plan's years (from the database) ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plans_years_come_from_the_plan_in_the_database():
    assert plan_years() == range(2024, 2032)
    assert printed_years() == range(2024, 2028)
    # A plan revised to run longer, or with its review year moved, needs no change of code.
    Plan.objects.update(end_fiscal_year=2033, mid_review_fiscal_year=2028)
    assert plan_years() == range(2024, 2034)
    assert printed_years() == range(2024, 2029)
    Plan.objects.update(mid_review_fiscal_year=None)
    assert printed_years() == range(2024, 2034)


def test_without_a_plan_the_current_year_stands_in(monkeypatch):
    # An installation before `load_plan` (the plan itself is PROTECTed by everything that hangs off it).
    monkeypatch.setattr("setagaya_plan.core.fiscal_years.current_plan", lambda: None)
    year = current_fiscal_year()
    assert plan_years() == range(year, year + 1) == printed_years()


@pytest.mark.parametrize(
    "today, year",
    [
        (datetime.date(2024, 4, 1), 2024),  # before the first year has ended: the first year
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2025, 4, 1), 2024),  # 令和6年度 has just ended: its actuals are being reported
        (datetime.date(2025, 5, 1), 2024),
        (datetime.date(2026, 11, 26), 2025),
        (datetime.date(2032, 6, 1), 2031),
        (datetime.date(2040, 1, 1), 2031),  # after the plan: its last year
    ],
)
def test_default_year_is_the_last_fiscal_year_that_has_ended(today, year):
    assert default_fiscal_year(today, range(2024, 2032)) == year


def test_years_up_to_now():
    assert years_up_to_now(range(2024, 2032), datetime.date(2025, 9, 1)) == [2024, 2025]
    assert years_up_to_now(range(2024, 2032), datetime.date(2023, 9, 1)) == [2024]


# --- years and months in a request -----------------------------------------------------------------------------------


def _request(query: dict):
    request = RequestFactory().get("/", query)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


ODD = ["²", "-1", "9" * 20, "\x00", "%00", "abc", "2023", "2032", "<script>", "令和6年度（2025年度）", "x" * 500]


@pytest.mark.parametrize("raw", ODD, ids=[repr(raw)[:20] for raw in ODD])
def test_an_odd_year_in_a_request_falls_back_to_the_default_and_says_so(raw):
    request = _request({"year": raw})
    assert year_from_request(request, choices=range(2024, 2032), default=2024) == 2024
    [message] = list(get_messages(request))
    assert "は選べないため、令和6年度（2024年度）を表示しています。" in str(message)
    assert len(str(message)) < 120  # a long value is cut short, never echoed whole


@pytest.mark.parametrize("raw", ["2025", "２０２５", "令和7年度", "R7", "令和７年度（２０２５年度）"])
def test_a_year_in_a_request_as_people_write_it(raw):
    request = _request({"year": raw})
    assert year_from_request(request, choices=range(2024, 2032), default=2024) == 2025
    assert not list(get_messages(request))


def test_no_year_in_a_request_is_the_default_without_a_word():
    for query in ({}, {"year": ""}, {"year": "  "}):
        request = _request(query)
        assert year_from_request(request, choices=[2024], default=2024) == 2024
        assert year_from_request(request, choices=[2024], default=None) is None
        assert not list(get_messages(request))


def test_a_month_in_a_request():
    assert month_from_request(_request({"month": "４"})) == 4
    assert month_from_request(_request({})) is None
    request = _request({"month": "²"})
    assert month_from_request(request, default=None) is None
    assert "月「²」は選べないため、年度全体を表示しています。" in [str(m) for m in get_messages(request)]

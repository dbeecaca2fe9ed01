"""setagaya_plan.core.fiscal_years: fiscal years (April–March), their 和暦 labels and the plan's period."""

import datetime

import pytest

from measures.models import Plan
from setagaya_plan.core.fiscal_years import (
    FISCAL_MONTHS,
    calendar_year_of,
    era_label,
    fiscal_year_label,
    fiscal_year_of,
    plan_period_label,
)


@pytest.mark.parametrize(
    "year, label",
    [
        (2024, "令和6年度（2024年度）"),
        (2027, "令和9年度（2027年度）"),
        (2031, "令和13年度（2031年度）"),
        (2019, "令和元年度（2019年度）"),
        (2017, "平成29年度（2017年度）"),
    ],
)
def test_fiscal_year_label(year, label):
    assert fiscal_year_label(year) == label


def test_era_label_of_heisei_first_year():
    assert era_label(1989) == "平成元年度"


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


def test_plan_period_label_as_printed_on_the_cover():
    # 第4章: the plan's first year is 令和６年度（２０２４年度）and めざす姿 are where to be in eight years.
    plan = Plan(name="計画", start_fiscal_year=2024, end_fiscal_year=2031)
    assert plan_period_label(plan) == "令和6年度（2024年度）～令和13年度（2031年度）"


@pytest.mark.parametrize(
    "fiscal_year, month, calendar_year",
    [(2024, 4, 2024), (2024, 12, 2024), (2024, 1, 2025), (2024, 3, 2025)],
)
def test_calendar_year_of_a_month_of_the_fiscal_year(fiscal_year, month, calendar_year):
    assert calendar_year_of(fiscal_year, month) == calendar_year


def test_fiscal_months_start_in_april_and_name_each_month_once():
    assert FISCAL_MONTHS[0] == 4 and FISCAL_MONTHS[-1] == 3
    assert sorted(FISCAL_MONTHS) == list(range(1, 13))

"""The entry forms' small rules: labels, what a target looks like, text or number, per-year references.

Values asserted were read from the printed plan: 認知症高齢者グループホームの新規整備数 整備数 ４箇所 over 令和6–8年度
(merged cell) and 令和9年度 第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み; 在宅療養資源マップの
Web運用 一部運用 → 全面運用; 孤立していると思われる区民の割合 13.5%.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from indicators.entry.forms import (
    DeadlineForm,
    EntryForm,
    actual_label,
    actual_lines,
    takes_text_actual,
    target_display,
    value_rules,
)
from indicators.models import Indicator

pytestmark = pytest.mark.django_db


def indicator(code):
    return Indicator.objects.for_entry().get(code=code)


def test_labels_name_the_indicator_the_part_and_the_year():
    homes = indicator("G1-M05-V2-A1-1")
    yearly, cumulative = homes.series.all()
    assert actual_label(yearly, 2025) == "認知症高齢者グループホームの新規整備数　整備数　令和7年度（2025年度）実績"
    assert actual_label(cumulative, 2025).endswith("　累計整備数　令和7年度（2025年度）実績")
    evacuation = indicator("G1-M10-V1-O5")
    assert "　a) 多摩川洪水浸水想定区域内　" in actual_label(evacuation.series.get(key="a"), 2024)


def test_merged_and_deferred_targets_are_shown_as_printed():
    yearly = indicator("G1-M05-V2-A1-1").series.get(key="yearly")
    assert (
        target_display(yearly.target_for(2025), yearly) == "4箇所（令和6年度（2024年度）～令和8年度（2026年度）の合計）"
    )
    assert target_display(yearly.target_for(2027), yearly) == (
        "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み（他計画で設定）"
    )
    assert target_display(None, yearly) == "―"


def test_a_summed_merged_target_is_compared_per_year():
    line = next(
        line for line in actual_lines(indicator("G1-M05-V2-A1-1"), 2025, None, None) if line.series.key == "yearly"
    )
    assert line.reference_target == Decimal(4) / 3


def test_text_or_number_follows_the_years_target():
    web_map = indicator("G1-M02-V1-A2").series.get()
    assert takes_text_actual(web_map, 2024) and takes_text_actual(web_map, 2031)  # no numbers at all
    rate = indicator("G1-M01-V3-O1").series.get()
    assert not takes_text_actual(rate, 2024) and not takes_text_actual(rate, 2031)  # no target yet: still a number


def test_rates_and_counts_are_never_negative_and_rates_stop_at_100():
    rules = value_rules(indicator("G1-M01-V3-O1").series.get())
    assert rules.unit == "%" and rules.is_rate and not rules.allow_negative


def test_deferred_year_needs_no_actual_to_submit():
    homes = indicator("G1-M05-V2-A1-1")
    data = {"version": "0", "action": "submit"}
    form = EntryForm(data, action="submit", indicator=homes, fiscal_year=2027, report=None, previous=None)
    assert form.is_valid(), form.errors


def test_a_merged_target_is_not_judged_before_its_last_year():
    # 4箇所 over 令和6–8年度: one home in 令和6年度 does not yet miss the target.
    homes = indicator("G1-M05-V2-A1-1")
    fields = {f"actual_{series.pk}": "1" for series in homes.series.all()}
    data = {"version": "0", **fields}
    form = EntryForm(data, action="submit", indicator=homes, fiscal_year=2024, report=None, previous=None)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2025-07-31", datetime.date(2025, 7, 31)),
        ("2025/7/31", datetime.date(2025, 7, 31)),
        ("２０２５／７／３１", datetime.date(2025, 7, 31)),
        ("2025年7月31日", datetime.date(2025, 7, 31)),
        (" 2025-07-31 ", datetime.date(2025, 7, 31)),
    ],
)
def test_deadline_accepts_the_ways_dates_are_typed(typed, expected):
    form = DeadlineForm({"deadline": typed}, fiscal_year=2024)
    assert form.is_valid() and form.cleaned_data["deadline"] == expected


@pytest.mark.parametrize("typed", ["", "7/31", "2025-13-01", "2024-12-31", "令和7年7月31日"])
def test_deadline_refuses_the_rest(typed):
    form = DeadlineForm({"deadline": typed}, fiscal_year=2024)
    assert not form.is_valid() and form.errors["deadline"]

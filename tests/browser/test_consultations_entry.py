"""A 地区's staff enter a month's counts in full-width digits and see the ward total for that month change."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from consultations.models import Category, District, WindowType
from consultations.workflow import Place, save_counts
from setagaya_plan.core.fiscal_years import fiscal_year_label, fiscal_year_of
from setagaya_plan.core.models import Membership, Section

pytestmark = pytest.mark.django_db(transaction=True)


def test_district_staff_enter_full_width_counts_and_the_ward_total_changes(member, log_in, live_server, page: Page):
    # April of the current fiscal year has always begun, whatever day the test runs.
    fiscal_year = fiscal_year_of(timezone.localdate())
    section = Section.objects.create(name="池尻まちづくりセンター")
    District.objects.filter(code="ikejiri").update(section=section)
    member("ikejiri_staff", section, Membership.Role.ENTRY)
    # Another 地区 has already counted 10 in April.
    save_counts(
        place=Place(district=District.objects.get(code="umegaoka")),
        fiscal_year=fiscal_year,
        month=4,
        user=None,
        values={(WindowType.objects.get(name="社会福祉協議会"), Category.objects.get(name="障害")): 10},
        expected_version=None,
    )

    log_in("ikejiri_staff")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="相談件数").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("相談件数：全区の合計")
    april_total = page.locator('#ward-months tr[data-month="4"] [data-total]')
    expect(april_total).to_have_text("10")

    page.get_by_role("link", name="件数の入力").click()
    page.get_by_role("link", name="池尻地区 4月：").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"池尻地区 {fiscal_year_label(fiscal_year)} {fiscal_year}年4月の相談件数"
    )
    page.get_by_role("textbox", name="高齢 まちづくりセンター").fill("１２")
    page.get_by_role("textbox", name="認知症 あんしんすこやかセンター").fill("３件")
    page.get_by_role("textbox", name="不登校 児童館").fill("１２．５")
    page.get_by_role("button", name="保存", exact=True).click()

    # A decimal is refused next to its box, and nothing is saved.
    expect(page.get_by_role("alert")).to_contain_text("何も保存していません")
    wrong = page.get_by_role("textbox", name="不登校 児童館")
    expect(wrong).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("「件」の数は整数で入力してください（小数点は使えません）。").first).to_be_visible()
    wrong.fill("０")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("保存しました。")
    expect(page.locator("[data-grand-total]")).to_have_text("15")

    page.get_by_role("link", name="全区の合計").click()
    expect(april_total).to_have_text("25")
    # Keyboard users start from the skip link on every page.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()

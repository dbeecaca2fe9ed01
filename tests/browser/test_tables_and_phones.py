"""Tables that fit and a phone's year chooser: in the indicator list no cell's text runs over the next column and the
table fits a 1366 px screen; on a 375 px phone a wide table scrolls in a labelled box that takes the keyboard focus,
its first column stays in view, and the entry page's eight year links are one select."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from setagaya_plan.core.fiscal_years import fiscal_year_label, plan_years

pytestmark = pytest.mark.django_db(transaction=True)

OVERRUNS = """() => [...document.querySelectorAll('.indicator-table td')]
  .filter(td => td.scrollWidth > td.clientWidth + 1).map(td => td.innerText)"""


def test_the_indicator_list_fits_a_wide_screen_without_overlapping_cells(year_of_work, log_in, live_server, page: Page):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in("demo_planner")
    page.goto(f"{live_server.url}/progress/indicators/?year={year_of_work}&q=整備数")
    table = page.get_by_role("table", name="指標一覧")
    # 整備数 / 累計整備数 values wrap inside their column.
    expect(table.get_by_role("row").filter(has_text="重度障害者向けグループホーム")).to_contain_text("累計整備数")
    assert page.evaluate(OVERRUNS) == []
    box = page.locator(".table-scroll").filter(has=table)
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    # The last columns (所管課, 状態) are within the screen's width, not cut off at the box's edge.
    assert table.get_by_role("columnheader", name="状態").evaluate("th => th.getBoundingClientRect().right") <= 1366


def test_on_a_phone_a_wide_table_scrolls_in_its_box_with_the_first_column_fixed(
    year_of_work, log_in, live_server, page: Page
):
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("demo_planner")
    page.goto(f"{live_server.url}/progress/indicators/?year={year_of_work}")
    region = page.get_by_role("region", name="指標一覧")
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    for _ in range(40):  # the keyboard scrolls the focused box
        page.keyboard.press("ArrowRight")
    assert region.evaluate("box => box.scrollLeft") > 0
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    code = region.get_by_role("cell").first
    assert code.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    # Scrolled to the end, the code column is still where it started.
    assert code.evaluate("cell => cell.getBoundingClientRect().left") < 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_phone_the_entry_pages_year_chooser_is_a_select(year_of_work, log_in, live_server, page: Page):
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("demo_staff")
    page.goto(f"{live_server.url}/entry/G1-M01-V1-A3/{year_of_work}/")
    chooser = page.get_by_role("navigation", name="年度の切替")
    expect(chooser.get_by_role("link")).to_have_count(0)  # the links are hidden on a phone
    select = chooser.get_by_label("年度")
    expect(select.locator("option")).to_have_count(len(plan_years()))
    expect(select).to_have_value(f"{live_server.url}/entry/G1-M01-V1-A3/{year_of_work}/")
    other = next(year for year in plan_years() if year != year_of_work)
    select.select_option(label=fiscal_year_label(other))
    chooser.get_by_role("button", name="表示").click()
    expect(page).to_have_url(f"{live_server.url}/entry/G1-M01-V1-A3/{other}/")

    # On a wide screen the same chooser is the row of links.
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(chooser.get_by_role("link")).to_have_count(len(plan_years()))
    expect(chooser.get_by_label("年度")).to_be_hidden()

"""Long pages cut into pages, as a person uses them at 1366 and 375 px: the dashboard cut between 基本目標, a measure
page showing a window of its rows, the annual report cut between 推進施策. The page sizes are made small so that the
real plan (and one copy of 基本目標1) needs several pages. axe-core reports no violation, nothing
scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bench.plan_data import multiply_plan
from indicators.progress import overview, paging
from tests.browser.accessibility import axe_violations, settle, sideways_overflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_pages(demo_users, monkeypatch):
    multiply_plan(2)  # 基本目標11, a copy of 基本目標1
    monkeypatch.setattr(overview, "DASHBOARD_ROWS", 10)
    monkeypatch.setattr(paging, "PAGE_ROWS", 5)


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("width", [1366, 375])
def test_a_planner_pages_through_long_pages(log_in, live_server, page: Page, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in("demo_planner")

    page.goto(f"{live_server.url}/progress/?year=2024&sort=shortfall")
    pages = page.get_by_role("navigation", name="進捗状況のページ（基本目標ごと）", exact=True)
    expect(pages).to_contain_text("1／2ページ：基本目標1～基本目標2")
    pages.get_by_role("link", name="次のページ").click()
    expect(page.get_by_role("heading", level=2, name="基本目標11", exact=False)).to_be_visible()
    expect(page.get_by_label("並び順", exact=False)).to_have_value("shortfall")  # the chosen view is kept
    _no_violation(page)

    page.goto(f"{live_server.url}/progress/measures/1-1/?year=2024")
    rows = page.get_by_role("navigation", name="指標の表のページ", exact=True)
    expect(rows).to_contain_text("1／")
    expect(rows).to_contain_text("指標の行 1〜5／")
    rows.get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_role("navigation", name="指標の表のページ", exact=True)).to_contain_text("指標の行 6〜10／")
    _no_violation(page)

    page.goto(f"{live_server.url}/progress/report/2024/")
    report = page.get_by_role("navigation", name="報告のページ（推進施策ごと）", exact=True)
    report.get_by_role("link", name="次のページ").click()
    expect(page.get_by_role("navigation", name="報告のページ（推進施策ごと）", exact=True)).to_contain_text("2／")
    _no_violation(page)


def _no_violation(page: Page) -> None:
    settle(page)
    assert axe_violations(page) == []
    assert sideways_overflow(page) == 0

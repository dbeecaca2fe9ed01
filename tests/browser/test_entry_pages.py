"""実績入力 for a section of many indicators, as a person uses it at 1366 and 375 px: the work queue shows its first
items and 「ほか N件」 leading to the rest, the section table a page at a time, each status count a filter. The
sizes are made small so that the real plan needs several pages. axe-core reports no violation, nothing scrolls
sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from indicators.entry import queue, views
from indicators.models import Indicator
from setagaya_plan.core.models import Membership
from tests.browser.accessibility import axe_violations, settle, sideways_overflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def big_section(demo_users, monkeypatch):
    """Every indicator of the plan in demo_staff's section; pages of 20 indicators, a queue of 3 items."""
    section = Membership.objects.get(user__username="demo_staff", role=Membership.Role.ENTRY).section
    Indicator.objects.update(section=section)
    monkeypatch.setattr(views, "ENTRY_PAGE_ROWS", 20)
    monkeypatch.setattr(queue, "QUEUE_SHOWN", 3)
    return section


@pytest.mark.parametrize("width", [1366, 375])
def test_staff_work_through_a_large_section(big_section, log_in, live_server, page: Page, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in("demo_staff")
    page.goto(f"{live_server.url}/entry/?year=2024&section={big_section.pk}")
    work = page.get_by_role("region", name=re.compile("まず対応が必要なもの"))
    expect(work.get_by_role("list", name=re.compile("対応が必要なものの一覧")).get_by_role("listitem")).to_have_count(3)
    more = work.locator(".work-queue__more")
    expect(more).to_contain_text(re.compile(r"ほか\d+件"))

    pages = page.get_by_role("navigation", name="指標の一覧のページ", exact=True)
    expect(pages).to_contain_text("1／4ページ：指標 1〜20／80")
    pages.get_by_role("link", name="次のページ").click()
    expect(page.get_by_role("navigation", name="指標の一覧のページ", exact=True)).to_contain_text("指標 21〜40／80")
    expect(page.get_by_label("所管課", exact=True)).to_have_value(str(big_section.pk))  # the chosen section is kept
    _no_violation(page)

    page.get_by_role("list", name="状態ごとの件数").get_by_role("link", name=re.compile("未入力")).click()
    expect(page.get_by_text(re.compile("状態が「未入力」の指標だけを表示しています"))).to_be_visible()
    _no_violation(page)

    page.get_by_role("region", name=re.compile("まず対応が必要なもの")).locator(".work-queue__more a").click()
    expect(page).to_have_url(re.compile(r"status=missing"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和")
    _no_violation(page)


def _no_violation(page: Page) -> None:
    settle(page)
    assert axe_violations(page) == []
    assert sideways_overflow(page) == 0

"""Each role's first minute in the browser: log in, land on their own work, act on the first item.

Staff and approvers land on 実績入力, whose work queue lists what needs them in every open year (a 令和6年度
submission is there although the page opens on the latest ended year); planners land on 進捗状況. At a desktop's
1366 px and a phone's 375 px.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.fiscal_years import default_fiscal_year, fiscal_year_label

pytestmark = pytest.mark.django_db(transaction=True)

# ティーンズプロジェクトの実施回数: 令和６年度の目標 １３３回 (printed plan, 第4章 推進施策9), a demo 所管課 indicator.
TEENS = "G1-M09-V1-A1"
TEENS_NAME = "ティーンズプロジェクトの実施回数"
R6 = fiscal_year_label(2024)
VIEWPORTS = [
    pytest.param({"width": 1366, "height": 768}, id="1366px"),
    pytest.param({"width": 375, "height": 812}, id="375px"),
]


def submit_2024(value=133) -> Report:
    """demo_staff's 令和6年度 report of TEENS, submitted (133 meets the target: no 要因分析 needed)."""
    staff = Indicator.objects.get(code=TEENS).section.memberships.get(user__username="demo_staff").user
    report = save_report(
        indicator=Indicator.objects.get(code=TEENS),
        fiscal_year=2024,
        user=staff,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )
    return review.submit(REPORT_REVIEW, report, staff, report.version)


def queue(page: Page):
    return page.get_by_role("region", name=re.compile("まず対応が必要なもの"))


def first_item(page: Page):
    return queue(page).get_by_role("list", name=re.compile("対応が必要なものの一覧")).get_by_role("listitem").first


def expect_landed_on_entry(page: Page) -> None:
    """The default 実績入力 page: the latest ended year (令和7年度 from April 2026 on), with the queue."""
    expect(page).to_have_url(re.compile(r"/entry/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"実績入力\u3000{fiscal_year_label(default_fiscal_year())}"
    )
    expect(queue(page)).to_be_visible()


def test_an_approver_sees_a_2024_submission_first_and_staff_see_it_returned(demo_users, log_in, log_out, page: Page):
    submit_2024()

    log_in("demo_approver")
    expect_landed_on_entry(page)
    item = first_item(page)
    expect(item).to_contain_text(R6)
    expect(item).to_contain_text("承認待ち")
    expect(queue(page).get_by_role("list", name="年度ごとの件数")).to_contain_text(f"{R6}：1件")
    item.get_by_role("link", name=TEENS_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TEENS_NAME)
    page.get_by_label("差戻し理由・承認コメント").fill("会場名を確認コメントに書いてください")
    page.get_by_role("button", name="差戻し").click()
    expect(page.locator(".messages")).to_contain_text("差し戻しました")
    log_out("demo_approver")

    log_in("demo_staff")
    expect_landed_on_entry(page)
    item = first_item(page)
    expect(item).to_contain_text(R6)
    expect(item).to_contain_text("差戻し理由：会場名を確認コメントに書いてください")
    expect(item.get_by_role("link", name=TEENS_NAME)).to_have_attribute("href", f"/entry/{TEENS}/2024/")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_first_minute(demo_users, log_in, page: Page, viewport):
    page.set_viewport_size(viewport)
    log_in("demo_staff")
    expect_landed_on_entry(page)
    # Nothing submitted yet: 令和6年度 is past its deadline, so its first indicator in the plan's order is first.
    assert_queue_fits(page)
    item = first_item(page)
    expect(item).to_contain_text(R6)
    expect(item).to_contain_text("期限超過")
    link = item.get_by_role("link").first
    name = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.get_by_label(f"{name}\u3000{R6}実績").fill("５")
    page.get_by_role("button", name="保存（下書き）").click()
    expect(page.locator(".messages")).to_contain_text("下書きとして保存しました")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_approver_first_minute(demo_users, log_in, page: Page, viewport):
    submit_2024()
    page.set_viewport_size(viewport)
    log_in("demo_approver")
    expect_landed_on_entry(page)
    first_item(page).get_by_role("link", name=TEENS_NAME).click()
    page.get_by_role("button", name="承認", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("承認しました")
    assert Report.objects.get(indicator__code=TEENS, fiscal_year=2024).status == Report.Status.APPROVED
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="実績入力").click()
    expect(queue(page)).to_contain_text("いま対応が必要なものはありません。")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_planner_first_minute(demo_users, log_in, page: Page, viewport):
    page.set_viewport_size(viewport)
    log_in("demo_planner")
    expect(page).to_have_url(re.compile(r"/progress/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("進捗状況")
    page.get_by_role("link", name=re.compile(r"^推進施策1\s")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^推進施策1\s"))


def assert_queue_fits(page: Page) -> None:
    """The queue wraps within the screen, on a phone too: nothing in it needs a sideways scroll."""
    box = queue(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert queue(page).evaluate("el => el.scrollWidth <= el.clientWidth")

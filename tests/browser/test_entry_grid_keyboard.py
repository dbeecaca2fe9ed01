"""The section grid with the keyboard alone: Tab along a row, Enter down a column, Enter on the last row saves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def focused(page: Page, attribute: str) -> str | None:
    return page.evaluate(f"document.activeElement && document.activeElement.getAttribute('{attribute}')")


def test_grid_is_filled_and_saved_with_the_keyboard_alone(demo_users, password, live_server, page: Page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("ユーザー名").fill("demo_staff")
    page.get_by_label("パスワード").fill(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="ログアウト（demo_staff）")).to_be_visible()
    page.goto(f"{live_server.url}/entry/grid/?year=2024")
    expect(page.get_by_role("heading", level=1)).to_contain_text("一括入力　地域包括ケア推進課（デモ）")

    # Tab from the top of the page reaches the first input of the grid.
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page, "data-col") == "actual":
            break
    assert focused(page, "aria-labelledby").endswith("col-actual")
    first = page.locator('input[data-col="actual"]').first
    expect(first).to_be_focused()

    # Row 1 研修（回）, Enter → row 2 孤立（%）, Enter → row 3 在宅療養資源マップ（文章）.
    page.keyboard.type("５")
    page.keyboard.press("Enter")
    inputs = page.locator('input[data-col="actual"]')
    expect(inputs.nth(1)).to_be_focused()
    page.keyboard.type("１３．２")
    page.keyboard.press("Enter")
    expect(inputs.nth(2)).to_be_focused()
    page.keyboard.type("一部運用を開始")
    expect(page.locator("[data-grid-row]").nth(2).locator("[data-changed-note]")).to_be_visible()

    # Tab goes along the row to its comment; Shift+Tab comes back.
    page.keyboard.press("Tab")
    assert focused(page, "data-col") == "comment"
    page.keyboard.press("Shift+Tab")
    expect(inputs.nth(2)).to_be_focused()
    # Shift+Enter goes up a row.
    page.keyboard.press("Shift+Enter")
    expect(inputs.nth(1)).to_be_focused()
    page.keyboard.press("Enter")

    # Down the rest of the column; Enter on the last input moves to the save button, Enter there saves.
    count = inputs.count()
    for index in range(3, count):
        page.keyboard.press("Enter")
        expect(inputs.nth(index)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="変更した行を保存")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("3件の指標の実績を保存しました。")
    values = {
        report.indicator.code: report.actuals.get()
        for report in Report.objects.filter(fiscal_year=2024).select_related("indicator")
    }
    assert set(values) == {"G1-M01-V1-A3", "G1-M01-V3-O1", "G1-M02-V1-A2"}
    assert values["G1-M01-V1-A3"].value == Decimal(5)
    assert values["G1-M01-V3-O1"].value == Decimal("13.2")
    assert values["G1-M02-V1-A2"].text == "一部運用を開始"
    expect(page.locator('input[data-col="actual"]').first).to_have_value("5")

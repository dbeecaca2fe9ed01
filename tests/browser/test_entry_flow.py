"""A year's actual from entry to approval, as the demo users do it in the browser (Debian's Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

# ティーンズプロジェクトの実施回数: 令和６年度の目標 １３３回 (printed plan, 第4章 推進施策9).
NAME = "ティーンズプロジェクトの実施回数"
VALUE_LABEL = f"{NAME}　令和6年度（2024年度）実績"


def status(page: Page):
    return page.locator(".state-line .status").first


def test_enter_submit_return_correct_resubmit_approve(demo_users, log_in, log_out, page: Page):
    log_in("demo_staff")
    page.get_by_role("link", name="実績入力").click()
    page.get_by_label("年度", exact=True).select_option("2024")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("実績入力　令和6年度（2024年度）")
    page.get_by_role("link", name=NAME).first.click()
    entry_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(status(page)).to_have_text("未入力")

    # Full-width digits with a unit, saved as a plain number.
    page.get_by_label(VALUE_LABEL).fill("１３０回")
    page.get_by_role("button", name="保存（下書き）").click()
    expect(page.locator(".messages")).to_contain_text("下書きとして保存しました")
    expect(page.get_by_label(VALUE_LABEL)).to_have_value("130")
    expect(page.locator(".saved-actual")).to_have_text("130回")
    expect(status(page)).to_have_text("下書き")
    # Early word, before anyone presses 提出: 130 is below 133.
    expect(page.locator("#shortfall-notice")).to_contain_text("提出するときは要因分析と今後の方向性の入力が必要です。")

    # 130 falls short of 133: submitting without 要因分析 is refused beside the fields.
    page.get_by_role("button", name="提出", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("目標に届いていないため、提出には要因分析が必要です。")
    analysis = page.get_by_label("令和6年度（2024年度） 要因分析")
    expect(analysis).to_have_attribute("aria-invalid", "true")
    expect(analysis).to_have_attribute("aria-describedby", re.compile("id_factor_analysis_error"))
    assert Report.objects.get(indicator__code="G1-M09-V1-A1").status == Report.Status.DRAFT

    analysis.fill("夏季の会場改修で3回分を中止した")
    page.get_by_label("令和6年度（2024年度） 今後の方向性").fill("代替会場を早めに確保する")
    page.get_by_role("button", name="提出", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("実績を提出しました")
    expect(status(page)).to_have_text("提出済")
    log_out("demo_staff")

    # The approver returns it with a reason.
    log_in("demo_approver")
    page.goto(entry_url)
    page.get_by_label("差戻し理由・承認コメント").fill("中止した回の日付を確認コメントに書いてください")
    page.get_by_role("button", name="差戻し").click()
    expect(page.locator(".messages")).to_contain_text("差し戻しました")
    expect(status(page)).to_have_text("差戻し")
    log_out("demo_approver")

    # Staff read the reason, correct and resubmit.
    log_in("demo_staff")
    page.goto(entry_url)
    expect(page.locator(".notice--returned")).to_contain_text("中止した回の日付を確認コメントに書いてください")
    page.get_by_label(VALUE_LABEL).fill("１３３")
    page.get_by_label("令和6年度（2024年度） 確認コメント（庁内）").fill(
        "中止：7月20日・27日・8月3日。追加開催で補った"
    )
    page.get_by_role("button", name="提出", exact=True).click()
    expect(status(page)).to_have_text("提出済")
    log_out("demo_staff")

    # The approver approves.
    log_in("demo_approver")
    page.goto(entry_url)
    page.get_by_role("button", name="承認", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("承認しました")
    expect(status(page)).to_have_text("承認済")

    # The history shows every step, newest first, with who and when.
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(7)
    expected = [
        ("承認", "demo_approver"),
        ("提出", "demo_staff"),
        ("修正", "demo_staff"),
        ("差戻し", "demo_approver"),
        ("提出", "demo_staff"),
        ("修正", "demo_staff"),
        ("新規入力", "demo_staff"),
    ]
    for index, (action, user) in enumerate(expected):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
        expect(cells.nth(1)).to_have_text(action)
        expect(cells.nth(2)).to_have_text(user)
    expect(rows.nth(2)).to_contain_text("実績：130 → 133")
    expect(rows.nth(3)).to_contain_text("中止した回の日付を確認コメントに書いてください")
    expect(rows.nth(6)).to_contain_text("実績：（なし） → 130")
    report = Report.objects.get(indicator__code="G1-M09-V1-A1", fiscal_year=2024)
    assert report.status == Report.Status.APPROVED and report.actuals.get().value == 133

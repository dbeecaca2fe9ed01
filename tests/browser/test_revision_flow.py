"""A planner imports a revision of the 実施計画 and reads 当初 and 改定後 side by side (Chromium).

The workbook raises 推進施策9 行動量1 ティーンズプロジェクトの実施回数 for 令和8年度 (139 → 150回) as 「令和8年度改定」.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators.models import PlanRevision
from tests.import_files import build

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_imports_a_revision_and_reads_both_targets(demo_users, log_in, live_server, page: Page):
    rows = [["コード", "名称", "令和8年度（2026年度）"], ["G1-M09-V1-A1", "ティーンズプロジェクトの実施回数", 150]]
    sheet = build.xlsx({"指標": rows})
    log_in("demo_planner")
    page.get_by_role("link", name="ファイル取込").click()
    page.get_by_label("取り込むファイル").set_input_files(
        files=[{"name": "改定.xlsx", "mimeType": "application/octet-stream", "buffer": sheet}]
    )
    page.get_by_label("改定名（登録済みの目標・総量・現況値を変えるとき）").fill("令和8年度改定")
    page.get_by_label("改定の決定日（新しい改定のとき）").fill("2026-06-01")
    page.get_by_role("button", name="内容を確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取込み内容の確認")
    changes = page.get_by_role("table", name="改定「令和8年度改定」による目標・総量・現況値の変更（1件）")
    expect(changes.get_by_role("row")).to_have_count(2)
    expect(changes).to_contain_text("令和8年度（2026年度）目標")
    page.get_by_role("button", name="取り込む").first.click()  # the page offers it above and below the list
    expect(page.get_by_text("を取り込みました")).to_be_visible()
    assert PlanRevision.objects.get(name="令和8年度改定").number == 1

    page.goto(live_server.url + "/progress/indicators/G1-M09-V1-A1/")
    expect(page.get_by_text("当初：139回")).to_be_visible()
    expect(page.get_by_text("改定後（令和8年度改定・2026年6月1日決定）：150回")).to_be_visible()

    page.goto(live_server.url + "/progress/")
    page.get_by_role("link", name="計画の改定の一覧").click()
    page.get_by_role("link", name="令和8年度改定").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("令和8年度改定")
    row = page.get_by_role("row", name="令和8年度（2026年度）目標")
    expect(row).to_contain_text("139")
    expect(row).to_contain_text("150")

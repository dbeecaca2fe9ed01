"""A planner brings a section's actuals in from a file: upload → preview (with a conflict) → confirm (Chromium)."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from indicators.entry.workflow import SeriesValue, save_report
from indicators.models import Actual, Indicator, Report
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("IMPORT_SCREENSHOTS")  # a folder to keep screenshots in, when looking at the pages


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_planner_uploads_previews_and_confirms(demo_users, log_in, live_server, page: Page, django_user_model):
    staff = django_user_model.objects.get(username="demo_staff")
    # 個別避難計画作成数 a) was already entered on screen by the section: the file would overwrite it.
    save_report(
        indicator=Indicator.objects.get(code="G1-M10-V1-O5"),
        fiscal_year=2024,
        user=staff,
        values={"a": SeriesValue(Decimal(58))},
        expected_version=None,
    )
    sheet = build.xlsx(
        {
            "実績": [
                ["令和6年度の実績（地域包括ケア推進課）"],
                ["コード", "年度", "実績", "コメント"],
                ["G1-M10-V1-O5/a", "令和6年度（2024年度）", "６１件", "区域内の案内を増やした"],
                ["G1-M10-V1-O5/b", "令和6年度（2024年度）", 650, None],
            ]
        }
    )

    log_in("demo_planner")
    page.get_by_role("link", name="ファイル取込").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ファイルの取込み")
    _shot(page, "upload")

    # A file in the old format is refused with the reason, next to the field.
    page.get_by_label("取り込むファイル").set_input_files(
        files=[
            {"name": "古い形式.xls", "mimeType": "application/vnd.ms-excel", "buffer": build.compound_file("Workbook")}
        ]
    )
    page.get_by_role("button", name="内容を確認する").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(".xlsx 形式で保存し直してください")
    expect(page.get_by_label("取り込むファイル")).to_have_attribute("aria-invalid", "true")
    _shot(page, "upload-error")

    page.get_by_label("取り込むファイル").set_input_files(
        files=[{"name": "実績_令和6年度.xlsx", "mimeType": "application/octet-stream", "buffer": sheet}]
    )
    page.get_by_role("button", name="内容を確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取込み内容の確認")
    expect(page.get_by_text("⚠ 上書き要確認 1件")).to_be_visible()
    expect(page.get_by_text("＋ 新規 1件")).to_be_visible()
    expect(page.get_by_text("画面で入力済みの実績（58）を上書きします。")).to_be_visible()
    _shot(page, "preview")

    # 取り込む at the top and again below the list; the year's target beside each actual, with its unit.
    confirm = page.get_by_role("button", name="取り込む", exact=True)
    expect(confirm).to_have_count(2)
    expect(page.get_by_text("令和6年度（2024年度）の目標：60件").first).to_be_visible()

    # Confirming without ticking the box is refused; nothing is written.
    confirm.first.click()
    expect(page.get_by_role("alert")).to_contain_text("上書きの確認にチェックを入れてください")
    assert Actual.objects.get(series__key="a").value == Decimal(58)

    page.get_by_label("画面で入力済みの実績・提出済みの実績を、ファイルの値で上書きすることを確認しました").check()
    page.get_by_role("button", name="取り込む", exact=True).last.click()  # the one below the list: the same form
    expect(page.get_by_role("status")).to_contain_text(
        "「実績_令和6年度.xlsx」を取り込みました（新規 1件、変更 1件、変更なし 0件）。"
    )
    _shot(page, "done")

    assert Actual.objects.get(series__key="a").value == Decimal(61)
    assert Actual.objects.get(series__key="b").value == Decimal(650)
    # One report holds both parts: the comment of the a) row stays, the empty cell of the b) row keeps it.
    assert Report.objects.get(indicator__code="G1-M10-V1-O5", fiscal_year=2024).comment == "区域内の案内を増やした"
    log = AuditEntry.objects.filter(action="import").order_by("pk").first()
    assert (log.source, log.user.username) == ("実績_令和6年度.xlsx", "demo_planner")

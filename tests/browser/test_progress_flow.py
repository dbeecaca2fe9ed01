"""A planner follows an indicator needing attention (注意) from the dashboard to the measure and the indicator,
then downloads the report."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from bench.plan_data import approve
from indicators.models import Indicator

pytestmark = pytest.mark.django_db(transaction=True)

TRAINING = "G1-M01-V1-A3"
NAME = "地域包括ケアの地区展開に関する研修の実施及び動画公開"
HEADER = [
    "番号",
    "行動量",
    "現況値",
    "令和６年度（２０２４年度）",
    "令和７年度（２０２５年度）",
    "令和８年度（２０２６年度）",
    "令和９年度（２０２７年度）",
    "総量",
    "コード",
]


@pytest.fixture
def graded(demo_users, django_user_model):
    """Two approved 令和6年度 actuals, entered and approved by demo_planner (a 計画担当 of 保健福祉政策課)."""
    user = django_user_model.objects.get(username="demo_planner")
    # 推進施策1 行動量3 研修: １回 → ５回 in 令和6年度; 3 approved → 60% 未達成.
    approve(
        Indicator.objects.get(code=TRAINING),
        2024,
        user,
        {"": Decimal(3)},
        factor_analysis="講師の確保が遅れ、3回にとどまった。",
        next_steps="年度当初に講師を確保する。",
    )
    # A met one, so the one needing attention is not the only grade: 推進施策9 ティーンズプロジェクト 133 → 140.
    approve(Indicator.objects.get(code="G1-M09-V1-A1"), 2024, user, {"": Decimal(140)})
    return user


def test_planner_follows_an_indicator_needing_attention_and_downloads_the_report(
    graded, log_in, live_server, page: Page, tmp_path
):
    log_in("demo_planner")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="進捗状況").click()
    page.get_by_label("年度").select_option(label="令和6年度（2024年度）")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("進捗状況　令和6年度（2024年度）")

    # The indicator needing attention is flagged in its measure's row, by text and icon, folded to its count.
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="推進施策1　地区で相談を受け止め"))
    row.get_by_text("注意 1件").click()
    expect(row.locator(".attention-list .grade")).to_have_text("×未達成")
    row.get_by_role("link", name=NAME).click()

    # The measure page, as printed, at the indicator: the approved actual and its grade under the target.
    expect(page).to_have_url(f"{live_server.url}/progress/measures/1-1/?year=2024#ind-{TRAINING}")
    expect(page.get_by_role("heading", level=1)).to_have_text("推進施策1　地区で相談を受け止め、つながり続ける仕組み")
    printed = page.locator(f"#ind-{TRAINING}")
    expect(printed).to_contain_text("3回")
    expect(printed).to_contain_text("未達成")
    expect(printed).to_contain_text("達成率 60.0%")
    printed.get_by_role("link", name=NAME).click()

    # The indicator page: the year's target, actual and grade, the chart and the why.
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    # The year's row of the targets table (the history below names the year on its rows too).
    years = page.get_by_role("table", name="年度ごとの目標・実績・評価")
    year_row = years.get_by_role("row", name="令和6年度（2024年度）")
    expect(year_row).to_contain_text("5回")
    expect(year_row).to_contain_text("3回")
    expect(year_row).to_contain_text("未達成")
    expect(page.get_by_role("img", name=f"{NAME}の目標（線）と実績（棒）")).to_be_visible()
    expect(page.get_by_text("講師の確保が遅れ、3回にとどまった。", exact=True)).to_be_visible()

    # Back to the dashboard of the same year and download the year's xlsx report.
    page.get_by_role("navigation", name="現在地").get_by_role("link", name="進捗状況").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("進捗状況　令和6年度（2024年度）")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="進捗状況報告（Excel）をダウンロード").click()
    path = tmp_path / "report.xlsx"
    download_info.value.save_as(path)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:3] == ["概要", "指標一覧", "基本目標1-推進施策1"]
    assert len(workbook.sheetnames) == 12
    sheet = workbook["基本目標1-推進施策1"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert HEADER in [row[:9] for row in rows]
    target_index = next(i for i, row in enumerate(rows) if row[8] == TRAINING)
    target, actual = rows[target_index], rows[target_index + 1]
    assert target[3:8] == [5, 5, 5, 5, 20]
    assert actual[:2] == [None, "実績"] and actual[3] == 3 and actual[8] == TRAINING
    grade_cell = sheet.cell(row=target_index + 2, column=4)
    assert "未達成" in grade_cell.number_format and grade_cell.fill.fgColor.rgb.endswith("FFDADA")
    header, *lines = workbook["指標一覧"].iter_rows(values_only=True)
    listed = {row[0]: row for row in lines}
    assert listed[TRAINING][header.index("評価")] == "×未達成"

"""The annual progress report workbook: sheets, the printed-table contract with the import, grades as text + fill.

Targets are those printed in the plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章); actuals come from the
workflow.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from bench.plan_data import approve
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

HEADER_TAIL = [
    "現況値",
    "令和６年度（２０２４年度）",
    "令和７年度（２０２５年度）",
    "令和８年度（２０２６年度）",
    "令和９年度（２０２７年度）",
    "総量",
    "コード",
]


@pytest.fixture
def workbook(client, entry_user, approver_user, planner_user):
    with time_machine.travel(datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        get = Indicator.objects.get
        approve(get(code="G1-M01-V1-A3"), 2024, entry_user, {"": 3}, approver=approver_user)  # 3 of 5 → 未達成
        approve(get(code="G1-M10-V1-O5"), 2024, entry_user, {"a": 66, "b": 600}, approver=approver_user)
        approve(
            get(code="G1-M02-V1-A2"), 2024, entry_user, {"": "一部運用を開始"}, self_grade="met", approver=approver_user
        )
        approve(get(code="G1-M05-V2-A2"), 2024, entry_user, {"yearly": 2, "cumulative": 6}, approver=approver_user)
        approve(get(code="G1-M09-V1-A1"), 2024, planner_user, {"": 140})  # 140 of 133 → 達成
        approve(get(code="G1-M01-V3-O1"), 2024, entry_user, {"": Decimal("13.0")}, submit=False)  # a draft: never shown
        client.force_login(planner_user)
        response = client.get(reverse("progress:report_xlsx", args=[2024]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "progress_report_2024.xlsx" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def pairs(sheet) -> dict[str, tuple[list, list, int]]:
    """code → (target row, actual row, row number of the target row), read by the contract: after each header row,
    a target row and a 「実績」 row per indicator, both carrying the code in the コード column."""
    found = {}
    rows = list(sheet.iter_rows(values_only=True))
    index = 0
    while index < len(rows):
        row = list(rows[index])
        if row[:9] and row[2:9] == HEADER_TAIL and row[0] == "番号" and row[1] in ("行動量", "成果指標"):
            index += 1
            while index + 1 < len(rows) and rows[index][8]:
                target, actual = list(rows[index]), list(rows[index + 1])
                assert actual[0] is None and actual[1] == "実績" and actual[8] == target[8]
                found[target[8]] = (target, actual, index + 1)
                index += 2
            continue
        index += 1
    return found


def test_sheets_summary_list_and_one_per_measure(workbook):
    assert workbook.sheetnames == ["概要", "指標一覧"] + [f"基本目標1-推進施策{n}" for n in range(1, 11)]
    summary = workbook["概要"]
    assert "令和6年度（2024年度）" in summary["A1"].value
    header = [cell.value for cell in summary[4]]
    assert header[:7] == ["基本目標", "推進施策", "名称", "指標数", "◎達成", "○概ね達成", "×未達成"]
    first = [cell.value for cell in summary[5]]
    assert first[:7] == [1, 1, "地区で相談を受け止め、つながり続ける仕組み", 13, 0, 0, 1]
    assert summary.freeze_panes == "D5"
    assert summary.cell(row=5, column=7).fill.fgColor.rgb.endswith("FFDADA")


def test_every_measure_sheet_follows_the_printed_contract(workbook):
    for name in workbook.sheetnames[2:]:
        sheet = workbook[name]
        headers = [row for row in sheet.iter_rows(values_only=True) if row[0] == "番号"]
        assert headers, name
        for header in headers:
            assert list(header[:9]) in (["番号", "行動量", *HEADER_TAIL], ["番号", "成果指標", *HEADER_TAIL])
        assert sheet.freeze_panes and sheet.page_setup.orientation == "landscape"
        assert sheet.column_dimensions["B"].width >= 40
    codes = {code for name in workbook.sheetnames[2:] for code in pairs(workbook[name])}
    assert len(codes) == 80 + 5  # five indicators print two parts each; a 【再掲】 repeats a code already counted
    assert "G1-M10-V1-O5/a" in codes and "G1-M05-V2-A1-1/cumulative" in codes


def test_an_actual_under_its_target_with_grade_text_and_fill(workbook):
    # 推進施策1 行動量3 研修: １回 ５回 ５回 ５回 ５回 ２０回; actual 3 in 令和6年度.
    target, actual, row = pairs(workbook["基本目標1-推進施策1"])["G1-M01-V1-A3"]
    assert target[:9] == ["3", target[1], 1, 5, 5, 5, 5, 20, "G1-M01-V1-A3"]
    assert target[1].startswith("地域包括ケアの地区展開に関する研修の実施及び動画公開")
    assert actual[3] == 3 and actual[4:8] == [None, None, None, None]
    sheet = workbook["基本目標1-推進施策1"]
    cell = sheet.cell(row=row + 1, column=4)
    assert "×未達成" in cell.number_format and "回" in cell.number_format
    assert cell.fill.fgColor.rgb.endswith("FFDADA")
    assert "回" in sheet.cell(row=row, column=3).number_format


def test_list_sheet_has_the_grade_as_text(workbook):
    sheet = workbook["指標一覧"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    training = rows["G1-M01-V1-A3"]
    assert training[header.index("評価")] == "×未達成"
    assert training[header.index("達成率（％）")] == 60
    assert rows["G1-M09-V1-A1"][header.index("評価")] == "◎達成"
    assert rows["G1-M10-V1-O5/b"][header.index("評価")] == "○概ね達成"  # 600 ÷ 640 = 93.75%
    assert rows["G1-M01-V3-O1"][header.index("実績（承認済）")] is None  # the draft stays out
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")


def test_merged_deferred_text_and_parts_are_laid_out_as_printed(workbook):
    m5 = workbook["基本目標1-推進施策5"]
    found = pairs(m5)
    # 重度障害者向けグループホームの新規施設整備数: 整備数 1 → 2 1 4 1, 総量 8; 累計整備数 4 → 総量 12
    yearly, yearly_actual, _ = found["G1-M05-V2-A2/yearly"]
    assert yearly[2:8] == [1, 2, 1, 4, 1, 8]
    assert yearly_actual[3] == 2
    cumulative, cumulative_actual, _ = found["G1-M05-V2-A2/cumulative"]
    assert cumulative[2] == 4 and cumulative[7] == 12 and cumulative_actual[3] == 6
    # 認知症高齢者グループホームの新規整備数 整備数: ４箇所 merged over 令和6–8年度, 令和9年度 第10期…
    merged, _, row = found["G1-M05-V2-A1-1/yearly"]
    assert merged[3] == 4 and merged[6] == "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み"
    assert f"D{row}:F{row}" in {str(r) for r in m5.merged_cells.ranges}
    # A text target over four years: one merged cell.
    m1 = workbook["基本目標1-推進施策1"]
    text, _, row = pairs(m1)["G1-M01-V1-A2"]
    assert text[3] == "各地区の四者連携の取組みの中で、１０歳代～３０歳代の若者に対して周知活動を実施する。"
    assert f"D{row}:G{row}" in {str(r) for r in m1.merged_cells.ranges}
    # 在宅療養資源マップのWeb運用: the text actual with its self-assessment.
    web, web_actual, row = pairs(workbook["基本目標1-推進施策2"])["G1-M02-V1-A2"]
    assert web[3:7] == ["一部運用", "全面運用", "アクセス数向上に向けた取組み", "アクセス数向上に向けた取組み"]
    assert web_actual[3] == "一部運用を開始"
    assert "◎達成" in workbook["基本目標1-推進施策2"].cell(row=row + 1, column=4).number_format
    # a)/b) parts with their own baselines (with the note in the number format).
    m10 = workbook["基本目標1-推進施策10"]
    part_a, part_a_actual, row = pairs(m10)["G1-M10-V1-O5/a"]
    assert part_a[2:8] == [340, 60, 70, 80, 90, 300] and part_a_actual[3] == 66
    assert "令和5年度見込み" in m10.cell(row=row, column=3).number_format


def test_relisted_indicator_is_printed_in_both_measures(workbook):
    assert "G1-M01-V4-A2" in pairs(workbook["基本目標1-推進施策1"])
    target, _, _ = pairs(workbook["基本目標1-推進施策9"])["G1-M01-V4-A2"]
    assert target[0] == "3" and "【再掲】" in target[1]

"""Presentation once: numbers, units, rates, spreadsheet cells, part labels, 実施計画 references and the grade badge
each have one owner; these tests pin the rules every page and export now shares.

Values are the printed plan's (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章): 推進施策1 成果指標
「不安や悩みがある区民が、支援や関係機関とつながっている割合」 8.2% 9.0% 10.0%; 推進施策9 ティーンズプロジェクト 133回.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.template import Context, Template

from indicators.columns import LIST_COLUMNS, headers
from indicators.evaluation import REGRESSED, Badge, Status, grade_badges, grade_text, shipped_scheme, status_badge
from indicators.evaluation.grading import SeriesGrade
from indicators.models import ImplementationPlanItem, Indicator, Series
from indicators.progress.report_xlsx import list_workbook
from setagaya_plan.lib.numerals import (
    OUT_OF_RANGE_NOTE,
    floor_rate,
    format_progress,
    format_rate,
    format_value,
    share,
    to_full_width,
)
from setagaya_plan.lib.spreadsheet import cell_number, excel_csv, number_format

D = Decimal
DEFAULT = shipped_scheme("default")
MET, MOSTLY, NOT_MET = DEFAULT.levels


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (D("6358.0000"), "件", "6,358件"),
        (D("133"), "回", "133回"),
        (D("8.2000"), "%", "8.2%"),
        (D("9"), "%", "9.0%"),  # the plan prints 9.0%: a percentage keeps one decimal
        (D("9"), "％", "9.0%"),  # one sign for both ways the plan prints it
        (D("12.25"), "%", "12.25%"),  # a finer stored value keeps its digits
        (D("1890"), "箇所", "1,890箇所"),
        (D("-5.5"), "人", "-5.5人"),
        (D("42"), "", "42"),
        (None, "人", ""),
    ],
)
def test_a_value_with_its_unit(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    "rate, text",
    [
        (D("79.96"), "79.9%"),  # rounded down, so it still reads below an 80% threshold
        (D("96.428571"), "96.4%"),
        (D("9"), "9.0%"),  # the entry screens' 9% and the progress pages' 9.0% are one rule now
        (D(1250), "1,250.0%"),
        (D("-105.88"), "-105.9%"),
        (None, "―"),
        (D("Infinity"), "―"),
    ],
)
def test_a_rate(rate, text):
    assert format_rate(rate) == text


@pytest.mark.parametrize(
    "rate, text",
    [
        (D("45"), "45.0%"),
        (D("-100"), "-100.0%"),  # the edges are still figures
        (D("200"), "200.0%"),
        (D("200.09"), "200.0%"),  # shown rounded down, so it is within the range as shown
        (D("200.1"), "範囲外"),
        (D("-100.01"), "範囲外"),  # rounded down it is −100.1 %
        (D("-13850"), "範囲外"),  # 現況値 close to the target: a small difference swings the rate
        (D("620"), "範囲外"),
        (None, "―"),
        (D("Infinity"), "範囲外"),
    ],
)
def test_a_progress_rate_outside_minus_100_to_200_percent_is_out_of_range(rate, text):
    assert format_progress(rate) == text


def test_rates_floor_and_shares():
    assert floor_rate(D("79.96")) == D("79.9") and floor_rate(None) is None
    assert share(1, 11) == D(100) / D(11) and format_rate(share(1, 11)) == "9.0%"
    assert share(3, 0) is None


@pytest.mark.parametrize(
    "value, cell",
    [(D("280.0000"), 280), (D("92.8000"), D("92.8")), (D("0.0001"), D("0.0001")), (None, None), (D("Infinity"), None)],
)
def test_a_decimal_as_a_spreadsheet_number(value, cell):
    result = cell_number(value)
    assert result == cell and type(result) is type(cell)


@pytest.mark.parametrize(
    "value, unit, suffix, fmt",
    [
        (D(130), "回", "（令和5年度見込み）", '#,##0"回（令和5年度見込み）"'),
        (D("1234.5"), "人", "", '#,##0.0"人"'),
        (D("8.2"), "%", "", '0.0"%"'),
        (D(9), "％", "", '0.0"%"'),
        (D("12.25"), "%", "（×未達成）", '0.00"%（×未達成）"'),
        (D(42), "", "", "#,##0"),
        (D(4), "箇所", '"（累計）', '#,##0"箇所（累計）"'),  # a quote in the text cannot end the literal
    ],
)
def test_the_number_format_shows_the_number_as_printed(value, unit, suffix, fmt):
    assert number_format(value, unit, suffix) == fmt


def test_excel_csv_has_a_bom_crlf_and_no_formulas():
    data = excel_csv(["コード", "実績"], [["G1", "=1+1"], ["G2", -5]])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["コード", "実績"], ["G1", "'=1+1"], ["G2", "-5"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, key, label, mark",
    [
        # 推進施策10 成果指標5 個別避難計画作成数: a) 多摩川洪水浸水想定区域内 …
        ("G1-M10-V1-O5", "a", "a) 多摩川洪水浸水想定区域内", "a)"),
        # 推進施策5 めざす姿2 重度障害者向けグループホーム: 整備数 / 累計整備数, printed by name only
        ("G1-M05-V2-A2", "yearly", "整備数", "整備数"),
        ("G1-M05-V2-A2", "cumulative", "累計整備数", "累計整備数"),
        ("G1-M09-V1-A1", "", "", ""),
    ],
)
def test_a_part_has_one_label_everywhere(code, key, label, mark):
    series = Series.objects.get(indicator__code=code, key=key)
    assert series.part_label == label and series.part_mark == mark
    assert series.code == (f"{code}/{key}" if key else code)


@pytest.mark.django_db
def test_plan_references_sort_by_number_and_print_in_full_width():
    indicator = Indicator.objects.get(code="G1-M09-V1-A1")
    indicator.plan_items.set(
        [ImplementationPlanItem.objects.get_or_create(code=code)[0] for code in ("10-1", "9-3", "9-10")]
    )
    indicator = Indicator.objects.prefetch_related("plan_items").get(pk=indicator.pk)
    assert indicator.plan_ref_codes() == ["9-3", "9-10", "10-1"]
    assert indicator.plan_refs()[0].printed_label == "【実施計画 施策９－３】"
    assert to_full_width("令和6年度（2024年度）") == "令和６年度（２０２４年度）"


def _graded(level, regressed=False) -> SeriesGrade:
    return SeriesGrade(key="", part_label="", status=Status.GRADED, level=level, regressed=regressed)


def test_a_grade_is_text_icon_and_colour():
    assert grade_badges(_graded(MET)) == [Badge(MET.label, MET.icon, MET.colour)]
    assert grade_badges(_graded(NOT_MET, regressed=True))[1] == REGRESSED
    assert grade_text(_graded(NOT_MET, regressed=True)) == f"{NOT_MET.icon}{NOT_MET.label}・▼後退"
    assert grade_text(MOSTLY) == f"{MOSTLY.icon}{MOSTLY.label}"  # a level in a legend or header
    assert status_badge(Status.MISSING) == Badge("未入力", "！", "gray")
    # A regressed flag on an ungraded result is never shown.
    assert grade_badges(SeriesGrade(key="", part_label="", status=Status.PENDING, regressed=True)) == [
        status_badge(Status.PENDING)
    ]
    assert grade_badges(None) == []


def test_the_one_badge_fragment():
    html = Template("{% load grades %}{% grade_badge grade provisional %}").render(
        Context({"grade": _graded(NOT_MET, regressed=True), "provisional": True})
    )
    assert html.count('class="grade ') == 2
    assert f'<span class="grade grade--{NOT_MET.colour}"><span class="grade__icon" aria-hidden="true">' in html
    assert "▼</span>後退</span>" in html and "（暫定）" in html
    assert Template("{% load grades %}{% grade_badge None True %}").render(Context()).strip() == ""


@pytest.mark.django_db
def test_the_list_download_and_the_workbook_sheet_share_their_columns():
    sheet = openpyxl.load_workbook(io.BytesIO(list_workbook([]))).active
    assert [cell.value for cell in sheet[1]] == headers(LIST_COLUMNS)
    place = ["コード", "基本目標", "推進施策", "めざす姿", "種別", "番号", "名称", "内訳", "単位"]
    assert headers(LIST_COLUMNS)[:9] == place


@pytest.mark.parametrize(
    "template, context, text",
    [
        ("{{ v|number }}", {"v": D("6358.0000")}, "6,358"),
        ("{{ v|number }}", {"v": None}, "―"),
        ("{{ v|with_unit:'人' }}", {"v": D(1234)}, "1,234人"),
        ("{{ v|with_unit:'%' }}", {"v": D("45")}, "45.0%"),
        ("{{ v|rate }}", {"v": D("9")}, "9.0%"),
        ("{{ v|rate }}", {"v": None}, "―"),
        ("{{ v|rate }}", {"v": 80}, "80.0%"),  # a threshold stored as a number of another type
        ("{{ v|progress_rate }}", {"v": D("-13850")}, "範囲外"),
        ("{{ v|progress_rate }}", {"v": D("64.2")}, "64.2%"),
        ("{{ v|progress_rate }}", {"v": None}, "―"),
    ],
)
def test_number_filters(template, context, text):
    assert Template("{% load numbers %}" + template).render(Context(context)) == text


def test_the_rate_note_explains_the_rates_and_out_of_range():
    note = Template("{% load numbers %}{% rate_note %}").render(Context())
    assert "達成率＝実績÷目標" in note and "進捗率＝（実績－現況値）÷（目標－現況値）" in note
    assert OUT_OF_RANGE_NOTE in note and "範囲外" in note
    assert "進捗率" not in Template("{% load numbers %}{% rate_note progress=False %}").render(Context())

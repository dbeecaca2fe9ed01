"""Every path that reads a typed number answers the table of tests/number_inputs.py the same way: the entry form,
the entry grid, the consultations grid, the consultations import and the actuals import.

Indicators: 研修の実施及び動画公開 (回, a count) and 孤立していると思われる区民の割合 (%, a rate) of 推進施策1;
consultations count 件. A refused input writes nothing; an accepted one is saved as the table's value.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from consultations.forms import GridCell
from consultations.models import Area, Category, ConsultationCount, CountReport, District, WindowType
from indicators.importing.preview import preview_upload
from indicators.models import Indicator, Report
from setagaya_plan.lib.numerals import format_value
from tests.import_files import build
from tests.number_inputs import COUNT, NUMBER_INPUTS, RATE, rows

pytestmark = pytest.mark.django_db

YEAR = 2024
INDICATOR = {COUNT: "G1-M01-V1-A3", RATE: "G1-M01-V3-O1"}  # units 回 and %
UNIT = {COUNT: "回", RATE: "%"}
ALL = pytest.mark.parametrize("row", NUMBER_INPUTS, ids=[row.id for row in NUMBER_INPUTS])
COUNTS = pytest.mark.parametrize("row", rows(COUNT), ids=[row.id for row in rows(COUNT)])


def saved_actual(code: str):
    report = Report.objects.filter(indicator__code=code, fiscal_year=YEAR).first()
    found = report.actuals.first() if report else None
    return found.value if found else None


def assert_refused(page: str, row, unit: str) -> None:
    assert row.message(unit) in page, page[page.find("error-summary") :][:800]


# --- 実績入力: one indicator's form ----------------------------------------------------------------------------------


@ALL
def test_the_entry_form(client, entry_user, section, row):
    code, unit = INDICATOR[row.kind], UNIT[row.kind]
    series = Indicator.objects.get(code=code).series.get()
    client.force_login(entry_user)
    data = {"version": 0, "action": "save", f"actual_{series.pk}": row.text(unit), "comment": "表で確認済み"}
    response = client.post(reverse("entry:indicator", args=[code, YEAR]), data)
    if row.error:
        assert response.status_code == 200
        assert_refused(response.content.decode(), row, unit)
        assert not Report.objects.filter(indicator__code=code).exists()
    else:
        assert response.status_code == 302
        assert saved_actual(code) == row.value


# --- 実績入力: the section grid ------------------------------------------------------------------------------------


@ALL
def test_the_entry_grid(client, entry_user, section, row):
    code, unit = INDICATOR[row.kind], UNIT[row.kind]
    indicator = Indicator.objects.get(code=code)
    series = indicator.series.get()
    prefix = f"r{indicator.pk}"
    data = {
        f"{prefix}-version": 0,
        f"{prefix}-comment": "表で確認済み",
        f"{prefix}-orig_comment": "",
        f"{prefix}-actual_{series.pk}": row.text(unit),
        f"{prefix}-orig_actual_{series.pk}": "",
    }
    client.force_login(entry_user)
    response = client.post(f"{reverse('entry:grid')}?section={section.pk}&year={YEAR}", data)
    if row.error:
        assert response.status_code == 200
        assert_refused(response.content.decode(), row, unit)
        assert not Report.objects.filter(indicator__code=code).exists()
    else:
        assert response.status_code == 302
        assert saved_actual(code) == row.value


# --- 相談件数: the monthly grid of a 地区, and the import of counts ---------------------------------------------------


@pytest.fixture
def ikejiri(section, in_february_2025) -> District:
    District.objects.filter(code="ikejiri").update(section=section)
    Area.objects.filter(code="setagaya").update(reviewing_section=section)
    return District.objects.get(code="ikejiri")


@COUNTS
def test_the_consultations_grid(client, ikejiri, entry_user, row):
    cell = GridCell(WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    other = GridCell(WindowType.objects.get(name="児童館"), Category.objects.get(name="障害"))
    data = {"version": "0", "action": "save", "comment": "", cell.name: row.text("件"), other.name: "5"}
    client.force_login(entry_user)
    response = client.post(reverse("consultations:grid", args=["ikejiri", YEAR, 5]), data)
    if row.error:
        assert response.status_code == 200
        assert_refused(response.content.decode(), row, "件")
        assert not CountReport.objects.exists() and not ConsultationCount.objects.exists()
    else:
        assert response.status_code == 302
        saved = ConsultationCount.objects.filter(window__name="まちづくりセンター", category__name="高齢").first()
        assert (saved.count if saved else None) == row.value


def workbook(title: str, header: list, row: list) -> bytes:
    """One sheet; the typed value stays text even when it starts with "=" (a formula cell is refused before any
    number is read, which other tests cover)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    sheet.append(row)
    typed = sheet.cell(row=2, column=len(row))
    typed.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@COUNTS
@pytest.mark.usefixtures("in_february_2025")
def test_the_consultations_import(client, planner_user, row):
    client.force_login(planner_user)
    header = ["年度", "月", "地域", "地区", "相談先", "分類", "件数"]
    content = workbook("件数", header, [2024, 4, "", "池尻", "まちづくりセンター", "高齢", row.text("件")])
    upload = SimpleUploadedFile("counts.xlsx", content)
    result = client.post(reverse("consultations:import"), {"file": upload}).context["result"]
    if row.error:
        assert [(error.row, error.column) for error in result.errors] == [(2, "件数")]
        assert row.message("件") in result.errors[0].message
    elif row.value is None:  # a row must say how many: 0 when there were none
        assert "件数を入力してください" in result.errors[0].message
    else:
        assert result.ok and [r.count for r in result.rows] == [row.value]
    assert not ConsultationCount.objects.exists()  # the preview writes nothing


# --- 取込み: the actuals sheet -------------------------------------------------------------------------------------


@ALL
def test_the_actuals_import(planner_user, row):
    code, unit = INDICATOR[row.kind], UNIT[row.kind]
    sheet = workbook("実績", ["コード", "年度", "実績"], [code, YEAR, row.text(unit)])
    preview = preview_upload("実績.xlsx", sheet, user=planner_user)
    [result] = preview.rows
    if row.error:
        assert len(result.errors) == 1 and row.message(unit) in result.errors[0], result.errors
    elif row.value is None:  # an empty cell changes nothing
        assert result.status == "unchanged" and result.changes == []
    else:
        # The preview shows the value with its unit (format_value: 12回, 12.0%).
        assert result.errors == [] and result.changes == [("実績", "（なし）", format_value(row.value, unit))]


# --- number cells of a workbook go through the same rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "cell, kind, expected",
    [
        (12, COUNT, "12回"),
        (12.0, COUNT, "12回"),
        (1.5, COUNT, "「回」の数は整数で入力してください"),
        (55.9, RATE, "55.9%"),
    ],
)
def test_number_cells_of_the_actuals_sheet(planner_user, cell, kind, expected):
    sheet = build.xlsx({"実績": [["コード", "年度", "実績"], [INDICATOR[kind], YEAR, cell]]})
    [result] = preview_upload("実績.xlsx", sheet, user=planner_user).rows
    if "整数" in expected:
        assert result.errors == [f"シート「実績」 2行目 C列（実績）：{expected}（小数は使えません）。"]
    else:
        assert result.changes == [("実績", "（なし）", expected)]


@pytest.mark.parametrize("cell, expected", [(12, 12), (12.0, 12), (12.5, "「件」の数は整数で入力してください")])
@pytest.mark.usefixtures("in_february_2025")
def test_number_cells_of_the_counts_import(client, planner_user, cell, expected):
    client.force_login(planner_user)
    content = build.xlsx(
        {
            "件数": [
                ["年度", "月", "地域", "地区", "相談先", "分類", "件数"],
                [2024, 4, "", "池尻", "まちづくりセンター", "高齢", cell],
            ]
        }
    )
    result = client.post(reverse("consultations:import"), {"file": SimpleUploadedFile("c.xlsx", content)}).context[
        "result"
    ]
    if isinstance(expected, str):
        assert expected in result.errors[0].message
    else:
        assert [r.count for r in result.rows] == [expected]

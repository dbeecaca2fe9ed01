"""The actuals sheet: one row per indicator (or part), fiscal year and actual, with an optional comment.

    コード            年度                    実績   コメント
    G1-M05-V1-A1      令和6年度（2024年度）   295    相談会を増やした
    G1-M10-V1-O5/a    2024                    58

Reading copies the rows into the canonical actuals dataset. `template_xlsx` writes the sheet for one fiscal year
with every indicator due that year and the actuals already entered, so that a section can fill it in and hand
it back; imported unchanged it changes nothing.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.importing.datasets import ACol, RowSource, append
from indicators.importing.flat import number_cell, target_cell
from indicators.models import Actual, Indicator, Report
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.uploads.sheets import Sheet
from setagaya_plan.lib.spreadsheet import escape_formula

SHEET = "実績"
COLUMNS = [ACol.CODE, ACol.YEAR, ACol.ACTUAL, ACol.COMMENT, "指標名（参考）", "単位（参考）", "目標（参考）"]


def read_sheet(sheet: Sheet, header, dataset) -> None:
    columns = {
        name: (sheet.get(header.row, column).letter, header.texts[column]) for column, name in header.columns.items()
    }
    for row in sheet.row_numbers():
        if row <= header.row:
            continue
        values = {name: _value(sheet.get(row, column).value) for column, name in header.columns.items()}
        if all(value == "" for value in values.values()):
            continue
        append(dataset, values, RowSource(sheet.where(row), columns=columns))


def _value(value):
    return "" if value is None else value


def series_code(series) -> str:
    """The code the actuals sheet and the progress workbook use for a series: CODE, or CODE/a for a part."""
    return series.indicator.code + (f"/{series.key}" if series.key else "")


def template_xlsx(fiscal_year: int, indicators=None) -> bytes:
    queryset = indicators if indicators is not None else Indicator.objects.all()
    queryset = queryset.with_structure().in_plan_order()
    reports = {
        report.indicator_id: report
        for report in Report.objects.filter(fiscal_year=fiscal_year).prefetch_related("actuals")
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(
        [f"{fiscal_year_label(fiscal_year)}の実績（コード・年度は変えずに、実績とコメントを入力してください）"]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E8F1FE")
    for indicator in queryset:
        report = reports.get(indicator.pk)
        actuals: dict[int, Actual] = {a.series_id: a for a in report.actuals.all()} if report else {}
        for series in sorted(indicator.series.all(), key=lambda s: (s.position, s.pk)):
            if not series.expects_actual(fiscal_year):
                continue
            actual = actuals.get(series.pk)
            target = series.target_for(fiscal_year)
            value = ""
            if actual is not None:
                value = number_cell(actual.value) if actual.value is not None else actual.text
            name = indicator.name + (f"（{series.label or series.key}）" if series.key else "")
            sheet.append(
                [
                    series_code(series),
                    fiscal_year_label(fiscal_year),
                    escape_formula(value),
                    escape_formula(report.comment if report else ""),
                    escape_formula(name),
                    series.effective_unit,
                    escape_formula(target_cell(target)) if target else "",
                ]
            )
    sheet.freeze_panes = "A3"
    for index, width in enumerate([22, 24, 14, 40, 50, 8, 24], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (4, 5))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The annual progress report (進捗状況報告) as an Excel workbook, and the indicator list's xlsx export.

Made for Excel users: numbers are numbers (with the unit and note in the number format, so 130 shows as
130回（令和5年度見込み） and still adds up), column widths set, header rows frozen, A4 landscape, and every grade as
text as well as a fill colour. Sheets:

* 概要 — one row per 推進施策 with counts per grade, share met and completeness, then the legend.
* 指標一覧 — one row per series, the columns of the indicator list's download (indicators.columns); filterable.
* one sheet per 推進施策 in the printed table layout.

CONTRACT with the import (docs/evaluation.md, "The progress workbook"): each 推進施策 sheet has, per table, a
header row with exactly the cells
  番号 | 行動量 (or 成果指標) | 現況値 | 令和６年度（２０２４年度） | 令和７年度（２０２５年度） |
  令和８年度（２０２６年度） | 令和９年度（２０２７年度） | 総量 | コード;
then per indicator a target row and a row whose 番号 is empty and whose name is 「実績」 holding the approved
actuals per year; the コード column holds the indicator code in both rows, a part's code followed by /a, /b,
/yearly or /cumulative. The grade of an actual is in its number format
and fill, never in its value, so reading the cell gives the actual.
"""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.columns import ACHIEVEMENT, GRADE, LIST_COLUMNS, PROGRESS, YearLine, cells, headers, year_lines
from indicators.evaluation import REGRESSED, Evaluator, Status, grade_text, status_badge
from indicators.models import Indicator, Report, Series
from indicators.progress.overview import measure_rows
from indicators.progress.tables import display_years, printed_tables, year_header
from measures.models import Goal, Measure, Vision
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import floor_rate, format_rate
from setagaya_plan.lib.spreadsheet import cell_number, escape_formula, number_format

FILLS = {
    "blue": "D9E6FF",
    "green": "C2E5D1",
    "yellow": "FFF0B3",
    "orange": "FFDFCA",
    "red": "FFDADA",
    "gray": "F2F2F2",
}
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
RATE_CELL_FORMAT = "0.0"


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=FILLS.get(colour, FILLS["gray"]))


def contract_header(kind_label: str, years: list[int]) -> list[str]:
    """番号 | 行動量 | 現況値 | one column per printed year | 総量 | コード: the printed table, plus the code."""
    return ["番号", kind_label, "現況値", *(year_header(y, full_width=True) for y in years), "総量", "コード"]


def _total_column(years: list[int]) -> int:
    return 4 + len(years)


def _write(sheet: Worksheet, row: int, column: int, value, *, number_format_: str | None = None, **style):
    cell = sheet.cell(row=row, column=column, value=escape_formula(value))
    if number_format_:
        cell.number_format = number_format_
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _grade_suffix(grade) -> str:
    if grade is None or grade.status == Status.NO_TARGET:
        return ""
    return f"（{grade_text(grade)}）"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


def _name_cell(row) -> str:
    name = row.name
    if row.part_label:
        name += f"（{row.part_label}）"
    if row.relisted:
        name += "【再掲】"
    refs = row.indicator.plan_refs()
    if refs:
        name += "\n" + "".join(item.printed_label for item in refs)
    return name


def _write_target_row(sheet: Worksheet, row_index: int, row, series: Series, years: list[int]) -> None:
    unit = series.effective_unit
    _write(sheet, row_index, 1, row.number, alignment=WRAP)
    _write(sheet, row_index, 2, _name_cell(row), alignment=WRAP)
    if series.baseline_value is not None:
        suffix = f"（{series.baseline_note}）" if series.baseline_note else ""
        _write(
            sheet,
            row_index,
            3,
            cell_number(series.baseline_value),
            number_format_=number_format(series.baseline_value, unit, suffix),
            alignment=WRAP,
        )
    else:
        _write(sheet, row_index, 3, series.baseline_text or "―", alignment=WRAP)
    index = 0
    while index < len(years):
        column = 4 + index
        target = series.target_for(years[index])
        if target is None:
            index += 1
            continue
        span = len([y for y in target.years if y in years[index:]])
        if target.deferred_to:
            _write(sheet, row_index, column, target.deferred_to, alignment=WRAP)
        elif target.value is not None:
            _write(
                sheet,
                row_index,
                column,
                cell_number(target.value),
                number_format_=number_format(target.value, unit),
                alignment=WRAP,
            )
        else:
            _write(sheet, row_index, column, target.text, alignment=WRAP)
        if span > 1:
            sheet.merge_cells(start_row=row_index, start_column=column, end_row=row_index, end_column=column + span - 1)
        index += max(span, 1)
    if series.total_value is not None:
        suffix = "（累計）" if series.effective_total_kind == "cumulative" else ""
        _write(
            sheet,
            row_index,
            _total_column(years),
            cell_number(series.total_value),
            number_format_=number_format(series.total_value, unit, suffix),
        )
    else:
        _write(sheet, row_index, _total_column(years), series.total_text or "―")
    _write(sheet, row_index, _total_column(years) + 1, row.code)


def _write_actual_row(
    sheet: Worksheet, row_index: int, row, series: Series, evaluator: Evaluator, upto: int, years: list[int]
) -> None:
    unit = series.effective_unit
    _write(sheet, row_index, 1, None)
    _write(sheet, row_index, 2, "実績", font=BOLD)
    for result in row.results:
        year = result.year
        if year not in years:
            continue
        column = 4 + years.index(year)
        if year > upto:
            continue
        report = evaluator.report(row.indicator, year)
        if report is None or report.status != Report.Status.APPROVED:
            continue
        actual = report.actual_for(series)
        if actual is None:
            continue
        grade = result.grade
        suffix = _grade_suffix(grade)
        if actual.value is not None:
            cell = _write(
                sheet,
                row_index,
                column,
                cell_number(actual.value),
                number_format_=number_format(actual.value, unit, suffix),
            )
        else:
            cell = _write(
                sheet, row_index, column, actual.text, number_format_="@" + (_quoted(suffix) if suffix else "")
            )
        cell.alignment = WRAP
        if grade is not None and grade.status != Status.NO_TARGET:
            cell.fill = fill(grade.colour)
    _write(sheet, row_index, _total_column(years) + 1, row.code)


def _sheet_title(measure: Measure) -> str:
    return f"基本目標{measure.goal.number}-推進施策{measure.number}"


def _measure_sheet(workbook: Workbook, measure: Measure, visions, indicators, evaluator: Evaluator, year: int) -> None:
    sheet = workbook.create_sheet(_sheet_title(measure))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # The printed years, plus the later years a revision (the mid-term review) gave targets.
    years = display_years(indicators)
    last_column = _total_column(years) + 1
    for column, width in enumerate([8, 42, 20, *([18] * len(years)), 16, 22], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _write(
        sheet,
        1,
        1,
        f"基本目標{measure.goal.number}　推進施策{measure.number}　{measure.title}",
        font=Font(bold=True, size=14),
    )
    _write(
        sheet,
        2,
        1,
        f"{fiscal_year_label(year)}の進捗状況（評価方式：{evaluator.scheme.name}。承認済の実績のみ）",
    )
    row_index = 4
    first_header = None
    for vision in visions:
        heading = f"めざす姿{vision.number}" + (f"　{vision.subtitle}" if vision.subtitle else "")
        _write(sheet, row_index, 1, heading, font=BOLD)
        row_index += 1
        _write(sheet, row_index, 1, vision.statement, alignment=WRAP)
        sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=last_column)
        sheet.row_dimensions[row_index].height = 36
        row_index += 2
        for table in printed_tables(vision, indicators, evaluator, years):
            _write(sheet, row_index, 1, f"■取組みの{table.label}■", font=BOLD)
            row_index += 1
            for column, title in enumerate(contract_header(table.label, years), start=1):
                _write(sheet, row_index, column, title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP)
            if first_header is None:
                first_header = row_index
            row_index += 1
            for row in table.rows:
                _write_target_row(sheet, row_index, row, row.series, years)
                _write_actual_row(sheet, row_index + 1, row, row.series, evaluator, year, years)
                for r in (row_index, row_index + 1):
                    for column in range(1, last_column + 1):
                        sheet.cell(row=r, column=column).border = BORDER
                row_index += 2
            row_index += 1
    if first_header is not None:
        sheet.freeze_panes = f"C{first_header + 1}"
        sheet.print_title_rows = f"{first_header}:{first_header}"


UNGRADED = [status for status in Status if status != Status.GRADED]


def _summary_sheet(sheet: Worksheet, evaluator: Evaluator, indicators, year: int, today: datetime.date) -> None:
    scheme = evaluator.scheme
    sheet.title = "概要"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    _write(
        sheet,
        1,
        1,
        f"世田谷区地域保健医療福祉総合計画　進捗状況報告　{fiscal_year_label(year)}",
        font=Font(bold=True, size=14),
    )
    _write(
        sheet,
        2,
        1,
        f"評価方式：{scheme.name}　作成日：{today:%Y年%m月%d日}　承認済の実績のみで評価しています。",
    )
    header = [
        "基本目標",
        "推進施策",
        "名称",
        "指標数",
        *[grade_text(level) for level in scheme.levels],
        *[status.label for status in UNGRADED],
        REGRESSED.text,
        "達成の割合（％）",
        "承認済／対象",
    ]
    header_row = 4
    for column, title in enumerate(header, start=1):
        _write(sheet, header_row, column, title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP)
    row_index = _write_rollups(sheet, header_row + 1, evaluator, indicators, year, len(header))
    _write_legend(sheet, row_index + 1, scheme)
    for column, width in enumerate([10, 10, 44, 8] + [12] * (len(header) - 4), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"D{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _write_rollups(sheet: Worksheet, row_index: int, evaluator: Evaluator, indicators, year: int, width: int) -> int:
    """One row per 推進施策, a total per 基本目標 and one for the plan (in bold); returns the next free row."""
    rows = measure_rows(indicators, evaluator, year)
    totals = []
    for goal in Goal.objects.order_by("number"):
        for row in (row for row in rows if row.measure.goal_id == goal.pk):
            _write_rollup(
                sheet, row_index, evaluator.scheme, (goal.number, row.measure.number, row.measure.title), row.rollup
            )
            row_index += 1
        own = [i for i in indicators if i.vision.measure.goal_id == goal.pk]
        label = (goal.number, "計", f"基本目標{goal.number}（再掲を除く）")
        _write_rollup(sheet, row_index, evaluator.scheme, label, evaluator.rollup(own, year, unique=True))
        totals.append(row_index)
        row_index += 1
    label = ("計", "", "計画全体（再掲を除く）")
    _write_rollup(sheet, row_index, evaluator.scheme, label, evaluator.rollup(indicators, year, unique=True))
    totals.append(row_index)
    for total_row in totals:
        for column in range(1, width + 1):
            sheet.cell(row=total_row, column=column).font = BOLD
    return row_index + 1


def _write_rollup(sheet: Worksheet, row: int, scheme, label: tuple, rollup) -> None:
    counts = rollup.counts
    values = [
        *label,
        rollup.total,
        *[counts[level.code] for level in scheme.levels],
        *[counts[status.value] for status in UNGRADED],
        rollup.regressed,
        cell_number(floor_rate(rollup.share_met)),
        f"{rollup.complete}／{rollup.due}",
    ]
    for column, value in enumerate(values, start=1):
        cell = _write(sheet, row, column, value, border=BORDER)
        if column == len(values) - 1:
            cell.number_format = RATE_CELL_FORMAT
    for index, level in enumerate(scheme.levels):
        if counts[level.code]:
            sheet.cell(row=row, column=5 + index).fill = fill(level.colour)


def _write_legend(sheet: Worksheet, row_index: int, scheme) -> None:
    """Every badge with what it means: the levels with their thresholds, 後退, and the statuses."""
    _write(sheet, row_index, 1, "凡例", font=BOLD)
    row_index += 1
    for level in scheme.levels:
        threshold = f"{format_rate(level.min_rate)}以上" if level.min_rate is not None else "それ未満"
        _write(sheet, row_index, 1, grade_text(level), fill=fill(level.colour), border=BORDER)
        _write(sheet, row_index, 3, threshold)
        row_index += 1
    _write(sheet, row_index, 1, REGRESSED.text, border=BORDER)
    _write(sheet, row_index, 3, "実績が現況値より悪化（割合は許容幅を超えた悪化）")
    row_index += 1
    for status in UNGRADED:
        badge = status_badge(status)
        _write(sheet, row_index, 1, badge.text, fill=fill(badge.colour), border=BORDER)
        row_index += 1


def write_list_sheet(sheet: Worksheet, lines: list[YearLine]) -> None:
    """One row per series in the columns of indicators.columns, the grade cell filled with the grade's colour."""
    for column, title in enumerate(headers(LIST_COLUMNS), start=1):
        _write(sheet, 1, column, title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP)
        width = 44 if title == "名称" else max(10, len(title) * 2 + 2)
        sheet.column_dimensions[get_column_letter(column)].width = width
    rate_columns = {LIST_COLUMNS.index(ACHIEVEMENT) + 1, LIST_COLUMNS.index(PROGRESS) + 1}
    grade_column = LIST_COLUMNS.index(GRADE) + 1
    for row_index, line in enumerate(lines, start=2):
        for column, value in enumerate(cells(LIST_COLUMNS, line), start=1):
            cell = _write(sheet, row_index, column, value)
            if column in rate_columns and value is not None:
                cell.number_format = RATE_CELL_FORMAT
        if line.grade is not None:
            sheet.cell(row=row_index, column=grade_column).fill = fill(line.grade.colour)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LIST_COLUMNS))}{max(len(lines) + 1, 1)}"


def progress_workbook(year: int, today: datetime.date | None = None) -> bytes:
    """The 進捗状況報告 of a fiscal year: summary, indicator list, and one sheet per 推進施策 as printed."""
    today = today or datetime.date.today()
    indicators = list(Indicator.objects.with_structure().select_related("section").in_plan_order())
    evaluator = Evaluator(indicators, today=today)
    workbook = Workbook()
    _summary_sheet(workbook.active, evaluator, indicators, year, today)
    write_list_sheet(workbook.create_sheet("指標一覧"), year_lines(indicators, evaluator, year))
    visions_by_measure: dict[int, list[Vision]] = {}
    for vision in Vision.objects.order_by("measure_id", "number"):
        visions_by_measure.setdefault(vision.measure_id, []).append(vision)
    listed_by_measure: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        for measure in indicator.listed_measures():
            listed_by_measure.setdefault(measure.pk, []).append(indicator)
    for measure in Measure.objects.in_plan_order():
        listed = listed_by_measure.get(measure.pk, [])
        _measure_sheet(workbook, measure, visions_by_measure.get(measure.pk, []), listed, evaluator, year)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_workbook(lines: list[YearLine]) -> bytes:
    """The indicator list's filtered rows as a sheet 「指標」: the same columns as its CSV and as 指標一覧."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指標"
    write_list_sheet(sheet, lines)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

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

Written in openpyxl's write-only mode, row after row, from one pass over the prefetched plan: a cell is styled as
it is made (the same few style objects shared by every cell), never looked up again, so the workbook of a plan a
hundred times the real one costs what its cells cost. views.annual_report_xlsx prepares a large one in the
background (indicators.progress.prepared).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.columns import ACHIEVEMENT, GRADE, LIST_COLUMNS, PROGRESS, YearLine, cells, headers, year_lines
from indicators.evaluation import REGRESSED, Evaluator, Status, grade_text, status_badge
from indicators.models import Indicator, Report, Series
from indicators.progress.overview import measure_rows
from indicators.progress.tables import display_years, placements_by_vision, printed_tables, year_header
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
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
RATE_CELL_FORMAT = "0.0"
_FILL_CACHE: dict[str, PatternFill] = {}


def fill(colour: str) -> PatternFill:
    key = colour if colour in FILLS else "gray"
    if key not in _FILL_CACHE:
        _FILL_CACHE[key] = PatternFill("solid", fgColor=FILLS[key])
    return _FILL_CACHE[key]


def contract_header(kind_label: str, years: list[int]) -> list[str]:
    """番号 | 行動量 | 現況値 | one column per printed year | 総量 | コード: the printed table, plus the code."""
    return ["番号", kind_label, "現況値", *(year_header(y, full_width=True) for y in years), "総量", "コード"]


def _total_column(years: list[int]) -> int:
    return 4 + len(years)


class _Sheet:
    """A write-only sheet filled row by row: cells styled as they are made, merged ranges and widths noted."""

    def __init__(self, workbook: Workbook, title: str):
        self.sheet = workbook.create_sheet(title)
        self.row = 0

    def widths(self, widths: list[int]) -> None:
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width

    def cell(self, value, *, number_format_: str | None = None, **style) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=escape_formula(value))
        if number_format_:
            cell.number_format = number_format_
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, cells: list, height: float | None = None) -> int:
        """Write the next row; returns its number."""
        self.row += 1
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)
        return self.row

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.append([])

    def merge(self, row: int, first: int, last: int) -> None:
        self.sheet.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")


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
    if row.plan_refs:
        name += "\n" + "".join(row.plan_refs)
    return name


def _target_row(out: _Sheet, row, series: Series, years: list[int]) -> None:
    unit = series.effective_unit
    last_column = _total_column(years) + 1
    cells: list = [None] * last_column
    cells[0] = out.cell(row.number, alignment=WRAP)
    cells[1] = out.cell(_name_cell(row), alignment=WRAP)
    if series.baseline_value is not None:
        suffix = f"（{series.baseline_note}）" if series.baseline_note else ""
        cells[2] = out.cell(
            cell_number(series.baseline_value),
            number_format_=number_format(series.baseline_value, unit, suffix),
            alignment=WRAP,
        )
    else:
        cells[2] = out.cell(series.baseline_text or "―", alignment=WRAP)
    merges = []
    for cell in row.targets:
        target = cell.target
        if target is None:
            continue
        column = 4 + years.index(cell.years[0])
        # ※改定 as on the printed pages (explained in the legend), in the number format like units and grades: the
        # cell's value stays the target, so the workbook imports back unchanged (docs/evaluation.md, the contract).
        mark = REVISED_MARK if cell.revised else ""
        if target.value is not None and not target.deferred_to:
            cells[column - 1] = out.cell(
                cell_number(target.value), number_format_=number_format(target.value, unit, mark), alignment=WRAP
            )
        else:
            text = target.deferred_to or target.text
            cells[column - 1] = out.cell(text, number_format_="@" + _quoted(mark) if mark else None, alignment=WRAP)
        if cell.colspan > 1:
            merges.append((column, column + cell.colspan - 1))
    total = _total_column(years)
    if series.total_value is not None:
        suffix = "（累計）" if series.effective_total_kind == "cumulative" else ""
        cells[total - 1] = out.cell(
            cell_number(series.total_value), number_format_=number_format(series.total_value, unit, suffix)
        )
    else:
        cells[total - 1] = out.cell(series.total_text or "―")
    cells[total] = out.cell(row.code)
    number = out.append(_bordered(out, cells))
    for first, last in merges:
        out.merge(number, first, last)


def _bordered(out: _Sheet, cells: list) -> list:
    """Every cell of a table row with the thin border, empty ones included."""
    for index, cell in enumerate(cells):
        if cell is None:
            cells[index] = out.cell(None)
        cells[index].border = BORDER
    return cells


def _actual_row(out: _Sheet, row, series: Series, evaluator: Evaluator, upto: int, years: list[int]) -> None:
    unit = series.effective_unit
    cells: list = [None] * (_total_column(years) + 1)
    cells[1] = out.cell("実績", font=BOLD)
    actuals = evaluator.data[row.indicator.pk].reports
    for result in row.results:
        year = result.year
        if year not in years or year > upto:
            continue
        report = evaluator.report(row.indicator, year)
        if report is None or report.status != Report.Status.APPROVED:
            continue
        actual = actuals[year].actuals.get(series.key)
        if actual is None:
            continue
        grade = result.grade
        suffix = _grade_suffix(grade)
        if actual.value is not None:
            cell = out.cell(cell_number(actual.value), number_format_=number_format(actual.value, unit, suffix))
        else:
            cell = out.cell(actual.text, number_format_="@" + (_quoted(suffix) if suffix else ""))
        cell.alignment = WRAP
        if grade is not None and grade.status != Status.NO_TARGET:
            cell.fill = fill(grade.colour)
        cells[3 + years.index(year)] = cell
    cells[_total_column(years)] = out.cell(row.code)
    out.append(_bordered(out, cells))


def _sheet_title(measure: Measure) -> str:
    return f"基本目標{measure.goal.number}-推進施策{measure.number}"


def _measure_sheet(
    workbook: Workbook, measure: Measure, visions, by_vision, evaluator: Evaluator, year: int, years: list[int]
) -> None:
    out = _Sheet(workbook, _sheet_title(measure))
    sheet = out.sheet
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    last_column = _total_column(years) + 1
    out.widths([8, 42, 20, *([18] * len(years)), 16, 22])
    blocks = [(vision, printed_tables(by_vision.get(vision.pk, []), evaluator, years)) for vision in visions]
    # A write-only sheet writes its view first: the frozen header row is worked out before any row is written.
    first_header = _first_header_row(blocks)
    if first_header is not None:
        sheet.freeze_panes = f"C{first_header + 1}"
        sheet.print_title_rows = f"{first_header}:{first_header}"
    out.append([out.cell(f"基本目標{measure.goal.number}　推進施策{measure.number}　{measure.title}", font=TITLE)])
    scheme = evaluator.scheme.name
    out.append([out.cell(f"{fiscal_year_label(year)}の進捗状況（評価方式：{scheme}。承認済の実績のみ）")])
    out.blank()
    for vision, tables in blocks:
        heading = f"めざす姿{vision.number}" + (f"　{vision.subtitle}" if vision.subtitle else "")
        out.append([out.cell(heading, font=BOLD)])
        statement = out.append([out.cell(vision.statement, alignment=WRAP)], height=36)
        out.merge(statement, 1, last_column)
        out.blank()
        for table in tables:
            out.append([out.cell(f"■取組みの{table.label}■", font=BOLD)])
            out.append(
                [
                    out.cell(title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP)
                    for title in contract_header(table.label, years)
                ]
            )
            for row in table.rows:
                _target_row(out, row, row.series, years)
                _actual_row(out, row, row.series, evaluator, year, years)
            out.blank()


def _first_header_row(blocks) -> int | None:
    """The row of the first table header: after the title (3 rows), each めざす姿 takes a heading, its statement
    and a blank row before its first table's caption."""
    row = 3
    for _, tables in blocks:
        row += 3
        if tables:
            return row + 2
    return None


UNGRADED = [status for status in Status if status != Status.GRADED]
# A target a revision of the 実施計画 changed from 当初, marked as the printed tables mark it.
REVISED_MARK = "※改定"
REVISED_EXPLANATION = (
    "実施計画の改定で当初から変わった目標。各年度は、その年度の実績の提出期限までに決定された改定の目標で評価します"
)


def _summary_sheet(workbook: Workbook, evaluator: Evaluator, indicators, year: int, today: datetime.date) -> None:
    scheme = evaluator.scheme
    out = _Sheet(workbook, "概要")
    out.sheet.page_setup.orientation = "landscape"
    out.sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
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
    out.widths([10, 10, 44, 8] + [12] * (len(header) - 4))
    header_row = 4  # the sheet's view is written with its first row: freeze before writing
    out.sheet.freeze_panes = f"D{header_row + 1}"
    out.sheet.print_title_rows = f"{header_row}:{header_row}"
    out.append([out.cell(f"世田谷区地域保健医療福祉総合計画　進捗状況報告　{fiscal_year_label(year)}", font=TITLE)])
    out.append([out.cell(f"評価方式：{scheme.name}　作成日：{today:%Y年%m月%d日}　承認済の実績のみで評価しています。")])
    out.blank()
    out.append([out.cell(title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP) for title in header])
    _write_rollups(out, evaluator, indicators, year)
    out.blank()
    _write_legend(out, scheme)


def _write_rollups(out: _Sheet, evaluator: Evaluator, indicators, year: int) -> None:
    """One row per 推進施策, a total per 基本目標 and one for the plan (in bold)."""
    rows = measure_rows(indicators, evaluator, year)
    own_by_goal: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        own_by_goal.setdefault(indicator.vision.measure.goal_id, []).append(indicator)
    for goal in Goal.objects.order_by("number"):
        for row in (row for row in rows if row.measure.goal_id == goal.pk):
            _write_rollup(out, evaluator.scheme, (goal.number, row.measure.number, row.measure.title), row.rollup)
        label = (goal.number, "計", f"基本目標{goal.number}（再掲を除く）")
        own = own_by_goal.get(goal.pk, [])
        _write_rollup(out, evaluator.scheme, label, evaluator.rollup(own, year, unique=True), bold=True)
    label = ("計", "", "計画全体（再掲を除く）")
    _write_rollup(out, evaluator.scheme, label, evaluator.rollup(indicators, year, unique=True), bold=True)


def _write_rollup(out: _Sheet, scheme, label: tuple, rollup, bold: bool = False) -> None:
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
    style = {"border": BORDER, **({"font": BOLD} if bold else {})}
    cells = [out.cell(value, **style) for value in values]
    cells[-2].number_format = RATE_CELL_FORMAT
    for index, level in enumerate(scheme.levels):
        if counts[level.code]:
            cells[4 + index].fill = fill(level.colour)
    out.append(cells)


def _write_legend(out: _Sheet, scheme) -> None:
    """Every badge with what it means: the levels with their thresholds, 後退, and the statuses."""
    out.append([out.cell("凡例", font=BOLD)])
    for level in scheme.levels:
        threshold = f"{format_rate(level.min_rate)}以上" if level.min_rate is not None else "それ未満"
        out.append([out.cell(grade_text(level), fill=fill(level.colour), border=BORDER), None, out.cell(threshold)])
    out.append(
        [out.cell(REGRESSED.text, border=BORDER), None, out.cell("実績が現況値より悪化（割合は許容幅を超えた悪化）")]
    )
    for status in UNGRADED:
        badge = status_badge(status)
        out.append([out.cell(badge.text, fill=fill(badge.colour), border=BORDER)])
    out.append([out.cell(REVISED_MARK, border=BORDER), None, out.cell(REVISED_EXPLANATION)])


def write_list_sheet(workbook: Workbook, title: str, lines: list[YearLine]) -> None:
    """One row per series in the columns of indicators.columns, the grade cell filled with the grade's colour."""
    out = _Sheet(workbook, title)
    titles = headers(LIST_COLUMNS)
    out.widths([44 if title == "名称" else max(10, len(title) * 2 + 2) for title in titles])
    out.sheet.freeze_panes = "B2"
    out.sheet.auto_filter.ref = f"A1:{get_column_letter(len(LIST_COLUMNS))}{max(len(lines) + 1, 1)}"
    out.append([out.cell(title, font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=WRAP) for title in titles])
    rate_columns = {LIST_COLUMNS.index(ACHIEVEMENT), LIST_COLUMNS.index(PROGRESS)}
    grade_column = LIST_COLUMNS.index(GRADE)
    for line in lines:
        row = [escape_formula(value) for value in cells(LIST_COLUMNS, line)]
        for column in rate_columns:
            if row[column] is not None:
                row[column] = out.cell(row[column], number_format_=RATE_CELL_FORMAT)
        if line.grade is not None:
            row[grade_column] = out.cell(row[grade_column], fill=fill(line.grade.colour))
        out.append(row)


def progress_workbook(
    year: int, today: datetime.date | None = None, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """The 進捗状況報告 of a fiscal year: summary, indicator list, and one sheet per 推進施策 as printed.

    `progress(done, total)` is told at each step and after each 推進施策 sheet (the background preparation beats
    with it and shows it)."""
    today = today or datetime.date.today()
    measures = list(Measure.objects.in_plan_order())
    beat = (lambda done: progress(done, len(measures))) if progress else (lambda done: None)
    beat(0)
    indicators = list(Indicator.objects.with_structure().select_related("section").in_plan_order())
    evaluator = Evaluator(indicators, today=today)
    beat(0)
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, evaluator, indicators, year, today)
    beat(0)
    write_list_sheet(workbook, "指標一覧", year_lines(indicators, evaluator, year))
    beat(0)
    visions_by_measure: dict[int, list[Vision]] = {}
    for vision in Vision.objects.order_by("measure_id", "number"):
        visions_by_measure.setdefault(vision.measure_id, []).append(vision)
    by_vision = placements_by_vision(indicators)
    # The printed years, plus the later years a revision (the mid-term review) gave targets.
    years = display_years(indicators)
    for done, measure in enumerate(measures, start=1):
        visions = visions_by_measure.get(measure.pk, [])
        _measure_sheet(workbook, measure, visions, by_vision, evaluator, year, years)
        beat(done)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_workbook(lines: list[YearLine]) -> bytes:
    """The indicator list's filtered rows as a sheet 「指標」: the same columns as its CSV and as 指標一覧."""
    workbook = Workbook(write_only=True)
    write_list_sheet(workbook, "指標", lines)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

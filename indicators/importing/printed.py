"""The plan's printed tables (the ward's 実施計画 sheets): reading them, and writing the plan back in that layout.

A sheet may hold title rows (基本目標2, 推進施策５ 住まい, めざす姿２, ■取組みの行動量■), blank rows and several
tables, each under its own header row 番号 | 行動量 (or 成果指標) | 現況値 | 令和６年度（２０２４年度）… | 総量
[| コード]. Title rows set the place of the tables below them. An indicator row may carry a)/b) parts or
整備数 / 累計整備数 on several lines of one cell, and a target cell merged across years covers those years; a cell
merged down over two rows belongs to both.

A table whose rows include 「実績」 rows (番号 empty, name 「実績」, as in the progress-report workbook) is read for
those actuals only, keyed by its コード column ("CODE" or "CODE/a").
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from indicators.importing.cells import (
    CONTINUE,
    CONTINUE_MARK,
    DASH,
    DEFERRED,
    DEFERRED_PREFIX,
    EMPTY,
    NUMBER,
    PARTS,
    TEXT,
    CellError,
    ValueCell,
    join_lines,
    parse_name_cell,
    parse_number_cell,
    parse_value_cell,
    plain_number,
)
from indicators.importing.datasets import ABSENT, YEAR_HEADING_WORDS, ACol, Col, RowSource, append, year_column
from indicators.models import Indicator, Relisting, Series
from measures.models import Measure
from setagaya_plan.core.fiscal_years import (
    FiscalYearError,
    check_within,
    era_label,
    plan_years,
    printed_years,
    read_fiscal_year_heading,
)
from setagaya_plan.core.uploads import ImportFileError, Sheet
from setagaya_plan.lib.numerals import format_value, to_half_width
from setagaya_plan.lib.spreadsheet import escape_formula

PROGRESS = "progress"
ACTUAL_ROW = "実績"

_GOAL_TITLE = re.compile(r"^基本目標\s*[□■]?\s*([0-9０-９]+)[\s　:：]*(.*)$", re.S)
_MEASURE_TITLE = re.compile(r"^推進施策\s*[（(]?\s*([0-9０-９]+)\s*[）)]?[\s　:：]*(.*)$", re.S)
_VISION_TITLE = re.compile(r"^めざす姿\s*([0-9０-９]+)[\s　:：．.]*(.*)$", re.S)
_KIND_LABELS = {label: value for value, label in Indicator.Kind.choices}


def _key(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def is_header(keys: set[str]) -> bool:
    return {"番号", "現況値", "総量"} <= keys and bool(keys & {"行動量", "成果指標"})


@dataclass
class Table:
    kind: str
    row: int
    number: int
    name: int
    baseline: int
    total: int
    code: int | None
    years: dict[int, int]
    texts: dict[int, str]


@dataclass
class Context:
    goal: int = 1
    measure: int | None = None
    measure_title: str = ""
    vision: int | None = None
    vision_statement: str = ""


def read_sheet(sheet: Sheet, plan_rows, actual_rows, allowed: range | None = None) -> str:
    """Read one sheet of printed tables into the plan or the actuals dataset; returns which layout it was.
    `allowed`: the plan's years, read once by the caller for every sheet and table header."""
    allowed = plan_years() if allowed is None else allowed
    context = Context()
    table: Table | None = None
    plans: list[tuple[dict, RowSource]] = []
    actuals: list[tuple[dict, RowSource]] = []
    has_actual_rows = False
    last_code = ""
    for row in sheet.row_numbers():
        header = _table_header(sheet, row, allowed)
        if header is not None:
            table = header
            continue
        cells = [cell for cell in sheet.row_cells(row) if not cell.is_empty]
        origins = {cell.origin for cell in cells}
        if len(origins) == 1:
            if _title(cells[0].text(), context):
                table = None
            continue
        if table is None:
            continue
        number = parse_number_cell(sheet.get(row, table.number).value)
        name = sheet.get(row, table.name).value
        if not number and sheet.get(row, table.name).is_empty:
            table = None  # something else below the table (a statistics table of the narrative)
            continue
        if not number and _key(name) == ACTUAL_ROW:
            has_actual_rows = True
            actuals += _actual_rows(sheet, row, table, last_code)
            continue
        code = sheet.get(row, table.code).text() if table.code else ""
        last_code = code
        plans += _indicator_rows(sheet, row, table, context, number, code)
    if has_actual_rows:
        for values, source in actuals:
            append(actual_rows, values, source)
        return PROGRESS
    for values, source in plans:
        append(plan_rows, values, source)
    return "printed"


def _title(text: str, context: Context) -> bool:
    """A title row sets the place of the tables below it; other single-cell rows (notes ※…) are skipped."""
    text = text.strip()
    match = _GOAL_TITLE.match(text)
    if match:
        context.goal = int(to_half_width(match.group(1)))
        context.measure = context.vision = None
        rest = match.group(2).strip()
        if _MEASURE_TITLE.match(rest):  # 「基本目標1　推進施策10　防犯・防災」 on one line
            _title(rest, context)
        return True
    match = _MEASURE_TITLE.match(text)
    if match:
        context.measure = int(to_half_width(match.group(1)))
        context.measure_title = join_lines(match.group(2))
        context.vision, context.vision_statement = None, ""
        return True
    match = _VISION_TITLE.match(text)
    if match and not text.startswith("めざす姿の実現"):
        context.vision = int(to_half_width(match.group(1)))
        context.vision_statement = join_lines(match.group(2))
        return True
    return "■" in text and any(label in text for label in _KIND_LABELS)


def _table_header(sheet: Sheet, row: int, allowed: range) -> Table | None:
    cells = [cell for cell in sheet.row_cells(row) if not cell.is_empty]
    keys = {_key(cell.value): cell for cell in cells}
    if not is_header(set(keys)):
        return None
    kind_label = "行動量" if "行動量" in keys else "成果指標"
    years: dict[int, int] = {}
    texts = {cell.column: " ".join(str(cell.value).split()) for cell in cells}
    for cell in cells:
        if cell.span and cell.span[1] != cell.column:
            continue
        try:
            parsed = read_fiscal_year_heading(cell.value, YEAR_HEADING_WORDS)
        except FiscalYearError as error:
            raise ImportFileError(f"{sheet.where(row, cell.column)}：{error.message}") from None
        if parsed is None or parsed[1] == "実績":
            continue
        try:
            check_within(parsed[0], allowed)
        except FiscalYearError as error:
            raise ImportFileError(
                f"{sheet.where(row, cell.column)}の見出し「{texts[cell.column]}」：{error.message}"
            ) from None
        if parsed[0] in years.values():
            raise ImportFileError(f"{sheet.where(row, cell.column)}：{texts[cell.column]}の列が2つあります。")
        years[cell.column] = parsed[0]
    if not years:
        raise ImportFileError(
            f"シート「{sheet.name}」 {row}行目：表の見出しに年度（令和6年度（2024年度）など）の列がありません。"
        )
    code = keys.get("コード")
    return Table(
        kind=_KIND_LABELS[kind_label],
        row=row,
        number=keys["番号"].column,
        name=keys[kind_label].column,
        baseline=keys["現況値"].column,
        total=keys["総量"].column,
        code=code.column if code else None,
        years=years,
        texts=texts,
    )


def _actual_rows(sheet: Sheet, row: int, table: Table, last_code: str) -> list[tuple[dict, RowSource]]:
    code = (sheet.get(row, table.code).text() if table.code else "") or last_code
    rows = []
    for column, year in sorted(table.years.items()):
        cell = sheet.get(row, column)
        if cell.is_empty or (cell.span and cell.span[1] != column):
            continue
        if isinstance(cell.value, str) and all(char in "―－-—" for char in "".join(cell.value.split())):
            continue
        source = RowSource(
            sheet.where(row),
            columns={
                ACol.ACTUAL: (cell.letter, table.texts.get(column, "")),
                ACol.YEAR: (cell.letter, table.texts.get(column, "")),
                ACol.CODE: (get_column_letter(table.code), "コード") if table.code else ("", "コード"),
            },
        )
        if not code:
            source.errors.append(
                f"{sheet.where(row)}：「実績」の行の指標が分かりません。「コード」の列にコードを入れてください。"
            )
        rows.append(({ACol.CODE: code, ACol.YEAR: year, ACol.ACTUAL: cell.value}, source))
    return rows


@dataclass
class _Part:
    key: str
    label: str = ""
    baseline: object = None
    note: str = ""
    baseline_text: str = ""
    total: object = None
    total_text: str = ""
    years: dict[int, str] = field(default_factory=dict)


def _indicator_rows(sheet: Sheet, row: int, table: Table, context: Context, number: str, code: str):
    """The plan rows of one printed indicator row: one per part (a)/b), 整備数 / 累計整備数) or one for the whole."""
    cells = _RowCells(sheet, row, table)
    name = parse_name_cell(sheet.get(row, table.name).value)
    cells.check_identity(number, name.name)
    baseline, years, total = cells.parse(table.baseline), cells.years(), cells.parse(table.total)
    cells.check_place(context, code)
    values = [baseline, *years.values(), total]
    mode, parts = _parts_of(name.part_labels, values, cells)
    unit, qualifier = _unit_and_qualifier(values, mode, parts, cells)
    for key, part in parts.items():
        _read_baseline(part, _target_of(mode, key, baseline), cells)
        _read_total(part, _target_of(mode, key, total), cells)
        _read_years(part, {year: _target_of(mode, key, cell) for year, cell in years.items()}, cells)
    source = RowSource(cells.where, columns=_columns(table), errors=cells.errors)
    source.defaults = {Col.DIRECTION: Indicator.Direction.UP}
    if mode != PLAIN:
        source.defaults[Col.TOTAL_KIND] = Indicator.TotalKind.SUM
    common = {
        Col.CODE: code.split("/")[0] if table.code else ABSENT,
        Col.GOAL: context.goal,
        Col.MEASURE: context.measure if context.measure is not None else "",
        Col.MEASURE_TITLE: context.measure_title,
        Col.VISION: context.vision if context.vision is not None else "",
        Col.VISION_STATEMENT: context.vision_statement,
        Col.KIND: Indicator.Kind(table.kind).label,
        Col.NUMBER: number,
        Col.NAME: sheet.get(row, table.name).value,
        Col.UNIT: unit,
        Col.QUALIFIER: qualifier,
        Col.PLAN_REFS: "、".join(name.plan_refs),
        Col.RELISTED: "再掲" if name.relisted else "",
    }
    return [(common | _part_values(key, part), _part_source(source, mode, key)) for key, part in parts.items()]


# How the cells of one row say their parts: a)/b) keyed by letter, 整備数 / 累計整備数 by name, or none.
PLAIN, LETTERED, COMPOUND = "plain", "ab", "compound"


@dataclass
class _RowCells:
    """One indicator row of a printed table as it is read, and what is wrong with it."""

    sheet: Sheet
    row: int
    table: Table
    errors: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.sheet.where(self.row)

    def where_column(self, column: int) -> str:
        return self.sheet.where(self.row, column)

    def parse(self, column: int) -> ValueCell:
        try:
            return parse_value_cell(self.sheet.get(self.row, column).value)
        except CellError as error:
            self.errors.append(f"{self.sheet.where(self.row, column, self.table.texts.get(column, ''))}：{error}")
            return ValueCell(EMPTY)

    def years(self) -> dict[int, ValueCell]:
        """Each year's cell in year order; a year inside a cell merged from the left continues that cell."""
        found = {}
        for column, year in sorted(self.table.years.items(), key=lambda item: item[1]):
            cell = self.sheet.get(self.row, column)
            merged_from_left = cell.span and cell.span[1] < column and cell.span[1] in self.table.years
            found[year] = ValueCell(CONTINUE) if merged_from_left else self.parse(column)
        return found

    def check_identity(self, number: str, name: str) -> None:
        if not number:
            self.errors.append(f"{self.where}：「番号」が空欄です。")
        if not name:
            self.errors.append(f"{self.where_column(self.table.name)}：指標の名称が空欄です。")

    def check_place(self, context: Context, code: str) -> None:
        if context.measure is None and not code:
            self.errors.append(
                f"{self.where}：どの推進施策の表か分かりません。"
                "表の上に「推進施策５ 住まい」のような行を置くか、「コード」の列を加えてください。"
            )


def _columns(table: Table) -> dict:
    """Where each value of the row comes from, for the preview's messages: (column letter, header)."""
    columns = {
        Col.NUMBER: (get_column_letter(table.number), "番号"),
        Col.NAME: (get_column_letter(table.name), table.texts.get(table.name, "")),
        Col.BASELINE: (get_column_letter(table.baseline), "現況値"),
        Col.BASELINE_NOTE: (get_column_letter(table.baseline), "現況値"),
        Col.BASELINE_TEXT: (get_column_letter(table.baseline), "現況値"),
        Col.TOTAL: (get_column_letter(table.total), "総量"),
        Col.TOTAL_TEXT: (get_column_letter(table.total), "総量"),
        **{year_column(year): (get_column_letter(column), table.texts[column]) for column, year in table.years.items()},
    }
    if table.code:
        columns[Col.CODE] = (get_column_letter(table.code), "コード")
    return columns


def _parts_of(name_labels: dict[str, str], cells: list[ValueCell], row: _RowCells) -> tuple[str, dict[str, _Part]]:
    """How the row is split (PLAIN, LETTERED or COMPOUND) and its parts, keyed "", a/b, or yearly/cumulative."""
    keyed = {part.key for cell in cells if cell.kind == PARTS for part in cell.parts if part.key}
    labelled = [part.label for cell in cells if cell.kind == PARTS for part in cell.parts if not part.key]
    if name_labels or keyed:
        if labelled:
            row.errors.append(
                f"{row.where}：a)・b) の内訳と「{labelled[0]}」のような内訳が一つの指標に混在しています。"
            )
        keys = sorted(set(name_labels) | keyed)
        return LETTERED, {key: _Part(key, label=name_labels.get(key, "")) for key in keys}
    if not labelled:
        return PLAIN, {"": _Part("")}
    parts: dict[str, _Part] = {}
    for label in labelled:
        part = parts.setdefault(_compound_key(label), _Part(_compound_key(label)))
        if part.label and part.label != label:
            row.errors.append(f"{row.where}：内訳名「{part.label}」と「{label}」が同じ内訳になります。")
        part.label = part.label or label
    return COMPOUND, dict(sorted(parts.items(), key=lambda item: item[0] != "yearly"))


def _target_of(mode: str, key: str, cell: ValueCell) -> tuple[str, object] | None:
    """(kind, value) of one part in one cell, or None when the cell says nothing about that part.

    The kind "error" marks a single number in a row of a)/b) parts: it cannot be told which part it is.
    """
    if cell.kind == PARTS:
        found = next((part for part in cell.parts if (part.key or _compound_key(part.label)) == key), None)
        return ("number", found) if found is not None else None
    if cell.kind == NUMBER:
        if mode == LETTERED:
            return "error", None
        return ("number", cell) if key in ("", "yearly") else None
    if cell.kind in (DASH, TEXT, DEFERRED, CONTINUE):
        return cell.kind, cell
    return None


def _unit_and_qualifier(cells: list[ValueCell], mode: str, parts: dict[str, _Part], row: _RowCells):
    """The row's one unit and qualifier (延べ, 重複あり); ABSENT for both when the row holds no number."""
    numbers = [cell for cell in cells if cell.kind == NUMBER] + [part for cell in cells for part in cell.parts]
    for cell in cells:
        for part in cell.parts:
            if mode == PLAIN:
                row.errors.append(
                    f"{row.where}：値が内訳（{part.key or part.label}）に分かれていますが、指標は内訳のない指標です。"
                )
            elif mode == LETTERED and part.key and part.key not in parts:
                row.errors.append(f"{row.where}：内訳「{part.key})」が名称にありません。")
    if not numbers:
        return ABSENT, ABSENT
    units = sorted({number.unit for number in numbers if number.unit})
    if len(units) > 1:
        row.errors.append(f"{row.where}：単位が揃っていません（{'、'.join(units)}）。")
    return (units[0] if units else ""), next((number.qualifier for number in numbers if number.qualifier), "")


def _read_baseline(part: _Part, found, row: _RowCells) -> None:
    kind, value = found or (None, None)
    if kind == "number":
        part.baseline, part.note = value.value, value.note
    elif kind == "error":
        row.errors.append(f"{row.where_column(row.table.baseline)}：a) と b) の現況値を分けて書いてください。")
    elif kind in (DASH, TEXT):
        part.baseline_text = value.text


def _read_total(part: _Part, found, row: _RowCells) -> None:
    kind, value = found or (None, None)
    if kind == "number":
        part.total = value.value
        part.total_text = _total_text(value)
    elif kind == "error":
        row.errors.append(f"{row.where_column(row.table.total)}：a) と b) の総量を分けて書いてください。")
    elif kind in (DASH, TEXT):
        part.total_text = value.text


def _read_years(part: _Part, found_by_year: dict, row: _RowCells) -> None:
    """Each year's target of a part as the flat template writes it; a merged cell continues only a target."""
    open_target = False
    for year, found in found_by_year.items():
        kind, value = found or (None, None)
        text = ""
        if kind == "number":
            text = plain_number(value.value) + (
                value.unit + "".join(f"（{r}）" for r in value.remarks) if value.remarks else ""
            )
        elif kind == "error":
            row.errors.append(
                f"{row.where_column(_column_of(row.table, year))}：a) と b) の目標を分けて書いてください。"
            )
        elif kind == TEXT:
            text = value.text
        elif kind == DEFERRED:
            text = DEFERRED_PREFIX + value.text
        elif kind == CONTINUE and open_target:
            text = CONTINUE_MARK
        open_target = bool(text)
        part.years[year] = text


def _part_values(key: str, part: _Part) -> dict:
    return {
        Col.PART: key,
        Col.PART_LABEL: part.label,
        Col.BASELINE: plain_number(part.baseline),
        Col.BASELINE_NOTE: part.note,
        Col.BASELINE_TEXT: part.baseline_text,
        Col.TOTAL: plain_number(part.total),
        Col.TOTAL_TEXT: part.total_text,
        **{year_column(year): text for year, text in part.years.items()},
    }


def _part_source(source: RowSource, mode: str, key: str) -> RowSource:
    part_source = RowSource(source.where, columns=source.columns, errors=source.errors, defaults=dict(source.defaults))
    if mode == COMPOUND:
        part_source.defaults[Col.PART_TOTAL_KIND] = (
            Indicator.TotalKind.CUMULATIVE if key == "cumulative" else Indicator.TotalKind.SUM
        )
    return part_source


def _compound_key(label: str) -> str:
    """整備数 → yearly, 累計整備数 → cumulative: a running total is named 累計…."""
    return "cumulative" if label.startswith("累計") else "yearly"


def _total_text(value) -> str:
    if not value.remarks:
        return ""
    return plain_number(value.value) + value.unit + "".join(f"（{remark}）" for remark in value.remarks)


def _column_of(table: Table, year: int) -> int:
    return next(column for column, y in table.years.items() if y == year)


# Writing the plan in the printed layout.

_THIN = Side(style="thin", color="767676")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E8F1FE")
_WRAP = Alignment(wrap_text=True, vertical="top")


def export_workbook(measures=None) -> bytes:
    """One sheet per 推進施策, its tables as printed; imports back with no changes."""
    measures = list(measures if measures is not None else Measure.objects.in_plan_order())
    indicators = list(Indicator.objects.filter(vision__measure__in=measures).with_structure().in_plan_order())
    relistings = list(
        Relisting.objects.filter(vision__measure__in=measures)
        .select_related("vision", "indicator__vision__measure__goal")
        .prefetch_related("indicator__series__targets", "indicator__plan_items")
    )
    plan = plan_years()
    years = sorted(
        set(printed_years())
        | {
            year
            for indicator in indicators
            for series in indicator.series.all()
            for target in series.targets.all()
            for year in target.years
            if year in plan
        }
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    for measure in measures:
        title = (
            f"推進施策{measure.number}"
            if measure.goal.number == 1
            else f"目標{measure.goal.number}-推進施策{measure.number}"
        )
        sheet = workbook.create_sheet(title[:31])
        width = 5 + len(years)
        _title_row(sheet, f"基本目標{measure.goal.number}　{measure.goal.title}", width, bold=True)
        _title_row(sheet, f"推進施策{measure.number}　{measure.title}", width, bold=True, size=14)
        for vision in measure.visions.order_by("number"):
            sheet.append([])
            _title_row(sheet, f"めざす姿{vision.number}　{vision.statement}", width)
            for kind, label in Indicator.Kind.choices:
                rows = [(i, i.number, False) for i in indicators if i.vision_id == vision.pk and i.kind == kind]
                rows += [
                    (r.indicator, r.number, True)
                    for r in relistings
                    if r.vision_id == vision.pk and r.indicator.kind == kind
                ]
                if not rows:
                    continue
                _title_row(sheet, f"■取組みの{label}■", width)
                header = ["番号", label, "現況値", *(f"{era_label(y)}\n（{y}年度）" for y in years), "総量", "コード"]
                sheet.append(header)
                for cell in sheet[sheet.max_row]:
                    cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEADER_FILL, _BORDER, _WRAP
                for indicator, number, relisted in rows:
                    _indicator_row(sheet, indicator, number, relisted, years)
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 36
        for index in range(3, width):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.column_dimensions[get_column_letter(width)].width = 18
    if not workbook.worksheets:
        workbook.create_sheet("計画")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_row(sheet, text: str, width: int, *, bold: bool = False, size: int | None = None) -> None:
    sheet.append([escape_formula(text)])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.cell(row=row, column=1).font = Font(bold=bold, size=size) if size else Font(bold=bold)
    sheet.cell(row=row, column=1).alignment = _WRAP


def _indicator_row(sheet, indicator: Indicator, number: str, relisted: bool, years: list[int]) -> None:
    parts = sorted(indicator.series.all(), key=lambda s: (s.position, s.pk))
    mode = (
        "plain"
        if [p.key for p in parts] == [""]
        else ("compound" if {p.key for p in parts} <= {"yearly", "cumulative"} else "ab")
    )
    name = indicator.name + ("【再掲】" if relisted else "")
    if mode == "ab":
        name += "".join(f"\n{p.key}){p.label}" for p in parts)
    refs = indicator.plan_refs()
    if refs:
        name += "\n" + "".join(item.printed_label for item in refs)
    row_values = [number, name, _baseline_text(indicator, parts, mode)]
    spans: list[tuple[int, int]] = []
    year_values = []
    index = 0
    while index < len(years):
        year = years[index]
        content, end = _year_text(indicator, parts, mode, year)
        last = index
        while last + 1 < len(years) and years[last + 1] <= end:
            last += 1
        year_values.append(content)
        year_values.extend([None] * (last - index))
        if last > index:
            spans.append((index, last))
        index = last + 1
    row_values += year_values
    row_values += [_total_text_of(indicator, parts, mode), indicator.code]
    sheet.append([escape_formula(value) if isinstance(value, str) else value for value in row_values])
    row = sheet.max_row
    for first, last in spans:
        sheet.merge_cells(start_row=row, start_column=4 + first, end_row=row, end_column=4 + last)
    for cell in sheet[row]:
        cell.border, cell.alignment = _BORDER, _WRAP


def _amount(indicator: Indicator, series: Series, value) -> str:
    text = format_value(value, series.effective_unit)
    if indicator.qualifier == "延べ":
        text = "延べ" + text
    elif indicator.qualifier == "重複あり":
        text += "（重複あり）"
    return text


def _labelled(mode: str, series: Series) -> str:
    # a)/b) lead their value on the same line (a)58件); 整備数 / 累計整備数 stand on a line of their own.
    return series.part_mark if mode == "ab" else f"{series.part_mark}\n"


def _baseline_text(indicator: Indicator, parts: list[Series], mode: str) -> str:
    if mode == "plain":
        series = parts[0]
        if series.baseline_value is None:
            return series.baseline_text
        return _amount(indicator, series, series.baseline_value) + (
            f"\n（{series.baseline_note}）" if series.baseline_note else ""
        )
    if all(p.baseline_value is None for p in parts):
        texts = {p.baseline_text for p in parts}
        return texts.pop() if len(texts) == 1 else ""
    notes = {p.baseline_note for p in parts if p.baseline_value is not None}
    shared = notes.pop() if len(notes) == 1 else ""
    lines = []
    for p in parts:
        if p.baseline_value is None:
            continue
        own = f"（{p.baseline_note}）" if p.baseline_note and not shared else ""
        lines.append(_labelled(mode, p) + _amount(indicator, p, p.baseline_value) + own)
    return "\n".join(lines) + (f"\n（{shared}）" if shared else "")


def _year_text(indicator: Indicator, parts: list[Series], mode: str, year: int) -> tuple[str | None, int]:
    """The cell of one year, and the last year it covers (a target merged across years)."""
    covering = [(p, p.target_for(year)) for p in parts]
    covering = [(p, t) for p, t in covering if t is not None]
    if not covering:
        return None, year
    starts = {t.fiscal_year for _, t in covering}
    ends = {t.end_fiscal_year for _, t in covering}
    end = ends.pop() if len(ends) == 1 and starts == {year} else year
    words = {(t.text, t.deferred_to) for _, t in covering if t.value is None}
    numbers = [(p, t) for p, t in covering if t.value is not None]
    if words and not numbers and len(words) == 1 and len(covering) == len(parts):
        text, deferred = words.pop()
        if deferred:
            return (deferred if "計画に基づく" in deferred else DEFERRED_PREFIX + deferred), end
        return text, end
    if mode == "plain":
        target = covering[0][1]
        return (_amount(indicator, parts[0], target.value) if target.value is not None else target.text), end
    if mode == "compound" and [p.key for p, _ in numbers] == ["yearly"] and len(covering) == 1:
        series, target = numbers[0]
        return _amount(indicator, series, target.value), end
    return "\n".join(_labelled(mode, p) + _amount(indicator, p, t.value) for p, t in numbers), end


def _total_text_of(indicator: Indicator, parts: list[Series], mode: str) -> str:
    def one(series: Series) -> str:
        if series.total_value is None:
            return series.total_text
        if series.total_text:
            return series.total_text
        return _amount(indicator, series, series.total_value)

    if mode == "plain":
        return one(parts[0])
    if all(p.total_value is None for p in parts):
        texts = {p.total_text for p in parts}
        return texts.pop() if len(texts) == 1 else ""
    return "\n".join(_labelled(mode, p) + one(p) for p in parts if p.total_value is not None)

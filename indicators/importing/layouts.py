"""Which layout a sheet has, found by the content of its header row — never by a fixed row number.

* flat template:  a row naming 名称 and コード (or 推進施策・めざす姿・種別・番号) → plan data (`flat`)
* actuals sheet:  a row naming コード, 年度 and 実績 → actuals (`actuals`)
* printed tables: rows naming 番号, 行動量 or 成果指標, 現況値 and 総量 (and the years between) → plan data, or
                  actuals when the tables carry 「実績」 rows, as the progress-report workbook does (`printed`)

Sheets with none of these (an explanation sheet, a cover) are skipped. A file holds plan data or actuals, not both.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from indicators.importing import actuals, flat, printed
from indicators.importing.datasets import ACTUALS, PLAN, YEAR_HEADING_WORDS, ACol, Col, Parsed, new_dataset
from setagaya_plan.core import uploads
from setagaya_plan.core.fiscal_years import FiscalYearError, check_within, plan_years, read_fiscal_year_heading
from setagaya_plan.core.uploads import CSV, Cell, ImportFileError, Sheet

HEADER_SEARCH_ROWS = 60

FLAT = "flat"
ACTUALS_SHEET = "actuals_sheet"
PRINTED = "printed"

LAYOUT_LABELS = {
    FLAT: "一覧形式（テンプレート）",
    ACTUALS_SHEET: "実績シート（コード・年度・実績）",
    PRINTED: "計画の表（印刷レイアウト）",
    printed.PROGRESS: "進捗報告ブック（実績行）",
}

_FLAT_ALIASES = {
    "コード": Col.CODE,
    "指標コード": Col.CODE,
    "code": Col.CODE,
    "基本目標": Col.GOAL,
    "推進施策": Col.MEASURE,
    "推進施策番号": Col.MEASURE,
    "推進施策名": Col.MEASURE_TITLE,
    "めざす姿": Col.VISION,
    "めざす姿番号": Col.VISION,
    "めざす姿の文": Col.VISION_STATEMENT,
    "種別": Col.KIND,
    "番号": Col.NUMBER,
    "名称": Col.NAME,
    "指標名": Col.NAME,
    "内訳": Col.PART,
    "内訳キー": Col.PART,
    "内訳名": Col.PART_LABEL,
    "単位": Col.UNIT,
    "内訳の単位": Col.PART_UNIT,
    "方向": Col.DIRECTION,
    "総量の種類": Col.TOTAL_KIND,
    "内訳の総量の種類": Col.PART_TOTAL_KIND,
    "数え方の注記": Col.QUALIFIER,
    "現況値": Col.BASELINE,
    "現況値の時点": Col.BASELINE_NOTE,
    "現況値(表記)": Col.BASELINE_TEXT,
    "総量": Col.TOTAL,
    "総量(表記)": Col.TOTAL_TEXT,
    "実施計画施策": Col.PLAN_REFS,
    "所管課": Col.SECTION,
    "注記(※)": Col.FOOTNOTES,
    "注記": Col.FOOTNOTES,
    "再掲": Col.RELISTED,
}
_ACTUAL_ALIASES = {
    "コード": ACol.CODE,
    "指標コード": ACol.CODE,
    "内訳": ACol.PART,
    "年度": ACol.YEAR,
    "実績": ACol.ACTUAL,
    "実績値": ACol.ACTUAL,
    "コメント": ACol.COMMENT,
    "確認コメント": ACol.COMMENT,
}
_PLACE_COLUMNS = (Col.MEASURE, Col.VISION, Col.KIND, Col.NUMBER)


def header_key(value) -> str:
    """A header cell compared by content: full/half width and spaces do not matter."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


@dataclass
class Header:
    layout: str
    row: int
    columns: dict[int, str]  # column number → canonical column
    years: dict[int, int]  # column number → fiscal year (targets)
    texts: dict[int, str]  # column number → header as printed (for messages)


def read_upload(name: str, data: bytes, *, sheet: str | None = None) -> Parsed:
    """Check, open and read an uploaded file into the canonical dataset; ImportFileError (Japanese) otherwise."""
    kind, sheets = uploads.read(name, data)
    return read_sheets(sheets, only_sheet=sheet, csv=kind == CSV)


def read_sheets(sheets: list[Sheet], *, only_sheet: str | None = None, csv: bool = False) -> Parsed:
    plan_rows = new_dataset(PLAN)
    actual_rows = new_dataset(ACTUALS)
    layouts: list[str] = []
    used: list[str] = []
    hints: list[str] = []
    allowed = plan_years()  # once per file, not per sheet or table
    for sheet in _chosen(sheets, only_sheet):
        header = find_header(sheet, hints)
        if header is None:
            continue
        if header.layout == FLAT:
            flat.read_sheet(sheet, header, plan_rows)
            layout = FLAT
        elif header.layout == ACTUALS_SHEET:
            actuals.read_sheet(sheet, header, actual_rows)
            layout = ACTUALS_SHEET
        else:
            layout = printed.read_sheet(sheet, plan_rows, actual_rows, allowed)
        if csv and layout not in (FLAT, ACTUALS_SHEET):
            raise ImportFileError(
                "CSV で取り込めるのは一覧形式のテンプレートと実績シートです。計画の表は .xlsx で取り込んでください。"
            )
        used.append(sheet.name)
        if LAYOUT_LABELS[layout] not in layouts:
            layouts.append(LAYOUT_LABELS[layout])
    dataset = _one_dataset(plan_rows, actual_rows, layouts, used, hints)
    return Parsed(kind=dataset.kind, dataset=dataset, layouts=layouts, sheets=used)


def _chosen(sheets: list[Sheet], only_sheet: str | None) -> list[Sheet]:
    if not only_sheet:
        return sheets
    chosen = [s for s in sheets if s.name == only_sheet]
    if not chosen:
        names = "、".join(f"「{s.name}」" for s in sheets)
        raise ImportFileError(f"シート「{only_sheet}」がありません（このファイルのシート：{names}）。")
    return chosen


def _one_dataset(plan_rows, actual_rows, layouts: list[str], used: list[str], hints: list[str]):
    """The rows to import: plan data or actuals, never both and never none, with a message that says why."""
    if not used and hints:
        raise ImportFileError(hints[0])
    if not used:
        raise ImportFileError(
            "取り込める表が見つかりません。見出し行に「コード」「名称」（一覧形式）、「番号」「行動量（または成果指標）」"
            "「現況値」「総量」（計画の表）、または「コード」「年度」「実績」（実績シート）が必要です。"
        )
    if len(plan_rows) and len(actual_rows):
        raise ImportFileError(
            "計画データ（指標・目標）と実績が一つのファイルに入っています。別々のファイルに分けて取り込んでください。"
        )
    dataset = actual_rows if len(actual_rows) else plan_rows
    if not len(dataset):
        if LAYOUT_LABELS[printed.PROGRESS] in layouts:
            raise ImportFileError("「実績」の行に値がありません（取り込む実績がありません）。")
        raise ImportFileError("見出し行の下に取り込む行がありません。")
    return dataset


def find_header(sheet: Sheet, hints: list[str] | None = None) -> Header | None:
    for row in list(sheet.row_numbers())[:HEADER_SEARCH_ROWS]:
        header = header_of_row(sheet, row, hints)
        if header is not None:
            return header
    return None


def header_of_row(sheet: Sheet, row: int, hints: list[str] | None = None) -> Header | None:
    """The row's header, or None; a row that almost is a template header leaves a hint for the final message."""
    hints = hints if hints is not None else []
    cells = [cell for cell in sheet.row_cells(row) if not cell.is_empty]
    keys = {cell.column: header_key(cell.value) for cell in cells}
    found = set(keys.values())
    if {"コード", "年度"} <= found and found & {"実績", "実績値"}:
        return _header(sheet, row, cells, ACTUALS_SHEET, _ACTUAL_ALIASES, years=False)
    if printed.is_header(found):
        return Header(layout=PRINTED, row=row, columns={}, years={}, texts={})
    flat_columns = {_FLAT_ALIASES[key] for key in found if key in _FLAT_ALIASES}
    if Col.NAME in flat_columns and (Col.CODE in flat_columns or len(flat_columns) >= 3):
        if any(key.startswith("実績") for key in found):
            return None  # a report's list (実績（承認済）, 達成率 …), not the template
        if Col.CODE not in flat_columns and not set(_PLACE_COLUMNS) <= flat_columns:
            missing = "」「".join(column for column in _PLACE_COLUMNS if column not in flat_columns)
            hints.append(
                f"シート「{sheet.name}」 {row}行目の見出しに「コード」の列、または「{missing}」の列が必要です。"
            )
            return None
        return _header(sheet, row, cells, FLAT, _FLAT_ALIASES, years=True)
    return None


def _header(sheet: Sheet, row: int, cells: list[Cell], layout: str, aliases: dict, *, years: bool) -> Header:
    columns: dict[int, str] = {}
    year_columns: dict[int, int] = {}
    texts: dict[int, str] = {}
    seen: dict[str, Cell] = {}
    within: range | None = None  # the plan's years, read at the first year heading (one query, not one per column)
    for cell in cells:
        key = header_key(cell.value)
        texts[cell.column] = " ".join(str(cell.value).split())
        name = aliases.get(key)
        if name is None and years:
            try:
                parsed = read_fiscal_year_heading(cell.value, YEAR_HEADING_WORDS)
            except FiscalYearError as error:
                raise ImportFileError(f"{sheet.where(row, cell.column)}：{error.message}") from None
            if parsed is not None:
                year, suffix = parsed
                if suffix == "実績":
                    continue  # a progress export's actual columns: not targets
                within = plan_years() if within is None else within
                try:
                    check_within(year, within)
                except FiscalYearError as error:
                    raise ImportFileError(
                        f"{sheet.where(row, cell.column)}の見出し「{texts[cell.column]}」：{error}"
                    ) from None
                name = f"year:{year}"
        if name is None:
            continue
        if cell.span and cell.span[1] != cell.column:
            continue  # the rest of a header merged across columns
        if name in seen:
            first = seen[name]
            raise ImportFileError(
                f"シート「{sheet.name}」 {row}行目：見出し「{texts[cell.column]}」が2列あります"
                f"（{first.letter}列と{cell.letter}列）。"
            )
        seen[name] = cell
        if name.startswith("year:"):
            year_columns[cell.column] = int(name[5:])
        else:
            columns[cell.column] = name
    return Header(layout=layout, row=row, columns=columns, years=year_columns, texts=texts)

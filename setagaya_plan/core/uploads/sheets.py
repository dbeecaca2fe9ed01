"""A workbook or CSV as plain sheets of cells: merged ranges filled, formulas replaced by their saved results.

openpyxl is used in normal (not read-only) mode because read-only mode loses merged ranges. A formula is never
evaluated: the workbook is opened a second time with `data_only=True` to read the result Excel saved with it, and
a formula without a saved result is an error naming its cells, never an empty cell. With defusedxml installed
openpyxl parses every part through it, so a workbook with entity definitions (an XML bomb) is refused here.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from openpyxl.utils import get_column_letter

from setagaya_plan.core.uploads.errors import ImportFileError, Where
from setagaya_plan.core.uploads.safety import MESSAGE_NOT_XLSX

logger = logging.getLogger(__name__)

MAX_COLUMNS = 200
_LISTED_PLACES = 10


@dataclass
class Cell:
    value: object
    row: int
    column: int
    # (min_row, min_col, max_row, max_col) of the merged range the cell belongs to, or None.
    span: tuple[int, int, int, int] | None = None

    @property
    def letter(self) -> str:
        return get_column_letter(self.column)

    @property
    def origin(self) -> tuple[int, int]:
        return (self.span[0], self.span[1]) if self.span else (self.row, self.column)

    @property
    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    def text(self) -> str:
        if self.value is None:
            return ""
        return str(self.value).strip()


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    # max_column is asked for every row read: worked out again only when cells were added (never per row).
    _widest: tuple[int, int] = field(default=(-1, 0), init=False, repr=False, compare=False)

    @property
    def max_row(self) -> int:
        return max((row for row, _ in self.cells), default=0)

    @property
    def max_column(self) -> int:
        if self._widest[0] != len(self.cells):
            self._widest = (len(self.cells), max((column for _, column in self.cells), default=0))
        return self._widest[1]

    def get(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column)) or Cell(None, row, column)

    def row_cells(self, row: int, width: int | None = None) -> list[Cell]:
        return [self.get(row, column) for column in range(1, (width or self.max_column) + 1)]

    def row_numbers(self) -> Iterator[int]:
        """Rows holding at least one value, top to bottom."""
        yield from sorted({row for (row, _), cell in self.cells.items() if not cell.is_empty})

    def where(self, row: int, column: int | None = None, header: str = "") -> Where:
        return Where(self.name, row, get_column_letter(column) if column else "", header)

    @property
    def is_empty(self) -> bool:
        return all(cell.is_empty for cell in self.cells.values())


def read_xlsx(data: bytes) -> list[Sheet]:  # noqa: C901
    workbook = _load(data, data_only=False)
    formulas = [
        (worksheet.title, cell.coordinate)
        for worksheet in workbook.worksheets
        for cell in _existing_cells(worksheet)
        if cell.data_type == "f"
    ]
    saved = _load(data, data_only=True) if formulas else None
    missing: list[str] = []
    errors: list[str] = []
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.max_row > settings.IMPORT_MAX_ROWS:
            raise ImportFileError(
                f"シート「{worksheet.title}」の行数が多すぎます（{worksheet.max_row:,}行目まで）。"
                f"1ファイル {settings.IMPORT_MAX_ROWS:,} 行までです。不要な行を削除してください。"
            )
        if worksheet.max_column > MAX_COLUMNS:
            raise ImportFileError(
                f"シート「{worksheet.title}」の列が多すぎます（{worksheet.max_column}列）。{MAX_COLUMNS}列までです。"
            )
        sheet = Sheet(worksheet.title)
        for cell in _existing_cells(worksheet):
            value = cell.value
            if cell.data_type == "f":
                result = saved[worksheet.title][cell.coordinate]
                value = result.value
                if value is None:
                    missing.append(f"シート「{worksheet.title}」 {cell.coordinate}")
                    continue
                if result.data_type == "e":
                    errors.append(f"シート「{worksheet.title}」 {cell.coordinate}（{value}）")
                    continue
            elif cell.data_type == "e":
                errors.append(f"シート「{worksheet.title}」 {cell.coordinate}（{value}）")
                continue
            if value is None:
                continue
            sheet.cells[(cell.row, cell.column)] = Cell(value, cell.row, cell.column)
        for merged in worksheet.merged_cells.ranges:
            bounds = (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
            top_left = sheet.cells.get((merged.min_row, merged.min_col))
            value = top_left.value if top_left else None
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    sheet.cells[(row, column)] = Cell(value, row, column, bounds)
        sheets.append(sheet)
    if missing:
        raise ImportFileError(
            "数式の計算結果が保存されていないセルがあります："
            + _listed(missing)
            + "。数式は取込みで計算しません。Excel で開いて保存し直すか、値として貼り付けてください。"
        )
    if errors:
        raise ImportFileError("エラー値のセルがあります：" + _listed(errors) + "。正しい値を入力してください。")
    _refuse_empty(sheets)
    return sheets


def read_csv(data: bytes, name: str = "CSV") -> list[Sheet]:
    text = decode_csv(data)
    sheet = Sheet(name)
    try:
        for row_number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            for column_number, value in enumerate(values, start=1):
                if value.strip():
                    sheet.cells[(row_number, column_number)] = Cell(value, row_number, column_number)
    except csv.Error as error:
        raise ImportFileError(
            f"CSV として読み取れません（{error}）。Excel で「CSV UTF-8」形式で保存し直してください。"
        ) from None
    _refuse_empty([sheet])
    return [sheet]


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or cp932 (Excel's 「CSV（コンマ区切り）」 on Japanese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            "UTF-16 のテキストは取り込めません。Excel で「CSV UTF-8（コンマ区切り）」形式で保存してください。"
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFileError("CSV の文字コードを判別できません。UTF-8 または Shift_JIS（cp932）で保存し直してください。")


def _existing_cells(worksheet):
    # Only the cells the file holds: iter_rows() would create every empty cell up to max_row × max_column.
    return list(worksheet._cells.values())


def _load(data: bytes, *, data_only: bool):
    try:
        with warnings.catch_warnings():
            # Unsupported extensions (data validation, conditional formats) do not matter for reading values.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False, rich_text=False)
    except Exception as error:
        if _caused_by(error, DefusedXmlException):
            raise ImportFileError(
                "ファイルに安全でない XML（エンティティ定義・DTD）が含まれているため取り込めません。"
                "Excel で新しいブックに貼り付けて保存し直してください。"
            ) from None
        # Whatever else openpyxl trips over in a malformed file, the person gets a message, not a server error.
        logger.info("workbook could not be read: %r", error)
        raise ImportFileError(MESSAGE_NOT_XLSX) from None


def _caused_by(error: BaseException, kinds) -> bool:
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _refuse_empty(sheets: list[Sheet]) -> None:
    if not sheets or all(sheet.is_empty for sheet in sheets):
        raise ImportFileError("ファイルにデータがありません（空のブックです）。")


def _listed(places: list[str]) -> str:
    shown = "、".join(places[:_LISTED_PLACES])
    if len(places) > _LISTED_PLACES:
        shown += f" ほか{len(places) - _LISTED_PLACES}か所"
    return shown

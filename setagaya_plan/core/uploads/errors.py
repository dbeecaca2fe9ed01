"""What went wrong, in Japanese, and where: a whole file (ImportFileError) or a place in a sheet (Where)."""

from __future__ import annotations

from dataclasses import dataclass


class ImportFileError(Exception):
    """The file cannot be imported at all (too large, wrong type, unreadable, no table). Shown as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Where:
    """A place in the uploaded file, the way a person finds it in Excel: sheet, row number, column letter."""

    sheet: str
    row: int
    column: str = ""
    header: str = ""

    def at_column(self, column: str, header: str = "") -> Where:
        return Where(self.sheet, self.row, column, header)

    def __str__(self) -> str:
        place = f"シート「{self.sheet}」 {self.row}行目"
        if self.column:
            place += f" {self.column}列"
            if self.header:
                place += f"（{self.header}）"
        return place


def format_size(size: int) -> str:
    """10485760 → 10 MB; the unit a person reads in Explorer."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} バイト"

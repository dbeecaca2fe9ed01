"""The one upload pipeline both importers use: the 実施計画 workbooks (indicators.importing) and the consultation
counts (consultations.imports). docs/import.md describes what a person sees.

1. `safety`  — size cap, file type (.xlsx / .csv; .xls, .xlsm and encrypted files refused), zip-bomb and row-cap
               checks, all before anything is parsed (`check_size` even before the file is read).
2. `sheets`  — the workbook (openpyxl through defusedxml, merged ranges filled, formulas never evaluated) or the
               CSV (UTF-8 with or without BOM, cp932) as plain sheets of cells.
3. `errors`  — ImportFileError (the whole file, in Japanese) and Where (sheet, row, column as Excel shows them).
4. `pending` — an upload waiting for its preview to be confirmed, in the shared cache for IMPORT_PENDING_SECONDS.

What a file's rows mean (layouts, columns, checks per row) is each importer's own.
"""

from __future__ import annotations

from setagaya_plan.core.uploads.errors import ImportFileError, Where, format_size
from setagaya_plan.core.uploads.safety import CSV, XLSX, check_size, check_upload
from setagaya_plan.core.uploads.sheets import Cell, Sheet, read_csv, read_xlsx

__all__ = [
    "CSV",
    "XLSX",
    "Cell",
    "ImportFileError",
    "Sheet",
    "Where",
    "check_size",
    "check_upload",
    "format_size",
    "read",
]


def read(name: str, data: bytes) -> tuple[str, list[Sheet]]:
    """Check an uploaded file and read it: (CSV or XLSX, its sheets); ImportFileError (Japanese) otherwise."""
    kind = check_upload(name, data)
    return kind, read_csv(data) if kind == CSV else read_xlsx(data)

"""django-import-export formats that read through the safety checks and layouts, and export escaped cells.

The stock XLSX format opens workbooks in read-only mode (merged cells lost, only the active sheet, row 1 as the
header) and its formula escaping strips a leading "=" only. These read every layout by content and, on export,
prefix a quote to any text beginning with = + - @ (setagaya_plan.lib.spreadsheet.escape_formula), numbers kept.
"""

from __future__ import annotations

import csv
import io

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.importing.cells import plain_number
from indicators.importing.layouts import read_sheets
from setagaya_plan.core.uploads.safety import check_csv, check_xlsx
from setagaya_plan.core.uploads.sheets import read_csv, read_xlsx
from setagaya_plan.lib.spreadsheet import escape_formula


class SafeXLSX(base_formats.XLSX):
    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode()
        check_xlsx(data)
        return read_sheets(read_xlsx(data)).dataset

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "データ")[:31]
        sheet.append(list(dataset.headers or []))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in dataset:
            sheet.append([escape_formula(_native(value)) for value in row])
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class SafeCSV(base_formats.CSV):
    def get_title(self):
        return "csv"

    def is_binary(self):
        # Read as bytes so that cp932 files are detected here, not decoded as UTF-8 by the admin first.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream):
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        check_csv(data)
        return read_sheets(read_csv(data), csv=True).dataset

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(list(dataset.headers or []))
        for row in dataset:
            writer.writerow([escape_formula(value) if isinstance(value, str) else _text(value) for value in row])
        return buffer.getvalue().encode("utf-8-sig")


def _native(value):
    return "" if value is None else value


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "as_tuple"):
        return plain_number(value)
    return str(value)


FORMATS = [SafeXLSX, SafeCSV]

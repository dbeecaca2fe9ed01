"""Small builders for test files: a workbook from rows, a CSV in an encoding, and surgery on an xlsx's parts."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook


def xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook with one sheet per item; `merges` lists ranges ("D5:F5") per sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same xlsx with one part (e.g. xl/worksheets/sheet1.xml) changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def cache_formula_result(data: bytes, member: str, coordinate: str, result: str, *, error: bool = False) -> bytes:
    """Give a formula cell the result Excel would have saved with it (openpyxl writes formulas without one)."""

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        start = text.index(f'<c r="{coordinate}"')
        end = text.index("</c>", start)
        cell = text[start:end]
        for empty in ("<v />", "<v/>", "<v></v>"):
            cell = cell.replace(empty, "")
        if error:
            cell = cell.replace(f'<c r="{coordinate}"', f'<c r="{coordinate}" t="e"', 1)
        return (text[:start] + cell + f"<v>{result}</v>" + text[end:]).encode()

    return rewrite(data, member, change)


def compound_file(*stream_names: str) -> bytes:
    """The start of an OLE2 compound file (what .xls and password-protected .xlsx are) naming its streams.

    Excel's encrypted workbook is such a file with the streams EncryptionInfo and EncryptedPackage; an .xls has
    Workbook. The import looks only at the signature and the stream names, so this is what it sees of either.
    """
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header = header.ljust(512, b"\x00")
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in ("Root Entry", *stream_names)
    )
    return (header + directory).ljust(4096, b"\x00")

"""Checks an upload passes before anything parses it: size, type, zip bomb, row count.

Nothing here opens the workbook with openpyxl. The zip's central directory gives every member's uncompressed size
(zipfile never inflates a member past its declared size, so the sum is a real bound), and the rows are counted by
scanning the worksheet XML for row tags as it streams out of the archive — cheap, and bounded by the size cap that
was checked first. XML bombs are openpyxl's to refuse: with defusedxml installed it parses through it (`grid`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from django.conf import settings

from setagaya_plan.core.uploads.errors import ImportFileError, format_size

XLSX = "xlsx"
CSV = "csv"

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also an encrypted .xlsx (a compound file)
ZIP_SIGNATURE = b"PK\x03\x04"
# Excel stores a password-protected workbook as a compound file with these streams (MS-OFFCRYPTO).
ENCRYPTION_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_TAG_LOOKBEHIND = 32

MESSAGE_XLS = (
    "Excel 97-2003 形式（.xls）のファイルは取り込めません。"
    "Excel で開き「名前を付けて保存」から .xlsx 形式で保存し直してください。"
)
MESSAGE_ENCRYPTED = (
    "パスワードで保護（暗号化）されたファイルは取り込めません。Excel でパスワードを解除してから保存し直してください。"
)
MESSAGE_EMPTY = "ファイルが空です（0 バイト）。"
MESSAGE_NOT_XLSX = "Excel ファイル（.xlsx）として読み取れません。ファイルが壊れているか、別の形式のファイルです。"


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def check_size(size: int) -> None:
    cap = max_upload_bytes()
    if size > cap:
        raise ImportFileError(
            f"ファイルが大きすぎます（{format_size(size)}）。取り込めるのは {format_size(cap)} までです。"
        )
    if size == 0:
        raise ImportFileError(MESSAGE_EMPTY)


def check_upload(name: str, data: bytes) -> str:
    """The kind of file (XLSX or CSV) once it passes every check; ImportFileError (Japanese) otherwise."""
    check_size(len(data))
    suffix = PurePath(name or "").suffix.lower()
    if data.startswith(OLE2_SIGNATURE):
        _refuse_compound_file(data)
    if suffix == ".xls":
        raise ImportFileError(MESSAGE_XLS)
    if suffix == ".xlsm":
        raise ImportFileError("マクロ付きブック（.xlsm）は取り込めません。.xlsx 形式で保存し直してください。")
    if suffix == ".xlsx":
        check_xlsx(data)
        return XLSX
    if suffix == ".csv":
        check_csv(data)
        return CSV
    raise ImportFileError(
        f"「{PurePath(name or '').name}」は取り込めない種類のファイルです。"
        "Excel（.xlsx）または CSV（.csv）を選んでください。"
    )


def check_xlsx(data: bytes) -> None:
    check_size(len(data))
    if data.startswith(OLE2_SIGNATURE):
        _refuse_compound_file(data)
    if not data.startswith(ZIP_SIGNATURE):
        raise ImportFileError(MESSAGE_NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportFileError(MESSAGE_NOT_XLSX) from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(MESSAGE_NOT_XLSX)
    if any(member.flag_bits & 0x1 for member in members):
        raise ImportFileError(MESSAGE_ENCRYPTED)
    cap = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    uncompressed = sum(member.file_size for member in members)
    if uncompressed > cap:
        raise ImportFileError(
            f"ファイルを展開すると大きすぎます（{format_size(uncompressed)}、上限 {format_size(cap)}）。"
            "圧縮を悪用したファイル（zip 爆弾）の可能性があるため取り込みません。"
        )
    rows = 0
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            rows += _count_rows(archive, member)
            _check_rows(rows)


def check_csv(data: bytes) -> None:
    check_size(len(data))
    # Counting line breaks over-counts quoted multi-line cells, which errs on the safe side.
    _check_rows(data.count(b"\n") + (0 if data.endswith(b"\n") else 1))


def _check_rows(rows: int) -> None:
    cap = settings.IMPORT_MAX_ROWS
    if rows > cap:
        raise ImportFileError(
            f"行数が多すぎます（{rows:,}行以上）。1ファイル {cap:,} 行までです。ファイルを分けてください。"
        )


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    count = 0
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 16):
                buffer = tail + chunk
                # A tag that straddles two chunks is counted once, in the chunk where it ends.
                cut = max(len(buffer) - _TAG_LOOKBEHIND, 0)
                count += sum(1 for match in _ROW_TAG.finditer(buffer) if match.start() < cut)
                tail = buffer[cut:]
                _check_rows(count)
        count += len(_ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise ImportFileError(MESSAGE_NOT_XLSX) from None
    return count


def _refuse_compound_file(data: bytes) -> None:
    if any(marker in data for marker in ENCRYPTION_STREAMS):
        raise ImportFileError(MESSAGE_ENCRYPTED)
    raise ImportFileError(MESSAGE_XLS)

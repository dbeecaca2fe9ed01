"""Cells that are safe to open in Excel, and Decimals written as spreadsheet numbers.

A cell that begins with = + - @ (or a tab / carriage return that Excel skips) is run as a formula when a CSV or
xlsx is opened ("formula injection"). Such text cells get a leading single quote, as OWASP recommends. Numbers
are never touched, so a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from setagaya_plan.lib.numerals import is_percent

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_number(value: Decimal | None) -> int | Decimal | None:
    """A stored Decimal as a spreadsheet number: 280.0000 → 280, 92.8000 → 92.8; None stays empty.

    Exact: a non-integral value stays a Decimal (openpyxl and the csv module write its digits), so a workbook
    exported with data imports back unchanged. Infinite values (a rate over 0) have no cell.
    """
    if value is None or not value.is_finite():
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else normalized


def number_format(value: Decimal, unit: str = "", suffix: str = "") -> str:
    """The Excel number format that shows a number as printed, its unit and note kept as literal text.

    130 回 with the note 令和5年度見込み → #,##0"回（令和5年度見込み）": the cell shows 130回（令和5年度見込み）
    and still adds up. A percentage keeps one decimal at least (0.0"%"), like the printed tables and the screens.
    """
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if is_percent(unit):
        return "0." + "0" * max(places, 1) + _literal("%" + suffix)
    base = "#,##0" + ("." + "0" * places if places else "")
    return base + _literal(unit + suffix)


def _literal(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


def excel_csv(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """CSV that Excel on Windows opens as it is: UTF-8 with BOM, CRLF, text cells escaped against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape_formula(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")

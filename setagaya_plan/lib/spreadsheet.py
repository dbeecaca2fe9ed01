"""Cells that are safe to open in Excel.

A cell that begins with = + - @ (or a tab / carriage return that Excel skips) is run as a formula when a CSV or
xlsx is opened ("formula injection"). Such text cells get a leading single quote, as OWASP recommends. Numbers
are never touched, so a negative number stays a number.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value

"""Path converters for the numbers in the project's URLs: a fiscal year and the small numbers of the plan.

Django's `int` converter takes any run of digits; twenty of them reach the database as a number SQLite cannot
hold (OverflowError → HTTP 500). These take only as many digits as the value can have, so anything longer is
simply a URL that does not exist (404) before a view runs. Importing this module registers them; every URLconf
that uses them imports it.
"""

from __future__ import annotations

from django.urls import register_converter


class FiscalYearConverter:
    """<fiscal_year:year>: a Western fiscal year, four ASCII digits (2024)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SmallNumberConverter:
    """<number:…>: a month, a 基本目標 or 推進施策 number — one to four ASCII digits."""

    regex = "[0-9]{1,4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(FiscalYearConverter, "fiscal_year")
register_converter(SmallNumberConverter, "number")

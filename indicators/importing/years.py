"""Fiscal years as spreadsheets write them: 2024, 2024年度, 令和6年度, 令和６年度（２０２４年度）, R6."""

from __future__ import annotations

import datetime
import re
import unicodedata

from setagaya_plan.core.fiscal_years import REIWA_OFFSET, fiscal_year_label

_REIWA = re.compile(
    r"^(?:令和|R)(?P<n>\d{1,2}|元)(?:年度?)?(?:\((?P<western>\d{4})(?:年度?)?\))?(?P<suffix>目標|実績)?$"
)
_WESTERN = re.compile(r"^(?P<western>\d{4})(?:年度?)?(?P<suffix>目標|実績)?$")


class YearError(ValueError):
    pass


def parse_fiscal_year(raw) -> int:
    """The Western number of a fiscal year; YearError (Japanese) when it cannot be read or 和暦 and 西暦 differ."""
    found = _match(raw)
    if found is None:
        raise YearError(f"年度「{_shown(raw)}」を読み取れません（例：2024、令和6年度）。")
    return found[0]


def parse_year_header(raw) -> tuple[int, str] | None:
    """A column header naming a fiscal year: (year, "目標" | "実績" | ""), or None when it names none."""
    return _match(raw)


def _match(raw) -> tuple[int, str] | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, datetime.date):
        return None
    if isinstance(raw, int | float):
        if float(raw).is_integer() and 1900 < raw < 2200:
            return int(raw), ""
        return None
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
    match = _REIWA.match(text)
    if match:
        n = 1 if match.group("n") == "元" else int(match.group("n"))
        year = n + REIWA_OFFSET
        western = match.group("western")
        if western and int(western) != year:
            raise YearError(f"「{_shown(raw)}」の和暦と西暦が一致しません（令和{n}年度は{year}年度です）。")
        return year, match.group("suffix") or ""
    match = _WESTERN.match(text)
    if match:
        year = int(match.group("western"))
        if 1900 < year < 2200:
            return year, match.group("suffix") or ""
    return None


def check_in_plan(year: int, plan_years: range) -> None:
    if year not in plan_years:
        raise YearError(
            f"{fiscal_year_label(year)}は計画期間（{fiscal_year_label(plan_years.start)}～"
            f"{fiscal_year_label(plan_years.stop - 1)}）の外です。"
        )


def _shown(raw) -> str:
    return " ".join(str(raw).split())

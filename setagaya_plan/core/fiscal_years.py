"""Japanese fiscal years (年度, April–March): labels, the calendar, reading them, and the plan's years.

The plan names years the way Japanese documents do, 令和6年度（2024年度）; code uses the Western number of the
year in which the fiscal year starts (FY2024 = 1 April 2024 – 31 March 2025). This module is the one place that
turns a year into text and text into a year, knows which years the plan covers (read from measures.Plan in the
database, never written in code) and which year a page opens on. docs/architecture.md lists what it decides.
"""

from __future__ import annotations

import argparse
import datetime
import re
from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.utils import timezone

from measures.models import Plan

REIWA_OFFSET = 2018  # 令和1年 = 2019
HEISEI_OFFSET = 1988  # 平成1年 = 1989
_HEISEI_LAST = 31  # 平成31年度 is FY2019, the year that became 令和元年度

# Months of a fiscal year in their order (April first).
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)

# A Western year outside these bounds is a typo, not a fiscal year anyone reports on.
_EARLIEST, _LATEST = 1901, 2199
# Long enough for 令和6年度（2024年度）実績 with spaces; anything longer is not a year, and is never echoed whole.
_MAX_TEXT = 40


class FiscalYearError(ValueError):
    """A year or month that cannot be read, or is not allowed here; `message` says why in Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- labels ----------------------------------------------------------------------------------------------------------


def era_year(fiscal_year: int) -> str:
    """令和6 for 2024, 令和元 for 2019, 平成29 for 2017: the era and its year, as printed in official documents."""
    if fiscal_year >= REIWA_OFFSET + 1:
        n = fiscal_year - REIWA_OFFSET
        return f"令和{'元' if n == 1 else n}"
    n = fiscal_year - HEISEI_OFFSET
    return f"平成{'元' if n == 1 else n}"


def era_label(fiscal_year: int) -> str:
    """令和6年度 for 2024, 平成29年度 for 2017."""
    return f"{era_year(fiscal_year)}年度"


def fiscal_year_label(fiscal_year: int) -> str:
    """令和6年度（2024年度）: the label used everywhere in the UI, as in the plan."""
    return f"{era_label(fiscal_year)}（{fiscal_year}年度）"


def period_label(first: int, last: int) -> str:
    """令和6年度（2024年度）～令和13年度（2031年度）: a span of fiscal years as the plan prints its period."""
    if first == last:
        return fiscal_year_label(first)
    return f"{fiscal_year_label(first)}～{fiscal_year_label(last)}"


def plan_period_label(plan: Plan) -> str:
    """A plan's period as the plan prints it on its cover."""
    return period_label(plan.start_fiscal_year, plan.end_fiscal_year)


def month_label(fiscal_year: int, month: int) -> str:
    """2025年1月 for month 1 of FY2024: January–March belong to the calendar year after the fiscal year starts."""
    return f"{calendar_year_of(fiscal_year, month)}年{month}月"


def year_choices(years: Iterable[int]) -> list[tuple[int, str]]:
    """(year, 令和6年度（2024年度）) pairs for a year selector."""
    return [(year, fiscal_year_label(year)) for year in years]


# --- the calendar ----------------------------------------------------------------------------------------------------


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date belongs to: 31 March 2025 is still FY2024."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def calendar_year_of(fiscal_year: int, month: int) -> int:
    """January–March belong to the fiscal year that started the April before."""
    return fiscal_year + 1 if 1 <= month <= 3 else fiscal_year


# --- reading years and months ----------------------------------------------------------------------------------------

# Full-width ASCII (２０２４, Ｒ６, （）) and the ideographic space read as their ASCII forms. Only these: NFKC
# would also turn superscripts (²) and circled digits into digits, which no one types for a year.
_HALF_WIDTH = str.maketrans({**{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}, "\u3000": " "})
_ERA_NAMES = {"令和": REIWA_OFFSET, "R": REIWA_OFFSET, "平成": HEISEI_OFFSET, "H": HEISEI_OFFSET}
_ERA = re.compile(
    r"(?P<era>令和|平成|R|H)(?P<n>[0-9]{1,2}|元)(?:年度?)?(?:\((?P<western>[0-9]{4})(?:年度?)?\))?(?P<rest>.*)",
    re.ASCII | re.IGNORECASE,
)
_WESTERN = re.compile(r"(?:FY)?(?P<western>[0-9]{4})(?:年度?)?(?P<rest>.*)", re.ASCII | re.IGNORECASE)
_MONTH = re.compile(r"(?P<month>[0-9]{1,2})月?", re.ASCII)
EXAMPLES = "例：2024、令和6年度"


def parse_fiscal_year(raw) -> int:
    """The Western number of a fiscal year written any way the ward writes one.

    Accepted: 2024 (a number or text), 2024年度, FY2024, 令和6, 令和6年度, 令和元年度, R6, 平成29年度, H29,
    令和6年度（2024年度）, and each of them in full-width characters or with spaces. Anything else — 和暦 and 西暦
    that disagree, a year before 1901 or after 2199, other digits (², ١٢٣), words — raises FiscalYearError with a
    Japanese message.
    """
    found = read_fiscal_year(raw)
    if found is None:
        if _is_blank(raw):
            raise FiscalYearError(f"年度を入力してください（{EXAMPLES}）。")
        raise FiscalYearError(f"年度「{shown(raw)}」を読み取れません（{EXAMPLES}）。")
    return found


def read_fiscal_year(raw, suffixes: Sequence[str] = ()) -> int | None:
    """parse_fiscal_year, but None for text that names no fiscal year (a column heading that is not a year).

    With `suffixes`, the year may be followed by one of them (令和6年度（2024年度）目標): use
    read_fiscal_year_heading to learn which. A year whose 和暦 and 西暦 disagree is an error, never None.
    """
    found = read_fiscal_year_heading(raw, suffixes)
    return found[0] if found else None


def read_fiscal_year_heading(raw, suffixes: Sequence[str] = ()) -> tuple[int, str] | None:
    """(year, suffix) for a heading naming a fiscal year and then nothing or one of `suffixes`; None otherwise."""
    if raw is None or isinstance(raw, bool | datetime.date):
        return None
    if isinstance(raw, int | float):
        if float(raw).is_integer() and _EARLIEST <= raw <= _LATEST:
            return int(raw), ""
        return None
    text = "".join(str(raw)[: _MAX_TEXT * 2].translate(_HALF_WIDTH).split())
    if len(text) > _MAX_TEXT:
        return None
    match = _ERA.fullmatch(text)
    if match:
        year = _era_year(match, raw)
    else:
        match = _WESTERN.fullmatch(text)
        year = int(match.group("western")) if match else None
    if year is None or not _EARLIEST <= year <= _LATEST:
        return None
    rest = match.group("rest")
    if rest and rest not in suffixes:
        return None
    return year, rest


def _era_year(match: re.Match, raw) -> int | None:
    era = match.group("era").upper() if match.group("era") in ("r", "h") else match.group("era")
    n = 1 if match.group("n") == "元" else int(match.group("n"))
    if n < 1 or (_ERA_NAMES[era] == HEISEI_OFFSET and n > _HEISEI_LAST):
        return None
    year = n + _ERA_NAMES[era]
    western = match.group("western")
    if western and int(western) != year:
        raise FiscalYearError(f"「{shown(raw)}」の和暦と西暦が一致しません（{era_label(year)}は{year}年度です）。")
    return year


def parse_month(raw) -> int:
    """A month of the year, 1–12: 4, "4", "４月", 4.0; FiscalYearError (Japanese) for anything else."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        month = int(raw) if float(raw).is_integer() else None
    else:
        match = _MONTH.fullmatch("".join(str(raw or "")[:_MAX_TEXT].translate(_HALF_WIDTH).split()))
        month = int(match.group("month")) if match else None
    if month is None or not 1 <= month <= 12:
        if _is_blank(raw):
            raise FiscalYearError("月を入力してください（1～12）。")
        raise FiscalYearError(f"月「{shown(raw)}」が読めません（1～12）。")
    return month


def fiscal_year_argument(raw: str) -> int:
    """The `type` of a command's --year: what parse_fiscal_year reads, refused with its Japanese message."""
    try:
        return parse_fiscal_year(raw)
    except FiscalYearError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def check_within(fiscal_year: int, years: range) -> None:
    """FiscalYearError unless the year is one of `years` (the plan's, usually): the message names the span."""
    if fiscal_year not in years:
        raise FiscalYearError(
            f"{fiscal_year_label(fiscal_year)}は計画期間（{period_label(years.start, years.stop - 1)}）の外です。"
        )


def shown(raw) -> str:
    """A value as a message quotes it: on one line and cut short, whatever was typed or uploaded."""
    text = " ".join(str(raw).split())
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# --- the plan's years, today, and the year a page opens on --------------------------------------------------------


def current_plan() -> Plan | None:
    """The plan the app runs (one per installation; the first one loaded)."""
    return Plan.objects.order_by("pk").first()


def plan_years(plan: Plan | None = None) -> range:
    """The plan's fiscal years, from the plan in the database (令和6–13年度 for the loaded plan).

    Before a plan is loaded the current fiscal year stands in, so that every page opens on an empty database.
    """
    plan = plan if plan is not None else current_plan()
    if plan is None:
        year = current_fiscal_year()
        return range(year, year + 1)
    return plan.fiscal_years()


def printed_years(plan: Plan | None = None) -> range:
    """The years the plan's tables print targets for: its first year up to the mid-term review (令和6–9年度).

    Targets of later years are set at the mid-term review (中間見直し) and arrive by import; a plan without a
    review year prints targets for its whole period.
    """
    plan = plan if plan is not None else current_plan()
    if plan is None:
        return plan_years(None)
    last = plan.mid_review_fiscal_year or plan.end_fiscal_year
    return range(plan.start_fiscal_year, min(last, plan.end_fiscal_year) + 1)


def current_fiscal_year(today: datetime.date | None = None) -> int:
    """The fiscal year running today (Asia/Tokyo)."""
    return fiscal_year_of(today or timezone.localdate())


def default_fiscal_year(today: datetime.date | None = None, years: Sequence[int] | None = None) -> int:
    """The year a page of yearly results opens on: the latest fiscal year that has ended, kept within `years`.

    `years` defaults to the plan's years; before the plan's first year has ended that is the first year, after
    the plan the last. Actuals are reported after a year ends, so the year just ended is the one being worked on
    (in May 2025: 令和6年度). Pages of monthly consultation counts open on current_fiscal_year() instead: its
    months are entered while the year runs.
    """
    years = plan_years() if years is None else years
    year = current_fiscal_year(today) - 1
    return min(max(year, min(years)), max(years))


def years_up_to_now(years: Sequence[int], today: datetime.date | None = None) -> list[int]:
    """The years of `years` that have begun (at least the first): what a page of results can show."""
    now = current_fiscal_year(today)
    started = [year for year in years if year <= now]
    return started or list(years)[:1]


# --- years and months in a request -----------------------------------------------------------------------------------


def year_from_request(request, *, choices: Sequence[int], default: int | None, name: str = "year") -> int | None:
    """The fiscal year asked for in the query string (?year=2024), when it is one of `choices`; else `default`.

    One rule for every page and download: a missing or empty value gives `default`; a value that is not a year
    (², -1, twenty digits, %00, words) or not one of `choices` never gives an error page either — the view goes
    on with `default` and the person is told which value was ignored (messages.warning). What parse_fiscal_year
    reads is accepted: ２０２４ and 令和6年度 as well as 2024.
    """
    raw = request.GET.get(name, "")
    if not raw.strip():
        return default
    try:
        year = parse_fiscal_year(raw)
    except FiscalYearError:
        year = None
    if year is not None and year in choices:
        return year
    fallback = fiscal_year_label(default) if default is not None else "すべての年度"
    messages.warning(request, f"年度「{shown(raw)}」は選べないため、{fallback}を表示しています。", fail_silently=True)
    return default


def month_from_request(request, *, default: int | None = None, name: str = "month") -> int | None:
    """The month asked for (?month=4), 1–12, by the rule of year_from_request: a bad value gives `default`."""
    raw = request.GET.get(name, "")
    if not raw.strip():
        return default
    try:
        return parse_month(raw)
    except FiscalYearError:
        fallback = f"{default}月" if default is not None else "年度全体"
        messages.warning(request, f"月「{shown(raw)}」は選べないため、{fallback}を表示しています。", fail_silently=True)
        return default

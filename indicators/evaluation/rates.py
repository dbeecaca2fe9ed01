"""The rates: 達成率, 進捗率, 進み具合 (pace), 後退, and the year a 現況値 belongs to."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

from indicators.evaluation.data import DEFAULT_BASELINE_YEAR, HUNDRED, INFINITY, SUM, UP, SeriesData
from setagaya_plan.core.fiscal_years import REIWA_OFFSET, fiscal_year_of
from setagaya_plan.lib.numerals import to_half_width


def achievement_rate(actual: Decimal, target: Decimal, direction: str = UP) -> Decimal:
    """達成率 in %: actual ÷ target aiming up, target ÷ actual aiming down. Infinity when the divisor is 0."""
    numerator, divisor = (actual, target) if direction == UP else (target, actual)
    if divisor == 0:
        return HUNDRED if numerator == 0 else INFINITY
    return numerator / divisor * HUNDRED


def progress_rate(actual: Decimal, baseline: Decimal | None, target: Decimal) -> Decimal | None:
    """進捗率 in %: (actual − baseline) ÷ (target − baseline).

    None without a numeric baseline, or when the target equals the baseline.
    """
    if baseline is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline) * HUNDRED


def is_regressed(actual: Decimal, baseline: Decimal | None, direction: str, tolerance: Decimal = Decimal(0)) -> bool:
    """後退: the actual is worse than the baseline in the indicator's direction, by more than the tolerance."""
    if baseline is None:
        return False
    worse_by = baseline - actual if direction == UP else actual - baseline
    return worse_by > tolerance


def expected_on_line(series: SeriesData, year: int) -> Decimal | None:
    """Where a level or running total should be in a year on the straight line from 現況値 to the final target."""
    numeric = series.numeric_targets()
    if not numeric or series.baseline is None:
        return None
    final = numeric[-1]
    span = final.end - series.baseline_year
    if span <= 0:
        return None
    elapsed = min(year, final.end) - series.baseline_year
    return series.baseline + (final.value - series.baseline) * Decimal(elapsed) / Decimal(span)


def pace_rate(
    series: SeriesData, year: int, direction: str, value_of: Callable[[int], Decimal | None]
) -> Decimal | None:
    """進み具合 in % (pace scheme, like Fukuoka City's welfare plan).

    A level or running total: (actual − baseline) ÷ (expected − baseline), where the expected value lies on the
    straight line from the baseline (in its year) to the final numeric target (in its year). A count summed into
    its 総量: the running sum of actuals against the straight line from 0 to the 総量, counting only the years that
    have an actual on both sides. None when it cannot be judged this way (no baseline, no numeric target).
    """
    numeric = series.numeric_targets()
    if not numeric:
        return None
    if series.total_kind == SUM:
        start, end = numeric[0].start, numeric[-1].end
        total = sum((t.value for t in numeric), Decimal(0))
        done_years = [y for y in range(start, min(year, end) + 1) if value_of(y) is not None]
        if not done_years:
            return None
        expected = total * Decimal(len(done_years)) / Decimal(end - start + 1)
        done = sum((value_of(y) for y in done_years), Decimal(0))
        return achievement_rate(done, expected, direction)
    actual = value_of(year)
    expected = expected_on_line(series, year)
    if actual is None or expected is None:
        return None
    if expected == series.baseline:
        return achievement_rate(actual, expected, direction)
    return (actual - series.baseline) / (expected - series.baseline) * HUNDRED


_REIWA_YEAR = re.compile(r"令和\s*([0-9]{1,2}|元)\s*年度")
_REIWA_MONTH = re.compile(r"令和\s*([0-9]{1,2}|元)\s*年\s*([0-9]{1,2})\s*月")


def baseline_year_of(note: str, default: int = DEFAULT_BASELINE_YEAR) -> int:
    """The fiscal year a 現況値 belongs to, from its note: 令和4年度 → 2022, 令和5年12月時点 → 2023, none → default."""
    text = to_half_width(note or "")
    month = _REIWA_MONTH.search(text)
    if month and 1 <= int(month.group(2)) <= 12:
        return fiscal_year_of(datetime.date(_reiwa(month.group(1)), int(month.group(2)), 1))
    match = _REIWA_YEAR.search(text)
    if match:
        return _reiwa(match.group(1))
    return default


def _reiwa(n: str) -> int:
    """令和n年 as a Western year (令和元年 = 2019)."""
    return REIWA_OFFSET + (1 if n == "元" else int(n))

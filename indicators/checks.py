"""Plausibility checks of the plan's indicators, reported by `manage.py check_plan`.

The data keeps what the plan prints; these checks tell planners where the printed numbers disagree with each other
or look wrong, so that a person decides. See docs/data.md for what each finding means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from indicators.models import Indicator, Series
from setagaya_plan.core.fiscal_years import printed_years
from setagaya_plan.lib.numerals import format_decimal


@dataclass(frozen=True)
class Finding:
    code: str  # the indicator's code
    check: str  # short stable name of the rule, for filtering
    message: str

    def __str__(self) -> str:
        return f"{self.code}\t{self.check}\t{self.message}"


def check_indicators(indicators: Iterable[Indicator]) -> list[Finding]:
    findings: list[Finding] = []
    years = printed_years()
    for indicator in indicators:
        findings.extend(check_indicator(indicator, years))
    return findings


def check_indicator(indicator: Indicator, years: range | None = None) -> list[Finding]:
    """What looks wrong in one indicator; `years` are the printed years each series with targets should cover."""
    years = printed_years() if years is None else years
    findings = []
    all_series = list(indicator.series.all())
    if not all_series:
        findings.append(Finding(indicator.code, "no-values", "現況値・目標・総量が一つもありません"))
    for series in all_series:
        findings.extend(_check_series(indicator, series, years))
    findings.extend(_check_compound(indicator, all_series))
    return findings


def _where(series: Series) -> str:
    return f"（{series.label or series.key}）" if series.key else ""


def _fmt(value) -> str:
    return format_decimal(value) if value is not None else "なし"


def _check_series(indicator: Indicator, series: Series, years: range) -> list[Finding]:
    found = []
    where = _where(series)
    numbers = series.numeric_targets()
    has_numbers = bool(numbers) or series.baseline_value is not None or series.total_value is not None

    if has_numbers and not series.effective_unit:
        found.append(Finding(indicator.code, "missing-unit", f"{where}数値があるのに単位がありません"))

    implied = series.implied_total()
    kind = series.effective_total_kind
    if implied is not None and series.total_value is not None and implied != series.total_value:
        how = {"sum": "目標の合計", "last": "最終年度の目標", "cumulative": "最終年度の累計目標"}[kind]
        found.append(
            Finding(
                indicator.code,
                "total-mismatch",
                f"{where}印刷された総量 {_fmt(series.total_value)} が{how} {_fmt(implied)} と一致しません",
            )
        )
    if numbers and series.total_value is None and kind != Indicator.TotalKind.NONE:
        found.append(Finding(indicator.code, "missing-total", f"{where}数値目標があるのに総量がありません"))
    if kind == Indicator.TotalKind.NONE and (numbers or series.total_value is not None):
        found.append(
            Finding(indicator.code, "total-kind-none", f"{where}総量の種類が「数値の総量なし」なのに数値があります")
        )

    if series.effective_unit == "%" and kind == Indicator.TotalKind.SUM:
        found.append(Finding(indicator.code, "rate-summed", f"{where}率（%）の総量が各年度の合計になっています"))
    if series.effective_unit == "%":
        values = [series.baseline_value, series.total_value, *(t.value for t in numbers)]
        if any(v is not None and not (0 <= v <= 100) for v in values):
            found.append(Finding(indicator.code, "rate-out-of-range", f"{where}0～100%の範囲外の値があります"))

    found.extend(_check_direction(indicator, series, numbers))

    # A running total printed only as 総量 (累計整備数) has no yearly targets by design:
    # only check series that set some.
    if any(t.value is not None or t.text for t in series.targets.all()):
        missing = [year for year in years if series.target_for(year) is None]
        if missing:
            years = "、".join(str(year) for year in missing)
            found.append(Finding(indicator.code, "missing-target", f"{where}{years}年度の目標がありません"))
    return found


def _check_direction(indicator: Indicator, series: Series, numbers: list) -> list[Finding]:
    """Targets should move the way the indicator aims: up for most, down for e.g. the share of isolated residents."""
    found = []
    where = _where(series)
    sign = 1 if indicator.direction == Indicator.Direction.UP else -1
    aim = "増加" if sign == 1 else "減少"
    if series.baseline_value is not None and numbers:
        first = numbers[0]
        if sign * (first.value - series.baseline_value) < 0 and series.effective_total_kind == Indicator.TotalKind.SUM:
            # Yearly counts against a baseline that may be a stock (e.g. plans made so far): worth a look, not wrong.
            side = "下回って" if sign == 1 else "上回って"
            found.append(
                Finding(
                    indicator.code,
                    "target-below-baseline" if sign == 1 else "target-above-baseline",
                    f"{where}{aim}をめざす指標ですが、{first.fiscal_year}年度の目標 {_fmt(first.value)} が現況値 "
                    f"{_fmt(series.baseline_value)} を{side}います（現況値が累計値でないか確認してください）",
                )
            )
        elif sign * (first.value - series.baseline_value) < 0:
            found.append(
                Finding(
                    indicator.code,
                    "against-direction",
                    f"{where}{aim}をめざす指標ですが、{first.fiscal_year}年度の目標 {_fmt(first.value)} が"
                    f"現況値 {_fmt(series.baseline_value)} より後退しています",
                )
            )
    # Yearly counts summed into a total may go up and down by design; levels and running totals may not.
    if series.effective_total_kind in (Indicator.TotalKind.LAST, Indicator.TotalKind.CUMULATIVE):
        for before, after in pairwise(numbers):
            if sign * (after.value - before.value) < 0:
                found.append(
                    Finding(
                        indicator.code,
                        "against-direction",
                        f"{where}{aim}をめざす指標ですが、目標が {before.fiscal_year}年度 {_fmt(before.value)} から"
                        f" {after.fiscal_year}年度 {_fmt(after.value)} へ後退しています",
                    )
                )
    return found


def _check_compound(indicator: Indicator, all_series: list[Series]) -> list[Finding]:
    """整備数 / 累計整備数: the running total's 総量 should be its baseline plus the yearly counts' 総量."""
    by_key = {series.key: series for series in all_series}
    yearly, cumulative = by_key.get("yearly"), by_key.get("cumulative")
    if not (yearly and cumulative):
        return []
    if None in (yearly.total_value, cumulative.baseline_value, cumulative.total_value):
        return []
    expected = cumulative.baseline_value + yearly.total_value
    if expected != cumulative.total_value:
        return [
            Finding(
                indicator.code,
                "running-total-mismatch",
                f"{cumulative.label or '累計'}の総量 {_fmt(cumulative.total_value)} が、現況値 "
                f"{_fmt(cumulative.baseline_value)} と{yearly.label or '各年度'}の総量 {_fmt(yearly.total_value)} の和 "
                f"{_fmt(expected)} と一致しません",
            )
        ]
    return []

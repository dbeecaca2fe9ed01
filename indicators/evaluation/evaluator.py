"""Evaluator: loads what grading needs for a list of indicators in a fixed number of queries, then grades."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone

from indicators.evaluation.data import ActualData, Calendar, IndicatorData, ReportData, Scheme, SeriesData, TargetCell
from indicators.evaluation.grading import IndicatorGrade, grade_indicator
from indicators.evaluation.rates import baseline_year_of
from indicators.evaluation.rollups import Rollup, rollup
from indicators.evaluation.schemes import active_scheme
from indicators.models import ConfirmedBaseline, Report
from setagaya_plan.core.models import FiscalYearSetting


def series_data(series, confirmed=None) -> SeriesData:
    """SeriesData of a Series (with prefetched targets); `confirmed` is its latest ConfirmedBaseline, if any."""
    baseline, note = series.baseline_value, series.baseline_note
    if confirmed is not None:
        baseline, note = confirmed.value, confirmed.note
    return SeriesData(
        key=series.key,
        label=series.label,
        unit=series.effective_unit,
        total_kind=series.effective_total_kind,
        baseline=baseline,
        baseline_year=baseline_year_of(note),
        targets=tuple(
            TargetCell(t.fiscal_year, t.end_fiscal_year, t.value, t.text, t.deferred_to) for t in series.targets.all()
        ),
    )


class Evaluator:
    """Grades of a list of indicators (loaded with Indicator.objects.with_structure()) in six queries.

    Reads every report of those indicators with its actuals, the latest confirmed baselines, the years' deadlines
    and the active scheme; then grades in Python as often as asked.
    """

    def __init__(
        self,
        indicators: Sequence,
        *,
        scheme: Scheme | None = None,
        today: datetime.date | None = None,
    ):

        self.indicators = list(indicators)
        self.scheme = scheme or active_scheme()
        ids = [indicator.pk for indicator in self.indicators]
        self.calendar = Calendar(
            today=today or timezone.localdate(),
            deadlines=dict(FiscalYearSetting.objects.values_list("fiscal_year", "deadline")),
        )
        self.reports: dict[tuple[int, int], object] = {}
        for report in Report.objects.filter(indicator_id__in=ids).prefetch_related("actuals"):
            self.reports[(report.indicator_id, report.fiscal_year)] = report
        latest: dict[int, object] = {}
        for confirmation in ConfirmedBaseline.objects.filter(series__indicator_id__in=ids).order_by("at", "pk"):
            latest[confirmation.series_id] = confirmation
        self.confirmed = latest
        by_indicator: dict[int, dict[int, object]] = defaultdict(dict)
        for (indicator_id, year), report in self.reports.items():
            by_indicator[indicator_id][year] = report
        self.data = {
            indicator.pk: self._indicator_data(indicator, by_indicator[indicator.pk]) for indicator in self.indicators
        }
        self._cache: dict[tuple[int, int, bool], IndicatorGrade] = {}

    def _indicator_data(self, indicator, reports: dict[int, object]) -> IndicatorData:
        keys = {series.pk: series.key for series in indicator.series.all()}
        return IndicatorData(
            code=indicator.code,
            direction=indicator.direction,
            series=tuple(series_data(s, self.confirmed.get(s.pk)) for s in indicator.series.all()),
            reports={
                year: ReportData(
                    status=report.status,
                    self_grade=report.self_grade,
                    actuals={
                        keys[actual.series_id]: ActualData(actual.value, actual.text)
                        for actual in report.actuals.all()
                        if actual.series_id in keys
                    },
                )
                for year, report in reports.items()
            },
        )

    def grade(self, indicator, year: int, official: bool = True) -> IndicatorGrade:
        key = (indicator.pk, year, official)
        if key not in self._cache:
            self._cache[key] = grade_indicator(self.data[indicator.pk], year, self.scheme, self.calendar, official)
        return self._cache[key]

    def provisional(self, indicator, year: int) -> IndicatorGrade | None:
        """A grade from the unapproved report of the year, when there is one and no official grade."""
        report = self.reports.get((indicator.pk, year))
        if report is None or report.status == "approved":
            return None
        grade = self.grade(indicator, year, official=False)
        return grade if grade.is_graded else None

    def report(self, indicator, year: int):
        return self.reports.get((indicator.pk, year))

    def indicator_of(self, code: str):
        if not hasattr(self, "_by_code"):
            self._by_code = {indicator.code: indicator for indicator in self.indicators}
        return self._by_code[code]

    def series_data(self, indicator) -> dict[str, SeriesData]:
        return {series.key: series for series in self.data[indicator.pk].series}

    def rollup(self, indicators: Iterable, year: int, unique: bool = False) -> Rollup:
        return rollup((self.grade(indicator, year) for indicator in indicators), unique=unique)

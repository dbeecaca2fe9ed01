"""Evaluator: loads what grading needs for a list of indicators in a fixed number of queries, then grades."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone

from indicators.evaluation.data import ActualData, Calendar, IndicatorData, ReportData, Scheme, SeriesData, TargetCell
from indicators.evaluation.grading import IndicatorGrade, grade_indicator
from indicators.evaluation.rates import baseline_year_of
from indicators.evaluation.revisions import RevisionData, RevisionState
from indicators.evaluation.rollups import Rollup, rollup
from indicators.evaluation.schemes import active_scheme
from indicators.models import (
    SERIES_FIELDS,
    CellValues,
    ConfirmedBaseline,
    Report,
    SeriesState,
    SeriesVersion,
    TargetVersion,
    cell_history,
    series_states,
)
from setagaya_plan.core.models import FiscalYearSetting

# What the evaluator grades against (the dashboard's ?targets=): the targets in force for each year, or 当初's.
IN_FORCE, ORIGINAL_TARGETS = "in_force", "original"


def series_data(series, confirmed=None, state: SeriesState | None = None) -> SeriesData:
    """SeriesData of a Series (with prefetched targets); `confirmed` is its latest ConfirmedBaseline, if any;
    `state` the values of one revision instead of the current ones."""
    baseline, note = series.baseline_value, series.baseline_note
    cells = [CellValues.of(t) for t in series.targets.all()]
    if state is not None:
        baseline, note = state.fields["baseline_value"], state.fields["baseline_note"]
        cells = list(state.targets.values())
    if confirmed is not None:
        baseline, note = confirmed.value, confirmed.note
    return SeriesData(
        key=series.key,
        label=series.label,
        unit=series.effective_unit,
        total_kind=series.effective_total_kind,
        baseline=baseline,
        baseline_year=baseline_year_of(note),
        targets=tuple(TargetCell(c.start, c.end, c.value, c.text, c.deferred_to) for c in cells),
    )


def revision_data(revision) -> RevisionData:
    return RevisionData(revision.number, revision.name, revision.decided, revision.regrade)


class Evaluator:
    """Grades of a list of indicators (loaded with Indicator.objects.with_structure()) in eight queries.

    Reads every report of those indicators with its actuals, the latest confirmed baselines, the years' deadlines,
    the active scheme and the values each revision of the 実施計画 set; then grades in Python as often as asked,
    each year against the targets in force for it (`targets=ORIGINAL_TARGETS`: against 当初's).
    """

    def __init__(
        self,
        indicators: Sequence,
        *,
        scheme: Scheme | None = None,
        today: datetime.date | None = None,
        targets: str = IN_FORCE,
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
        self.targets = targets
        self.target_rows: dict[int, list] = defaultdict(list)
        for row in TargetVersion.objects.filter(series__indicator_id__in=ids).select_related("revision"):
            self.target_rows[row.series_id].append(row)
        self._states_cache: dict[int, list[SeriesState]] = {}
        self.field_rows: dict[int, list] = defaultdict(list)
        for row in SeriesVersion.objects.filter(series__indicator_id__in=ids).select_related("revision"):
            self.field_rows[row.series_id].append(row)
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
            states=self._states(indicator),
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

    def series_states(self, series) -> list[SeriesState]:
        """The series as each revision that changed it left it, oldest first (empty: never versioned)."""
        if series.pk not in self._states_cache:
            states = series_states(series, self.target_rows[series.pk], self.field_rows[series.pk])
            self._states_cache[series.pk] = states
        return self._states_cache[series.pk]

    def target_history(self, series, year: int) -> list:
        """(revision, cell) of the year's target at each revision that changed it; one entry: never revised."""
        return cell_history(self.series_states(series), year)

    def _states(self, indicator) -> tuple[RevisionState, ...]:
        """The indicator's series at each revision that changed any of them (oldest first)."""
        by_series = {series: self.series_states(series) for series in indicator.series.all()}
        revisions = {state.revision.number: state.revision for states in by_series.values() for state in states}
        if self.targets == ORIGINAL_TARGETS:
            revisions = {0: revisions[0]} if 0 in revisions else {}
            if not revisions and any(by_series.values()):
                return (RevisionState(RevisionData(), ()),)  # first set by a later revision: no 当初 target
        out = []
        for number, revision in sorted(revisions.items()):
            series = []
            for one, states in by_series.items():
                known = [state for state in states if state.revision.number <= number]
                state = known[-1] if known else None
                if states and state is None:
                    state = SeriesState(revision, {}, {name: getattr(one, name) for name in SERIES_FIELDS})
                series.append(series_data(one, self.confirmed.get(one.pk), state))
            out.append(RevisionState(revision_data(revision), tuple(series)))
        return tuple(out)

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

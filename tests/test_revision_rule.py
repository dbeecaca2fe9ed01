"""The target in force for a fiscal year (indicators.evaluation.revisions), worked out by hand.

A year is graded against the latest revision decided on or before the year's reporting deadline (30 June after the
year unless a planner moved it); a revision decided later counts only when the planners chose to re-grade approved
years against it. docs/evaluation.md states the rule and these edge cases.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from indicators.evaluation import (
    ActualData,
    Calendar,
    IndicatorData,
    ReportData,
    RevisionData,
    RevisionState,
    SeriesData,
    Status,
    TargetCell,
    grade_indicator,
    revision_in_force,
    shipped_scheme,
)

D = Decimal
DEFAULT = shipped_scheme("default")
ORIGINAL = RevisionData()
R8 = RevisionData(1, "令和8年度改定", datetime.date(2026, 6, 1))
R8_REGRADE = RevisionData(1, "令和8年度改定", datetime.date(2026, 6, 1), regrade=True)
LATE = Calendar(today=datetime.date(2030, 9, 1))


def test_a_revision_counts_for_the_years_whose_reports_were_due_after_it():
    revisions = [ORIGINAL, R8]
    # 令和6年度's reports were due 2025-06-30, 令和7年度's 2026-06-30: the revision of 2026-06-01 came before the
    # latter only.
    assert revision_in_force(revisions, 2024, LATE) == ORIGINAL
    assert revision_in_force(revisions, 2025, LATE) == R8
    assert revision_in_force(revisions, 2026, LATE) == R8


def test_a_revision_decided_on_the_deadline_itself_is_in_force_for_that_year():
    on_the_day = RevisionData(1, "改定", datetime.date(2025, 6, 30))
    day_after = RevisionData(1, "改定", datetime.date(2025, 7, 1))
    assert revision_in_force([ORIGINAL, on_the_day], 2024, LATE) == on_the_day
    assert revision_in_force([ORIGINAL, day_after], 2024, LATE) == ORIGINAL


def test_a_moved_deadline_moves_the_revision_in_force():
    extended = Calendar(today=LATE.today, deadlines={2025: datetime.date(2026, 5, 31)})
    assert revision_in_force([ORIGINAL, R8], 2025, extended) == ORIGINAL


def test_regrading_applies_a_later_revision_to_every_year():
    assert revision_in_force([ORIGINAL, R8_REGRADE], 2024, LATE) == R8_REGRADE


def test_the_latest_of_several_revisions_in_force_wins():
    r9 = RevisionData(2, "令和9年度改定", datetime.date(2027, 5, 1))
    assert revision_in_force([ORIGINAL, R8, r9], 2025, LATE) == R8
    assert revision_in_force([ORIGINAL, R8, r9], 2026, LATE) == r9


def test_without_any_revision_in_force_there_is_none():
    assert revision_in_force([R8], 2024, LATE) is None


def _indicator(states) -> IndicatorData:
    return IndicatorData(
        code="G1-M01-V1-A1",
        series=states[-1].series,
        states=tuple(states),
        reports={
            2024: ReportData(actuals={"": ActualData(D(100))}),
            2026: ReportData(actuals={"": ActualData(D(100))}),
        },
    )


def test_each_year_is_graded_against_its_own_revisions_target():
    # 当初: 100 every year; 令和8年度改定 raises 令和8年度 to 200. An actual of 100 meets 令和6年度 (graded against
    # 当初: 100 ÷ 100 = 100 %) and reaches half of 令和8年度's revised 200 (50 %).
    original = (SeriesData(targets=(TargetCell(2024, value=D(100)), TargetCell(2026, value=D(100)))),)
    revised = (SeriesData(targets=(TargetCell(2024, value=D(100)), TargetCell(2026, value=D(200)))),)
    indicator = _indicator([RevisionState(ORIGINAL, original), RevisionState(R8, revised)])
    first = grade_indicator(indicator, 2024, DEFAULT, LATE)
    third = grade_indicator(indicator, 2026, DEFAULT, LATE)
    assert (first.revision, first.main.target.value, first.achievement) == ("当初", D(100), D(100))
    assert (third.revision, third.main.target.value, third.achievement) == ("令和8年度改定", D(200), D(50))


def test_a_target_first_set_by_a_later_revision_does_not_grade_earlier_years():
    revised = (SeriesData(targets=(TargetCell(2024, value=D(100)),)),)
    indicator = _indicator([RevisionState(R8, revised)])
    assert grade_indicator(indicator, 2024, DEFAULT, LATE).status == Status.NO_TARGET
    regraded = _indicator([RevisionState(R8_REGRADE, revised)])
    assert grade_indicator(regraded, 2024, DEFAULT, LATE).is_graded

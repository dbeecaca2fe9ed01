"""Indicators (行動量 and 成果指標) and their values, by topic:

* plan.py — the printed plan: Indicator, its Series and yearly Targets, 【再掲】 Relisting, 実施計画 施策;
* reports.py — what sections report: Report, Actual, YearStatus;
* grading.py — evaluation settings: GradingScheme, GradeLevel, ConfirmedBaseline;
* grades.py — the stored official grades (Grade), written by indicators.evaluation.store;
* revisions.py — revisions of the 実施計画 (PlanRevision) and the values each set (TargetVersion, SeriesVersion).

Sections, roles, fiscal-year settings, the review workflow's base and the audit trail are setagaya_plan.core's.
"""

from indicators.models.grades import Grade
from indicators.models.grading import ConfirmedBaseline, GradeLevel, GradingScheme
from indicators.models.plan import ImplementationPlanItem, Indicator, Relisting, Series, Target
from indicators.models.reports import OUTSTANDING_STATUSES, Actual, Report, YearStatus
from indicators.models.revisions import (
    ORIGINAL_NAME,
    SERIES_FIELDS,
    CellValues,
    PlanRevision,
    SeriesState,
    SeriesVersion,
    TargetVersion,
    cell_history,
    series_states,
)

__all__ = [
    "ORIGINAL_NAME",
    "OUTSTANDING_STATUSES",
    "SERIES_FIELDS",
    "Actual",
    "CellValues",
    "ConfirmedBaseline",
    "Grade",
    "GradeLevel",
    "GradingScheme",
    "ImplementationPlanItem",
    "Indicator",
    "PlanRevision",
    "Relisting",
    "Report",
    "Series",
    "SeriesState",
    "SeriesVersion",
    "Target",
    "TargetVersion",
    "YearStatus",
    "cell_history",
    "series_states",
]

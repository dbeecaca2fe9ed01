"""Indicators (行動量 and 成果指標) and their values, by topic:

* plan.py — the printed plan: Indicator, its Series and yearly Targets, 【再掲】 Relisting, 実施計画 施策;
* reports.py — what sections report: Report, Actual, YearStatus;
* grading.py — evaluation settings: GradingScheme, GradeLevel, ConfirmedBaseline;
* grades.py — the stored official grades (Grade), written by indicators.evaluation.store.

Sections, roles, fiscal-year settings, the review workflow's base and the audit trail are setagaya_plan.core's.
"""

from indicators.models.grades import Grade
from indicators.models.grading import ConfirmedBaseline, GradeLevel, GradingScheme
from indicators.models.plan import ImplementationPlanItem, Indicator, Relisting, Series, Target
from indicators.models.reports import OUTSTANDING_STATUSES, Actual, Report, YearStatus

__all__ = [
    "OUTSTANDING_STATUSES",
    "Actual",
    "ConfirmedBaseline",
    "Grade",
    "GradeLevel",
    "GradingScheme",
    "ImplementationPlanItem",
    "Indicator",
    "Relisting",
    "Report",
    "Series",
    "Target",
    "YearStatus",
]

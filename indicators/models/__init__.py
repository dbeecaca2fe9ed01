"""Indicators (行動量 and 成果指標) and their values, by topic:

* plan.py — the printed plan: Indicator, its Series and yearly Targets, 【再掲】 Relisting, 実施計画 施策;
* reports.py — what sections report: Report, Actual, YearStatus, ChangeLog;
* grading.py — evaluation settings: GradingScheme, GradeLevel, ConfirmedBaseline, EvaluationChange.

Sections, roles and fiscal-year settings are setagaya_plan.core's.
"""

from indicators.models.grading import ConfirmedBaseline, EvaluationChange, GradeLevel, GradingScheme
from indicators.models.plan import ImplementationPlanItem, Indicator, Relisting, Series, Target
from indicators.models.reports import OUTSTANDING_STATUSES, Actual, ChangeLog, Report, YearStatus

__all__ = [
    "OUTSTANDING_STATUSES",
    "Actual",
    "ChangeLog",
    "ConfirmedBaseline",
    "EvaluationChange",
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

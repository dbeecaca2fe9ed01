"""Progress evaluation: 達成率, 進捗率, grades per indicator × fiscal year, and roll-ups.

The rules are plain functions over plain data (TargetCell, SeriesData, IndicatorData, Scheme), so each one is
tested by hand with values read from the printed plan; `Evaluator` builds that data from the database for a list
of indicators in a fixed number of queries, whatever their number. docs/evaluation.md says the same for planners,
and the legend on every progress page shows it to users.

Only approved actuals (Report.status == approved) are graded. An unapproved report can be graded "provisionally"
(`official=False`) for people allowed to see it; such a grade never counts in a roll-up.

By topic: data.py (the plain data), rates.py, grading.py (a series, an indicator), badges.py (how a grade is
shown), rollups.py, schemes.py (shipped and active schemes), evaluator.py (from the database), changes.py
(planners' logged changes), store.py (the stored official grades, refreshed by every change of an input).
This package re-exports their public names, the way the rest of the product imports them.
"""

from indicators.evaluation.badges import REGRESSED, Badge, grade_badges, grade_text, status_badge
from indicators.evaluation.changes import (
    EvaluationError,
    GradeChange,
    activate_scheme,
    check_thresholds,
    confirm_baseline,
    install_schemes,
    update_scheme,
)
from indicators.evaluation.data import (
    CUMULATIVE,
    DEFAULT_BASELINE_YEAR,
    DOWN,
    HUNDRED,
    INFINITY,
    LAST,
    NONE,
    REGRESSED_ICON,
    REGRESSED_LABEL,
    STATUS_ICONS,
    SUM,
    UP,
    ActualData,
    Calendar,
    IndicatorData,
    Level,
    ReportData,
    Scheme,
    SeriesData,
    Status,
    TargetCell,
)
from indicators.evaluation.evaluator import Evaluator, series_data
from indicators.evaluation.grading import STATUS_PRECEDENCE, IndicatorGrade, SeriesGrade, grade_indicator, grade_series
from indicators.evaluation.rates import (
    achievement_rate,
    baseline_year_of,
    expected_on_line,
    is_regressed,
    pace_rate,
    progress_rate,
)
from indicators.evaluation.rollups import (
    VERDICT_EXPLANATIONS,
    VERDICTS,
    Rollup,
    Tally,
    grade_keys,
    rollup,
    verdict_key,
)
from indicators.evaluation.schemes import (
    LEVEL_FIELDS,
    SHIPPED_SCHEMES,
    active_scheme,
    install_shipped_schemes,
    scheme_from_model,
    shipped_scheme,
)
from indicators.evaluation.store import deferred_refresh, rank_of, refresh_grades, regrade_all

__all__ = [
    "CUMULATIVE",
    "DEFAULT_BASELINE_YEAR",
    "DOWN",
    "HUNDRED",
    "INFINITY",
    "LAST",
    "LEVEL_FIELDS",
    "NONE",
    "REGRESSED",
    "REGRESSED_ICON",
    "REGRESSED_LABEL",
    "SHIPPED_SCHEMES",
    "STATUS_ICONS",
    "STATUS_PRECEDENCE",
    "SUM",
    "UP",
    "VERDICTS",
    "VERDICT_EXPLANATIONS",
    "ActualData",
    "Badge",
    "Calendar",
    "EvaluationError",
    "Evaluator",
    "GradeChange",
    "IndicatorData",
    "IndicatorGrade",
    "Level",
    "ReportData",
    "Rollup",
    "Scheme",
    "SeriesData",
    "SeriesGrade",
    "Status",
    "Tally",
    "TargetCell",
    "achievement_rate",
    "activate_scheme",
    "active_scheme",
    "baseline_year_of",
    "check_thresholds",
    "confirm_baseline",
    "deferred_refresh",
    "expected_on_line",
    "grade_badges",
    "grade_indicator",
    "grade_keys",
    "grade_series",
    "grade_text",
    "install_schemes",
    "install_shipped_schemes",
    "is_regressed",
    "pace_rate",
    "progress_rate",
    "rank_of",
    "refresh_grades",
    "regrade_all",
    "rollup",
    "scheme_from_model",
    "series_data",
    "shipped_scheme",
    "status_badge",
    "update_scheme",
    "verdict_key",
]

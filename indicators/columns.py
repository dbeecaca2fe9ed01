"""Columns of the indicator exports, each defined once: its header and how a row's cell is read.

Three exports list the plan's indicators one series per row:

* the indicator list's download (CSV and xlsx, 進捗状況 › 指標一覧) and the 指標一覧 sheet of the progress workbook
  — the same rows for one fiscal year: `LIST_COLUMNS` over `YearLine`s built by `year_lines`;
* `manage.py export_progress --format csv|xlsx` (docs/export.md), every year side by side: its own layout in
  indicators.export, which takes the place columns (基本目標 … 名称, 単位) from here.

A column that means the same in two exports is the same `Column` object, so the two cannot drift apart. Cells are
plain values: numbers as numbers (setagaya_plan.lib.spreadsheet.cell_number), rates rounded down to one decimal
as on screen, grades as the badge's text (◎達成, ▼後退).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from indicators.evaluation import Evaluator, IndicatorGrade, SeriesGrade, grade_badges
from indicators.evaluation.badges import REGRESSED, is_regressed
from indicators.models import Actual, Indicator, Report, Series, Target
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import floor_rate
from setagaya_plan.lib.spreadsheet import cell_number

CONFIRMED_NOTE = "確定値"


@dataclass(frozen=True)
class Line:
    """One series of an indicator: a row of an export."""

    indicator: Indicator
    series: Series


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Line], object]


def headers(columns: Iterable[Column]) -> list[str]:
    return [column.header for column in columns]


def cells(columns: Iterable[Column], line: Line) -> list:
    return [column.value(line) for column in columns]


# Where the indicator is printed (its home place), and what it counts: shared by every export.

GOAL = Column("基本目標", lambda line: line.indicator.vision.measure.goal.number)
MEASURE = Column("推進施策", lambda line: line.indicator.vision.measure.number)
VISION = Column("めざす姿", lambda line: line.indicator.vision.number)
KIND = Column("種別", lambda line: line.indicator.get_kind_display())
NUMBER = Column("番号", lambda line: line.indicator.number)
NAME = Column("名称", lambda line: line.indicator.name)
UNIT = Column("単位", lambda line: line.series.effective_unit)
PLACE_COLUMNS = (GOAL, MEASURE, VISION, KIND, NUMBER, NAME)


# One fiscal year of a series: the indicator list's download and the workbook's 指標一覧.


@dataclass(frozen=True)
class YearLine(Line):
    year: int
    grade: SeriesGrade | IndicatorGrade | None
    baseline: Decimal | None  # the confirmed 現況値 where one is recorded, else the printed one
    confirmed: bool
    target: Target | None
    actual: Actual | None  # approved actuals only
    status: str


def status_label(report: Report | None, grade: IndicatorGrade) -> str:
    """The state of an indicator's year: its report's status, else 未入力 when an actual is due, else 対象外."""
    if report is not None:
        return report.get_status_display()
    return "未入力" if grade.due else "対象外"


def series_grade(grade: IndicatorGrade, series: Series) -> SeriesGrade | IndicatorGrade | None:
    """The grade a part's row shows: its own when the indicator has several parts, else the indicator's."""
    if len(grade.series) > 1:
        return next((g for g in grade.series if g.key == series.key), None)
    return grade


def year_lines(indicators: Iterable[Indicator], evaluator: Evaluator, year: int) -> list[YearLine]:
    """Every series of the indicators, in their order, with the year's target, approved actual and grade."""
    lines = []
    for indicator in indicators:
        grade = evaluator.grade(indicator, year)
        report = evaluator.report(indicator, year)
        approved = report is not None and report.status == Report.Status.APPROVED
        data = evaluator.series_data(indicator)
        status = status_label(report, grade)
        for series in indicator.series.all():
            baseline = data[series.key].baseline
            lines.append(
                YearLine(
                    indicator=indicator,
                    series=series,
                    year=year,
                    grade=series_grade(grade, series),
                    baseline=baseline,
                    confirmed=baseline != series.baseline_value,
                    target=series.target_for(year),
                    actual=report.actual_for(series) if approved else None,
                    status=status,
                )
            )
    return lines


def target_cell(target: Target | None):
    """A target as a cell: its number, else the plan it is left to, else its words."""
    if target is None:
        return None
    if target.value is not None:
        return cell_number(target.value)
    return target.deferred_to or target.text


def actual_cell(actual: Actual | None):
    if actual is None:
        return None
    return cell_number(actual.value) if actual.value is not None else actual.text


def rate_cell(rate: Decimal | None):
    """達成率 and 進捗率 as on screen: rounded down to one decimal."""
    return cell_number(floor_rate(rate))


def grade_cell(grade) -> str:
    """The grade's own badge as text (◎達成, －評価対象外); 後退 has its own column."""
    badges = grade_badges(grade)
    return badges[0].text if badges else ""


SERIES_CODE = Column("コード", lambda line: line.series.code)
PART_LABEL = Column("内訳", lambda line: line.series.part_label)
BASELINE = Column("現況値", lambda line: cell_number(line.baseline))
BASELINE_NOTE = Column("現況値の時点", lambda line: CONFIRMED_NOTE if line.confirmed else line.series.baseline_note)
YEAR = Column("年度", lambda line: fiscal_year_label(line.year))
TARGET = Column("目標", lambda line: target_cell(line.target))
ACTUAL = Column("実績（承認済）", lambda line: actual_cell(line.actual))
ACHIEVEMENT = Column("達成率（％）", lambda line: rate_cell(line.grade.achievement) if line.grade else None)
PROGRESS = Column("進捗率（％）", lambda line: rate_cell(line.grade.progress) if line.grade else None)
GRADE = Column("評価", lambda line: grade_cell(line.grade))
REGRESSION = Column("後退", lambda line: REGRESSED.text if is_regressed(line.grade) else "")
SECTION = Column("所管課", lambda line: line.indicator.section.name if line.indicator.section else "")
STATUS = Column("状態", lambda line: line.status)

LIST_COLUMNS = (
    SERIES_CODE,
    *PLACE_COLUMNS,
    PART_LABEL,
    UNIT,
    BASELINE,
    BASELINE_NOTE,
    YEAR,
    TARGET,
    ACTUAL,
    ACHIEVEMENT,
    PROGRESS,
    GRADE,
    REGRESSION,
    SECTION,
    STATUS,
)

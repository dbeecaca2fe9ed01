"""The canonical shape every layout is read into: a tablib Dataset whose headers are the flat template's columns.

Each row keeps where it came from (RowSource: sheet, row and the column letter of every value), so that a message
about a value names the cell a person must fix, whatever layout the file had. A column that a layout does not
carry is ABSENT in its rows and leaves the stored value alone; an empty cell in a column that is there means
"empty".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import tablib

from setagaya_plan.core.fiscal_years import fiscal_year_label, plan_years, read_fiscal_year
from setagaya_plan.core.uploads import Where

PLAN = "plan"
ACTUALS = "actuals"


class _Absent:
    """A column the file's layout does not have: keep what is stored."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __deepcopy__(self, memo):
        return self


ABSENT = _Absent()


class Col:
    """Column names of the flat template (and of the canonical plan dataset)."""

    CODE = "コード"
    GOAL = "基本目標"
    MEASURE = "推進施策"
    MEASURE_TITLE = "推進施策名"
    VISION = "めざす姿"
    VISION_STATEMENT = "めざす姿の文"
    KIND = "種別"
    NUMBER = "番号"
    NAME = "名称"
    PART = "内訳"
    PART_LABEL = "内訳名"
    UNIT = "単位"
    PART_UNIT = "内訳の単位"
    DIRECTION = "方向"
    TOTAL_KIND = "総量の種類"
    PART_TOTAL_KIND = "内訳の総量の種類"
    QUALIFIER = "数え方の注記"
    BASELINE = "現況値"
    BASELINE_NOTE = "現況値の時点"
    BASELINE_TEXT = "現況値（表記）"
    TOTAL = "総量"
    TOTAL_TEXT = "総量（表記）"
    PLAN_REFS = "実施計画 施策"
    SECTION = "所管課"
    FOOTNOTES = "注記（※）"
    RELISTED = "再掲"


# A heading 令和6年度（2024年度）目標 or …実績 (the progress workbook) names a year column too.
YEAR_HEADING_WORDS = ("目標", "実績")


def year_column(year: int) -> str:
    return fiscal_year_label(year)


@functools.lru_cache(maxsize=512)
def column_year(column: str) -> int | None:
    """The year of a target column (令和6年度（2024年度） → 2024); None for the other columns. Asked for every cell
    of every row: a file has a few dozen headings, so each is read once."""
    return read_fiscal_year(column) if column.startswith(("令和", "平成")) else None


_COLUMNS_BEFORE_YEARS = [
    Col.CODE,
    Col.GOAL,
    Col.MEASURE,
    Col.MEASURE_TITLE,
    Col.VISION,
    Col.VISION_STATEMENT,
    Col.KIND,
    Col.NUMBER,
    Col.NAME,
    Col.PART,
    Col.PART_LABEL,
    Col.UNIT,
    Col.PART_UNIT,
    Col.DIRECTION,
    Col.TOTAL_KIND,
    Col.PART_TOTAL_KIND,
    Col.QUALIFIER,
    Col.BASELINE,
    Col.BASELINE_NOTE,
    Col.BASELINE_TEXT,
]
_COLUMNS_AFTER_YEARS = [
    Col.TOTAL,
    Col.TOTAL_TEXT,
    Col.PLAN_REFS,
    Col.SECTION,
    Col.FOOTNOTES,
    Col.RELISTED,
]


def plan_columns(years: Iterable[int] | None = None) -> list[str]:
    """The canonical plan columns: one target column for every year of the plan (its years in the database), so
    that targets set at the mid-term review (令和10年度～) import like the printed ones. A year outside the plan in
    a file is an error (layouts)."""
    years = plan_years() if years is None else years
    return [*_COLUMNS_BEFORE_YEARS, *(year_column(year) for year in years), *_COLUMNS_AFTER_YEARS]


class ACol:
    """Columns of the actuals sheet (and of the canonical actuals dataset)."""

    CODE = "コード"
    PART = "内訳"
    YEAR = "年度"
    ACTUAL = "実績"
    COMMENT = "コメント"


ACTUAL_COLUMNS = [ACol.CODE, ACol.PART, ACol.YEAR, ACol.ACTUAL, ACol.COMMENT]


@dataclass
class RowSource:
    """Where a dataset row came from, and what its layout already found wrong with it."""

    where: Where
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # column → (letter, header as printed)
    errors: list[str] = field(default_factory=list)
    # Values used only when the row creates an object (the printed layout infers them; it never overrides).
    defaults: dict[str, object] = field(default_factory=dict)

    def at(self, column: str) -> Where:
        letter, header = self.columns.get(column, ("", column))
        return self.where.at_column(letter, header or column)


@dataclass
class Parsed:
    """A file read into the canonical dataset: which kind of data, which layouts, and every row's source."""

    kind: str
    dataset: tablib.Dataset
    layouts: list[str]
    sheets: list[str]

    @property
    def sources(self) -> list[RowSource]:
        return self.dataset.sources


def new_dataset(kind: str) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=plan_columns() if kind == PLAN else ACTUAL_COLUMNS)
    dataset.kind = kind
    dataset.sources = []
    return dataset


def append(dataset: tablib.Dataset, values: dict, source: RowSource) -> None:
    dataset.append([values.get(column, ABSENT) for column in dataset.headers])
    dataset.sources.append(source)

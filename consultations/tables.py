"""Rows of the roll-up pages: ward totals by fiscal year and month, totals by 地域 and 地区, trends.

Each builder asks the database for grouped sums (CountQuerySet) in one or two queries and arranges them in the
ward's order; the templates only print. `approved_only` narrows every figure to approved reports.

Blank is not zero, in every total: a sum over nothing but blanks is blank (None, shown ―), never 0, and a total
over the months of a year says how many months that have begun hold no figure (「3か月未入力」), unless the year
was kept as one whole-year figure.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from consultations.models import (
    WHOLE_YEAR,
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountQuerySet,
    District,
    WindowType,
    month_label,
)
from setagaya_plan.core.fiscal_years import FISCAL_MONTHS, calendar_year_of, era_label, fiscal_year_label


def total_of(values: Iterable[int | None]) -> int | None:
    """The sum of the figures; None when there is none (blanks are left out, never counted as 0)."""
    figures = [value for value in values if value is not None]
    return sum(figures) if figures else None


def begun_months(fiscal_year: int, today: datetime.date | None = None) -> list[int]:
    """The months of a fiscal year that have begun: those a blank can be missing from."""
    today = today or timezone.localdate()
    return [m for m in FISCAL_MONTHS if datetime.date(calendar_year_of(fiscal_year, m), m, 1) <= today]


def missing_months(months_with_figures: Iterable[int], fiscal_year: int) -> int:
    """How many begun months hold no figure; none when the year was kept only as one whole-year figure."""
    have = set(months_with_figures)
    monthly = have - {WHOLE_YEAR}
    if not monthly and WHOLE_YEAR in have:
        return 0
    return sum(1 for month in begun_months(fiscal_year) if month not in monthly)


def counts_for(approved_only: bool) -> CountQuerySet:
    counts = ConsultationCount.objects.all()
    return counts.approved() if approved_only else counts


@dataclass
class Column:
    key: tuple[int | None, int | None]  # (window id, agency id)
    label: str


def source_columns(grouped_keys) -> list[Column]:
    """Every window, then the agencies that have counts, in the registry's order."""
    columns = [Column((w.pk, None), w.name) for w in WindowType.objects.order_by("position")]
    agency_ids = {agency for (_window, agency) in grouped_keys if agency}
    if agency_ids:
        columns += [Column((None, a.pk), a.name) for a in Agency.objects.filter(pk__in=agency_ids)]
    return columns


@dataclass
class Row:
    label: str
    cells: list[int | None]
    total: int | None
    approved: int | None = None
    key: object = None
    kind: str = ""
    missing: int = 0  # months of the year without a figure, in a total over months
    cell_missing: list[int] = field(default_factory=list)  # the same, per cell of a total row
    missing_places: int = 0  # 地区 with such months, in a 地域 or ward total

    @property
    def cells_with_missing(self) -> list[tuple[int | None, int]]:
        """(figure, months without a figure) per cell, for a total row."""
        return list(zip(self.cells, self.cell_missing or [0] * len(self.cells), strict=True))


@dataclass
class YearRow:
    fiscal_year: int
    label: str
    total: int
    approved: int


def year_rows() -> list[YearRow]:
    """Ward totals for every fiscal year that has counts, with how much of each is approved."""
    totals = ConsultationCount.objects.by_year()
    approved = ConsultationCount.objects.approved().by_year()
    return [YearRow(y, fiscal_year_label(y), totals[y], approved.get(y, 0)) for y in sorted(totals)]


@dataclass
class MonthTable:
    columns: list[Column]
    rows: list[Row]
    total: Row


def month_table(fiscal_year: int, approved_only: bool) -> MonthTable:
    """The ward's total for each month of a fiscal year, by window or agency (whole-year figures last)."""
    counts = counts_for(approved_only).for_year(fiscal_year)
    grouped = counts._grouped("report__month", "window", "agency")
    approved = ConsultationCount.objects.approved().for_year(fiscal_year).by_month()
    columns = source_columns({(w, a) for (_m, w, a) in grouped})
    months = list(FISCAL_MONTHS) + ([WHOLE_YEAR] if any(m == WHOLE_YEAR for (m, _w, _a) in grouped) else [])
    rows = []
    for month in months:
        cells = [grouped.get((month, *column.key)) for column in columns]
        label = "年度計で入力された件数" if month == WHOLE_YEAR else month_label(fiscal_year, month)
        total = total_of(cells)
        rows.append(Row(label, cells, total, approved.get(month, None if total is None else 0), key=month))
    column_totals = [total_of(row.cells[i] for row in rows) for i in range(len(columns))]
    total = Row(
        "合計",
        column_totals,
        total_of(column_totals),
        total_of(approved.values()),
        missing=missing_months((row.key for row in rows if row.total is not None), fiscal_year),
        cell_missing=[
            missing_months((row.key for row in rows if row.cells[i] is not None), fiscal_year)
            for i in range(len(columns))
        ],
    )
    return MonthTable(columns, rows, total)


@dataclass
class AreaBlock:
    area: Area | None
    districts: list[Row] = field(default_factory=list)
    agencies: Row | None = None
    subtotal: Row | None = None


@dataclass
class PlaceTable:
    columns: list[Column]
    blocks: list[AreaBlock]
    total: Row
    maximum: int


def place_table(fiscal_year: int, month: int | None, approved_only: bool) -> PlaceTable:
    """Totals of each 地区, each 地域 and the ward for a fiscal year (or one month of it), by window or agency.

    Agencies counted per 地域 appear as their 地域's own line; those counted for the ward as a line of their own.
    Over the whole year a 地区's total says how many begun months it has not entered, a 地域's and the ward's how
    many 地区 have such months.
    """
    counts = counts_for(approved_only).for_year(fiscal_year)
    if month is not None:
        counts = counts.filter(report__month=month)
    grouped = counts._grouped("report__district", "report__area", "window", "agency")
    columns = source_columns({(w, a) for (_d, _r, w, a) in grouped})
    entered = counts._grouped("report__district", "report__month") if month is None else {}

    def row_for(label, match, key=None, kind="") -> Row:
        cells = []
        for column in columns:
            cells.append(total_of(v for (d, r, w, a), v in grouped.items() if match(d, r) and (w, a) == column.key))
        return Row(label, cells, total_of(cells), key=key, kind=kind)

    def district_row(district) -> Row:
        row = row_for(str(district), lambda d, r, pk=district.pk: d == pk, district, "district")
        if month is None:
            row.missing = missing_months((m for (d, m) in entered if d == district.pk), fiscal_year)
        return row

    districts = list(District.objects.select_related("area").order_by("position"))
    blocks = []
    for area in Area.objects.order_by("position"):
        block = AreaBlock(area)
        block.districts = [district_row(district) for district in districts if district.area_id == area.pk]
        agencies = row_for(f"{area}の相談支援機関", lambda d, r, pk=area.pk: d is None and r == pk, kind="agencies")
        block.agencies = agencies if agencies.total is not None else None
        members = [*block.districts, *([agencies] if agencies.total is not None else [])]
        cells = [total_of(row.cells[i] for row in members) for i in range(len(columns))]
        block.subtotal = Row(f"{area} 計", cells, total_of(cells), key=area, kind="area")
        block.subtotal.missing_places = sum(1 for row in block.districts if row.missing)
        blocks.append(block)
    ward_agencies = row_for("全区の相談支援機関", lambda d, r: d is None and r is None, kind="agencies")
    if ward_agencies.total is not None:
        blocks.append(AreaBlock(None, agencies=ward_agencies))
    totals = [total_of(v for (d, r, w, a), v in grouped.items() if (w, a) == c.key) for c in columns]
    total = Row("全区 計", totals, total_of(totals), kind="ward")
    total.missing_places = sum(block.subtotal.missing_places for block in blocks if block.subtotal)
    maximum = max((row.total or 0 for block in blocks for row in block.districts), default=0)
    return PlaceTable(columns, blocks, total, maximum)


@dataclass
class Trend:
    label: str
    bars: list[tuple[str, int | None, str]]
    total: int | None
    missing: int = 0  # begun months without a figure (monthly trends)

    @property
    def has_values(self) -> bool:
        return any(value is not None for _, value, _ in self.bars)


def monthly_trends(fiscal_year: int, approved_only: bool) -> tuple[list[Trend], list[Trend]]:
    """Month by month for each window (and agency) and for each category: the bars of the trend charts."""
    counts = counts_for(approved_only).for_year(fiscal_year).exclude(report__month=WHOLE_YEAR)
    by_source = counts._grouped("report__month", "window", "agency")
    by_category = counts._grouped("report__month", "category")
    month_names = [f"{m}月" for m in FISCAL_MONTHS]

    def trend(label: str, lookup) -> Trend:
        bars = []
        for name, m in zip(month_names, FISCAL_MONTHS, strict=True):
            value = lookup(m)
            bars.append((name, value, f"{value:,}" if value is not None else "―"))
        entered = (m for (_, value, _), m in zip(bars, FISCAL_MONTHS, strict=True) if value is not None)
        return Trend(label, bars, total_of(v for _, v, _ in bars), missing_months(entered, fiscal_year))

    source_trends = [
        trend(column.label, lambda m, key=column.key: by_source.get((m, *key)))
        for column in source_columns({(w, a) for (_m, w, a) in by_source})
    ]
    category_trends = []
    for category in Category.objects.order_by("position", "pk"):
        found = trend(category.name, lambda m, pk=category.pk: by_category.get((m, pk)))
        if category.active or found.total is not None:
            category_trends.append(found)
    return source_trends, category_trends


def yearly_trends(approved_only: bool) -> list[Trend]:
    """Each window's (and agency's) fiscal-year totals, over every year that has counts."""
    grouped = counts_for(approved_only)._grouped("report__fiscal_year", "window", "agency")
    years = sorted({y for (y, _w, _a) in grouped})
    trends = []
    for column in source_columns({(w, a) for (_y, w, a) in grouped}):
        trend_bars = []
        for year in years:
            value = grouped.get((year, *column.key))
            trend_bars.append((era_label(year), value, f"{value:,}" if value is not None else "―"))
        trends.append(Trend(column.label, trend_bars, total_of(v for _, v, _ in trend_bars)))
    return trends

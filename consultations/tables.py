"""Rows of the roll-up pages: ward totals by fiscal year and month, totals by 地域 and 地区, trends.

Each builder asks the database for grouped sums (CountQuerySet) in one or two queries and arranges them in the
ward's order; the templates only print. `approved_only` narrows every figure to approved reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from setagaya_plan.core.fiscal_years import FISCAL_MONTHS, era_label, fiscal_year_label


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
    total: int
    approved: int | None = None
    key: object = None
    kind: str = ""


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
        rows.append(Row(label, cells, sum(c or 0 for c in cells), approved.get(month, 0), key=month))
    column_totals = [sum(row.cells[i] or 0 for row in rows) for i in range(len(columns))]
    total = Row("合計", column_totals, sum(column_totals), sum(approved.values()))
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
    """
    counts = counts_for(approved_only).for_year(fiscal_year)
    if month is not None:
        counts = counts.filter(report__month=month)
    grouped = counts._grouped("report__district", "report__area", "window", "agency")
    columns = source_columns({(w, a) for (_d, _r, w, a) in grouped})

    def row_for(label, match, key=None, kind="") -> Row:
        cells = []
        for column in columns:
            cells.append(sum(v for (d, r, w, a), v in grouped.items() if match(d, r) and (w, a) == column.key) or None)
        return Row(label, cells, sum(c or 0 for c in cells), key=key, kind=kind)

    districts = list(District.objects.select_related("area").order_by("position"))
    blocks = []
    for area in Area.objects.order_by("position"):
        block = AreaBlock(area)
        for district in (d for d in districts if d.area_id == area.pk):
            block.districts.append(row_for(str(district), lambda d, r, pk=district.pk: d == pk, district, "district"))
        agencies = row_for(f"{area}の相談支援機関", lambda d, r, pk=area.pk: d is None and r == pk, kind="agencies")
        block.agencies = agencies if agencies.total else None
        members = [*block.districts, *([agencies] if agencies.total else [])]
        cells = [sum(row.cells[i] or 0 for row in members) or None for i in range(len(columns))]
        block.subtotal = Row(f"{area} 計", cells, sum(c or 0 for c in cells), key=area, kind="area")
        blocks.append(block)
    ward_agencies = row_for("全区の相談支援機関", lambda d, r: d is None and r is None, kind="agencies")
    if ward_agencies.total:
        blocks.append(AreaBlock(None, agencies=ward_agencies))
    totals = [sum(v for (d, r, w, a), v in grouped.items() if (w, a) == c.key) or None for c in columns]
    total = Row("全区 計", totals, sum(t or 0 for t in totals), kind="ward")
    maximum = max((row.total for block in blocks for row in block.districts), default=0)
    return PlaceTable(columns, blocks, total, maximum)


@dataclass
class Trend:
    label: str
    bars: list[tuple[str, int | None, str]]
    total: int

    @property
    def has_values(self) -> bool:
        return any(value is not None for _, value, _ in self.bars)


def monthly_trends(fiscal_year: int, approved_only: bool) -> tuple[list[Trend], list[Trend]]:
    """Month by month for each window (and agency) and for each category: the bars of the trend charts."""
    counts = counts_for(approved_only).for_year(fiscal_year).exclude(report__month=WHOLE_YEAR)
    by_source = counts._grouped("report__month", "window", "agency")
    by_category = counts._grouped("report__month", "category")
    month_names = [f"{m}月" for m in FISCAL_MONTHS]

    def bars(lookup) -> list[tuple[str, int | None, str]]:
        out = []
        for name, m in zip(month_names, FISCAL_MONTHS, strict=True):
            value = lookup(m)
            out.append((name, value, f"{value:,}" if value is not None else "―"))
        return out

    source_trends = []
    for column in source_columns({(w, a) for (_m, w, a) in by_source}):
        trend_bars = bars(lambda m, key=column.key: by_source.get((m, *key)))
        source_trends.append(Trend(column.label, trend_bars, sum(v or 0 for _, v, _ in trend_bars)))
    category_trends = []
    for category in Category.objects.order_by("position", "pk"):
        trend_bars = bars(lambda m, pk=category.pk: by_category.get((m, pk)))
        total = sum(v or 0 for _, v, _ in trend_bars)
        if category.active or total:
            category_trends.append(Trend(category.name, trend_bars, total))
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
        trends.append(Trend(column.label, trend_bars, sum(v or 0 for _, v, _ in trend_bars)))
    return trends

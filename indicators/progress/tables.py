"""Tables of the progress pages: the plan's own printed tables, and the filterable indicator list.

* `printed_tables` lays out a めざす姿's 行動量 and 成果指標 tables as the plan prints them — 番号, name, 現況値,
  令和6–9年度, 総量 — with each year's actual and grade under its target. The measure page, the annual report, the
  public site and the xlsx report (report_xlsx) all use it, so a planner recognises the same document everywhere.
* `IndicatorTable` (django-tables2) lists indicators with their target, actual, rates and grade for one year. It
  pages and sorts a queryset joined with the year's stored grades (filters.with_grade_columns) in SQL, then
  `list_rows` builds the shown page's rows only, with an Evaluator over those indicators (the approved actuals,
  confirmed baselines and the grade's badge). Its download (CSV, xlsx) has one row per series: indicators.columns.

Numbers, units and rates are printed by setagaya_plan.lib.numerals; grades by the one badge fragment
(templates/includes/grade_badge.html).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS

from indicators.columns import status_label
from indicators.evaluation import Evaluator, IndicatorGrade, SeriesGrade, Status
from indicators.models import Indicator, Report, Series, Target
from indicators.templatetags.grades import render_grade_badge
from setagaya_plan.core.fiscal_years import current_plan, era_label, fiscal_year_label, plan_years, printed_years
from setagaya_plan.lib.numerals import format_progress, format_rate, format_value, to_full_width


def target_text(target: Target | None, unit: str) -> str:
    if target is None:
        return ""
    if target.deferred_to:
        return target.deferred_to
    if target.value is not None:
        return format_value(target.value, unit)
    return target.text


def baseline_text(series: Series, value: Decimal | None = None, note: str | None = None) -> str:
    """１３０回（令和５年度見込み） as 130回（令和5年度見込み）; ― when the plan prints none."""
    value = series.baseline_value if value is None else value
    note = series.baseline_note if note is None else note
    if value is None:
        return series.baseline_text or "―"
    text = format_value(value, series.effective_unit)
    return f"{text}（{note}）" if note else text


def total_text(series: Series) -> str:
    if series.total_text:
        return series.total_text
    if series.total_value is not None:
        return format_value(series.total_value, series.effective_unit)
    return "―"


def display_years(indicators: Iterable[Indicator] = ()) -> list[int]:
    """The printed years (令和6–9年度), plus later years of the plan once the mid-term review has given them
    targets (read from the indicators' prefetched targets)."""
    ends = (target.end_fiscal_year for i in indicators for s in i.series.all() for target in s.targets.all())
    return years_until(max(ends, default=None))


def years_until(last_target: int | None) -> list[int]:
    """The printed years, extended to the last year any target covers (within the plan's years)."""
    plan = current_plan()
    printed, years = printed_years(plan), plan_years(plan)
    last = printed.stop - 1
    if last_target is not None:
        last = max(last, min(last_target, years.stop - 1))
    return list(range(printed.start, last + 1))


# The printed tables.


@dataclass
class TargetCellView:
    text: str
    colspan: int = 1
    years: list[int] = field(default_factory=list)
    numeric: bool = False
    deferred: bool = False
    revised: bool = False  # a revision of the 実施計画 changed it from 当初 (printed ※改定)
    target: Target | None = None


@dataclass
class YearResult:
    """Under a target: the year's actual and its grade (official, or provisional for those who may see it)."""

    year: int
    actual: str = ""
    grade: SeriesGrade | IndicatorGrade | None = None
    provisional: bool = False
    rate: str = ""

    @property
    def shows_grade(self) -> bool:
        return self.grade is not None and self.grade.status != Status.NO_TARGET


@dataclass
class PrintedRow:
    indicator: Indicator
    series: Series | None
    code: str  # the indicator code, with /a, /b, /yearly, /cumulative for a part
    number: str  # as printed in this place
    name: str
    part_label: str
    relisted: bool
    first_of_indicator: bool
    last_of_indicator: bool
    parts_count: int
    baseline: str
    confirmed_baseline: str
    targets: list[TargetCellView]
    total: str
    results: list[YearResult]
    plan_refs: list[str] = field(default_factory=list)  # 【実施計画 施策９－３】, in the plan's order
    footnotes: list[str] = field(default_factory=list)
    home: str = ""  # where a 【再掲】 indicator is printed first: 推進施策1 めざす姿2

    @property
    def anchor(self) -> str:
        return f"ind-{self.indicator.code}"


@dataclass
class PrintedTable:
    kind: str
    label: str
    rows: list[PrintedRow]


@dataclass
class Placement:
    """An indicator as printed in one めざす姿: its own place or a 【再掲】."""

    indicator: Indicator
    number: str
    position: int
    relisted: bool


def placements_by_vision(indicators: Iterable[Indicator]) -> dict[int, list[Placement]]:
    """Every めざす姿's printed indicators in printed order (行動量 then 成果指標, own and 【再掲】 rows), in one
    pass over the indicators and their prefetched relistings: a page asks per めざす姿 without scanning the plan."""
    found: dict[int, list[Placement]] = defaultdict(list)
    for indicator in indicators:
        found[indicator.vision_id].append(Placement(indicator, indicator.number, indicator.position, False))
        for relisting in indicator.relistings.all():
            found[relisting.vision_id].append(Placement(indicator, relisting.number, relisting.position, True))
    for listed in found.values():
        listed.sort(key=lambda p: (p.indicator.kind, p.position))
    return found


@dataclass
class _Shape:
    """What every row of an indicator needs from its prefetched relations, read once per indicator: the printed
    tables then walk plain lists instead of asking a related manager per row, year and cell."""

    series: list[tuple[Series, list[Target]]]
    plan_refs: list[str]
    footnotes: list[str]
    home: str

    @classmethod
    def of(cls, indicator: Indicator) -> _Shape:
        every = [(series, list(series.targets.all())) for series in indicator.series.all()]
        parts = [(series, targets) for series, targets in every if series.key]
        return cls(
            series=parts or [(series, targets) for series, targets in every if series.key == ""],
            plan_refs=[item.printed_label for item in indicator.plan_refs()],
            footnotes=indicator.footnote_list(),
            home=f"{indicator.vision.measure.label} めざす姿{indicator.vision.number}",
        )


def _target_in(targets: list[Target], year: int) -> Target | None:
    return next((target for target in targets if target.covers(year)), None)


def is_revised(evaluator: Evaluator, series: Series, year: int) -> bool:
    """The year's target is not 当初's: a revision changed, added or removed it."""
    history = evaluator.target_history(series, year)
    return len(history) > 1 or bool(history and history[0][0].number != 0)


def _target_cells(
    series: Series, years: list[int], targets: list[Target] | None = None, evaluator: Evaluator | None = None
) -> list[TargetCellView]:
    cells: list[TargetCellView] = []
    unit = series.effective_unit
    targets = list(series.targets.all()) if targets is None else targets
    for year in years:
        target = _target_in(targets, year)
        revised = evaluator is not None and is_revised(evaluator, series, year)
        if cells and target is not None and cells[-1].years and target.covers(cells[-1].years[0]):
            cells[-1].colspan += 1
            cells[-1].years.append(year)
            cells[-1].revised = cells[-1].revised or revised
            continue
        cells.append(
            TargetCellView(
                text=target_text(target, unit) or ("" if target is None else "―"),
                years=[year] if target is not None else [],
                numeric=bool(target and target.value is not None),
                deferred=bool(target and target.deferred_to),
                revised=revised,
                target=target,
            )
        )
    return cells


def _actual_text(evaluator: Evaluator, indicator: Indicator, year: int, series: Series) -> str:
    """The year's actual of a series as printed, from the evaluator's plain data (no query, no related manager)."""
    report = evaluator.data[indicator.pk].reports.get(year)
    actual = report.actuals.get(series.key) if report else None
    if actual is None:
        return ""
    if actual.value is not None:
        return format_value(actual.value, series.effective_unit)
    return actual.text


def year_results(
    indicator: Indicator,
    series: Series | None,
    evaluator: Evaluator,
    years: list[int],
    sees_unapproved: bool,
) -> list[YearResult]:
    """Each year's actual and grade of a series (or of the whole indicator when `series` is None)."""
    results = []
    every_series = list(indicator.series.all()) if series is None else []
    for year in years:
        report = evaluator.report(indicator, year)
        official = evaluator.grade(indicator, year)
        approved = report is not None and report.status == Report.Status.APPROVED
        provisional = None
        if not approved and sees_unapproved and report is not None:
            provisional = evaluator.grade(indicator, year, official=False)
        use = provisional if provisional is not None and provisional.is_graded else official
        grade = use if series is None else next((g for g in use.series if g.key == series.key), None)
        shown = approved or (sees_unapproved and report is not None)
        actual = ""
        if shown and series is not None:
            actual = _actual_text(evaluator, indicator, year, series)
        elif shown:
            actual = "、".join(filter(None, (_actual_text(evaluator, indicator, year, s) for s in every_series)))
        rate_source = grade if isinstance(grade, SeriesGrade) else (grade.main if grade else None)
        rate = ""
        if rate_source is not None and rate_source.status in (Status.GRADED, Status.INTERIM):
            if evaluator.scheme.is_pace and rate_source.pace is not None:
                rate = f"進み具合 {format_rate(rate_source.pace)}"
            elif rate_source.achievement is not None and rate_source.status == Status.INTERIM:
                # Part of a target merged over several years: how much of it is done so far.
                rate = f"途中経過 {format_rate(rate_source.achievement)}"
            elif rate_source.achievement is not None:
                rate = f"達成率 {format_rate(rate_source.achievement)}"
        results.append(
            YearResult(
                year=year,
                actual=actual,
                grade=grade,
                provisional=use is provisional and provisional is not None,
                rate=rate,
            )
        )
    return results


def printed_tables(
    placed: Iterable[Placement],
    evaluator: Evaluator,
    years: list[int],
    sees_unapproved: Callable[[Indicator], bool] = lambda indicator: False,
) -> list[PrintedTable]:
    """The 行動量 and 成果指標 tables of a めざす姿 (its placements, from `placements_by_vision`), as printed, with
    actuals and grades per year. One pass: each indicator's relations are read once (_Shape), each row is built
    from plain lists and the evaluator's data, so a page costs what it shows."""
    tables_by_kind: dict[str, PrintedTable] = {
        kind: PrintedTable(kind=kind, label=label, rows=[]) for kind, label in Indicator.Kind.choices
    }
    for placement in placed:
        indicator = placement.indicator
        visible = sees_unapproved(indicator)
        shape = _Shape.of(indicator)
        count = len(shape.series)
        for index, (series, targets) in enumerate(shape.series):
            confirmed = evaluator.confirmed.get(series.pk)
            tables_by_kind[indicator.kind].rows.append(
                PrintedRow(
                    indicator=indicator,
                    series=series,
                    code=series.code,
                    number=placement.number,
                    name=indicator.name,
                    part_label=series.part_label,
                    relisted=placement.relisted,
                    first_of_indicator=index == 0,
                    last_of_indicator=index == count - 1,
                    parts_count=count,
                    baseline=baseline_text(series),
                    confirmed_baseline=baseline_text(series, confirmed.value, confirmed.note) if confirmed else "",
                    targets=_target_cells(series, years, targets, evaluator),
                    total=total_text(series),
                    results=year_results(indicator, series, evaluator, years, visible),
                    plan_refs=shape.plan_refs,
                    footnotes=shape.footnotes,
                    home=shape.home,
                )
            )
    return [table for table in tables_by_kind.values() if table.rows]


def year_header(year: int, full_width: bool = False) -> str:
    """令和6年度（2024年度）; the printed form 令和６年度（２０２４年度） for the workbook's header cells."""
    label = fiscal_year_label(year)
    return to_full_width(label) if full_width else label


def short_year(year: int) -> str:
    return era_label(year)


# The indicator list (django-tables2).


@dataclass
class IndicatorListRow:
    indicator: Indicator
    code: str
    name: str
    kind: str
    measure: str
    unit: str
    baseline: Decimal | None
    baseline_display: str
    target: Decimal | None
    target_display: str
    actual: Decimal | None
    actual_display: str
    achievement: Decimal | None
    progress: Decimal | None
    grade: IndicatorGrade
    section: str
    status: str
    url: str
    measure_url: str


def _first_value(values: list[Decimal | None]) -> Decimal | None:
    return next((v for v in values if v is not None), None)


def _joined(parts: list[tuple[str, str]]) -> str:
    """Several parts in one cell: a) 58件 / b) 600件, 整備数 2箇所 / 累計整備数 51箇所."""
    if len(parts) == 1:
        return parts[0][1]
    return " / ".join(f"{mark} {text}" for mark, text in parts if text)


def _url_of_code(name: str) -> Callable[[str], str]:
    """reverse(name, args=[code]) for a page of codes: the route reversed once, each code quoted as reverse()
    quotes it (a route's path is made of characters it leaves as they are)."""
    marker = "0code0"
    before, after = reverse(name, args=[marker]).split(marker)
    return lambda code: before + quote(code, safe=RFC3986_SUBDELIMS + "/~:@") + after


def list_rows(indicators: Iterable[Indicator], evaluator: Evaluator, year: int) -> list[IndicatorListRow]:
    rows = []
    indicator_url = _url_of_code("progress:indicator")
    measure_urls: dict[int, str] = {}  # a page's rows share a few 推進施策
    for indicator in indicators:
        grade = evaluator.grade(indicator, year)
        report = evaluator.report(indicator, year)
        approved = report is not None and report.status == Report.Status.APPROVED
        series_list = list(indicator.series.all())
        label_key = [(s.part_mark, s) for s in series_list]
        data = evaluator.series_data(indicator)
        baselines = [data[s.key].baseline for s in series_list]
        targets = [s.target_for(year) for s in series_list]
        actuals = [report.actual_for(s) if approved else None for s in series_list]
        main = grade.main
        rows.append(
            IndicatorListRow(
                indicator=indicator,
                code=indicator.code,
                name=indicator.name,
                kind=indicator.get_kind_display(),
                measure=indicator.vision.measure.label,
                unit=indicator.unit,
                baseline=_first_value(baselines),
                baseline_display=_joined(
                    [
                        (key, format_value(value, s.effective_unit) if value is not None else s.baseline_text or "―")
                        for (key, s), value in zip(label_key, baselines, strict=True)
                    ]
                ),
                target=_first_value([t.value if t else None for t in targets]),
                target_display=_joined(
                    [
                        (key, _target_with_years(t, s.effective_unit))
                        for (key, s), t in zip(label_key, targets, strict=True)
                    ]
                ),
                actual=_first_value([a.value if a else None for a in actuals]),
                actual_display=_joined(
                    [
                        (key, (format_value(a.value, s.effective_unit) if a.value is not None else a.text) if a else "")
                        for (key, s), a in zip(label_key, actuals, strict=True)
                    ]
                ),
                achievement=main.achievement if main else None,
                progress=main.progress if main else None,
                grade=grade,
                section=indicator.section.name if indicator.section else "",
                status=status_label(report, grade),
                url=indicator_url(indicator.code),
                measure_url=_measure_url_of(indicator.vision.measure, measure_urls) + f"#ind-{indicator.code}",
            )
        )
    return rows


def measure_url(measure, name: str = "progress:measure") -> str:
    return reverse(name, args=[measure.goal.number, measure.number])


def _measure_url_of(measure, known: dict[int, str]) -> str:
    if measure.pk not in known:
        known[measure.pk] = measure_url(measure)
    return known[measure.pk]


def _target_with_years(target: Target | None, unit: str) -> str:
    text = target_text(target, unit)
    if target is not None and target.is_multi_year and target.value is not None:
        return f"{text}（{short_year(target.fiscal_year)}～{short_year(target.end_fiscal_year)}）"
    return text


@dataclass
class BodyRow:
    """A row of the list's shown page as the template prints it: its anchor and its cells with their attributes."""

    code: str
    cells: list[tuple[str, object]]


def _attrs(name: str, numeric: bool = False) -> dict:
    css = f"col-{name}" + (" num" if numeric else "")
    return {"td": {"class": css}, "th": {"class": css}}


class IndicatorTable(tables.Table):
    """Indicators (records) of a queryset joined with their year's stored grade; sorting is SQL (order_by names
    the annotations of filters.with_grade_columns), and what a cell shows comes from the page's `list_rows`."""

    code = tables.Column(verbose_name="コード", attrs=_attrs("code"))
    name = tables.Column(verbose_name="名称", attrs=_attrs("name"))
    unit = tables.Column(verbose_name="単位", attrs=_attrs("unit"))
    baseline = tables.Column(verbose_name="現況値", empty_values=(), orderable=False, attrs=_attrs("value", True))
    target = tables.Column(
        verbose_name="目標", empty_values=(), order_by=("grade_target", "code"), attrs=_attrs("target")
    )
    actual = tables.Column(verbose_name="実績（承認済）", empty_values=(), orderable=False, attrs=_attrs("value", True))
    achievement = tables.Column(
        verbose_name="達成率", empty_values=(), order_by=("grade_achievement", "code"), attrs=_attrs("rate", True)
    )
    progress = tables.Column(
        verbose_name="進捗率", empty_values=(), order_by=("grade_progress", "code"), attrs=_attrs("rate", True)
    )
    grade = tables.Column(verbose_name="評価", empty_values=(), order_by=("grade_rank", "code"), attrs=_attrs("grade"))
    section = tables.Column(
        verbose_name="所管課", empty_values=(), order_by=("section__name", "code"), attrs=_attrs("section")
    )
    status = tables.Column(verbose_name="状態", empty_values=(), orderable=False, attrs=_attrs("status"))

    class Meta:
        template_name = "progress/table.html"
        attrs = {"class": "indicator-table"}
        empty_text = "条件に合う指標はありません。"
        per_page = 50

    # The columns that show a field of the indicator itself; the others are computed (empty_values=()).
    FIELD_COLUMNS = ("code", "name", "unit")

    def __init__(self, data, *, scheme, year: int, today, **kwargs):
        super().__init__(data, **kwargs)
        self.scheme, self.year, self.today = scheme, year, today
        self.shown: dict[int, IndicatorListRow] = {}
        self.body: list[BodyRow] = []

    def before_render(self, request):
        """Grade and lay out the shown page only (the rows of one page: a fixed number of queries), then build its
        cells once: each column's <td> attributes are the same on every row (no callable attrs), so the template
        loops over plain (attributes, cell) pairs instead of asking django-tables2 per cell (its BoundRow inspects
        the render method's signature and recomputes the column's attributes for each of the page's cells)."""
        indicators = [row.record for row in self.paginated_rows]
        evaluator = Evaluator(indicators, scheme=self.scheme, today=self.today)
        self.shown = {row.indicator.pk: row for row in list_rows(indicators, evaluator, self.year)}
        columns = [(column.name, column.attrs["td"].as_html()) for column in self.columns]
        self.body = [
            BodyRow(record.code, [(attrs, self._cell(name, record)) for name, attrs in columns])
            for record in indicators
        ]

    def _cell(self, name: str, record: Indicator):
        """A cell as django-tables2 renders it: the record's own field (code, name, unit), the table's default when
        that is empty, else the column's render_ method."""
        render = getattr(self, f"render_{name}", None)
        if name in self.FIELD_COLUMNS:
            value = getattr(record, name)
            if value in self.columns[name].column.empty_values:
                return self.default
            return render(value, record) if render else value
        return render(record)

    def render_code(self, value, record):
        return format_html('<a href="{}">{}</a>', self.shown[record.pk].url, value)

    def render_name(self, value, record):
        row = self.shown[record.pk]
        return format_html('{}<br><span class="muted small">{}・{}</span>', value, row.measure, row.kind)

    def render_baseline(self, record):
        return self.shown[record.pk].baseline_display

    def render_target(self, record):
        return self.shown[record.pk].target_display or "―"

    def render_actual(self, record):
        return self.shown[record.pk].actual_display or "―"

    def render_achievement(self, record):
        return format_rate(self.shown[record.pk].achievement)

    def render_progress(self, record):
        return format_progress(self.shown[record.pk].progress)

    def render_grade(self, record):
        return render_grade_badge(self.shown[record.pk].grade)

    def render_section(self, record):
        return self.shown[record.pk].section

    def render_status(self, record):
        return self.shown[record.pk].status

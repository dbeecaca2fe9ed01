"""The annual progress report on screen, one page of 推進施策 at a time.

The whole plan at once is tens of megabytes of HTML once the plan grows (a plan ten or a hundred times the real one
in bench/), more than a browser or a web worker should hold. So the report is cut between 推進施策 into pages of
about `PAGE_ROWS` indicator rows (【再掲】 counted), and a 推進施策 with more rows than that has pages of its own,
each a window of its rows (indicators.progress.paging): the real plan fits on one page, so printing it is
unchanged, and a page of a larger plan loads only the indicators printed on it. Counting the rows per 推進施策 is one
aggregate query each for own indicators and 【再掲】, never a walk over the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from indicators.evaluation import Evaluator
from indicators.models import Indicator, Relisting, Target
from indicators.progress import paging
from indicators.progress.analyses import year_analyses
from indicators.progress.overview import all_indicators
from indicators.progress.tables import placements_by_vision, printed_tables, years_until
from measures.models import Measure, Vision


@dataclass
class PagePart:
    """A 推進施策 on a report page: all of it, or — for one with more rows than a page holds — one window of its
    rows (`window`, a slice of `paging.row_keys`), the `part`-th of `parts`."""

    measure: Measure
    rows: int
    window: slice | None = None
    part: int = 1
    parts: int = 1

    @property
    def label(self) -> str:
        return self.measure.label if self.parts == 1 else f"{self.measure.label}（{self.part}／{self.parts}）"


@dataclass
class ReportPage:
    number: int
    parts: list[PagePart]
    rows: int

    @property
    def measures(self) -> list[Measure]:
        return [part.measure for part in self.parts]

    @property
    def label(self) -> str:
        """基本目標1－推進施策1～基本目標1－推進施策5: what the page holds, for its link."""
        first, last = self.parts[0], self.parts[-1]
        return first.label if first is last else f"{first.label}～{last.label}"


def report_pages(page_rows: int | None = None) -> list[ReportPage]:
    """The 推進施策 in plan order cut into pages of about `page_rows` rows (`paging.PAGE_ROWS`), between 推進施策;
    a 推進施策 with more rows than a page holds has pages of its own, each a window of its rows."""
    page_rows = page_rows or paging.PAGE_ROWS
    own = dict(Indicator.objects.values_list("vision__measure").annotate(n=Count("pk")).order_by())
    relisted = dict(Relisting.objects.values_list("vision__measure").annotate(n=Count("pk")).order_by())
    parts: list[tuple[PagePart, int]] = []
    for measure in Measure.objects.in_plan_order():
        rows = own.get(measure.pk, 0) + relisted.get(measure.pk, 0)
        count = max(1, -(-rows // page_rows))  # a 推進施策 longer than a page: windows of page_rows rows
        for index in range(count):
            window = slice(index * page_rows, min(rows, (index + 1) * page_rows)) if count > 1 else None
            size = window.stop - window.start if window else rows
            parts.append((PagePart(measure, size, window, index + 1, count), size))
    cut = paging.cut(parts, page_rows, alone=lambda part: part.window is not None)
    return [ReportPage(number, held, rows) for number, (held, rows) in enumerate(cut, start=1)]


def report_years() -> list[int]:
    """The year columns of every page alike: the printed years and any later year a target of the plan covers."""
    return years_until(Target.objects.aggregate(last=Max("end_fiscal_year"))["last"])


@dataclass
class ReportMeasure:
    measure: Measure
    visions: list[dict]
    part: PagePart


def page_measures(page: ReportPage, today, sees, years: list[int], year: int) -> list[ReportMeasure]:
    """The printed tables of one page's 推進施策 (in the columns of `years`), from the indicators printed there, each
    めざす姿 with the year's approved 要因分析 and 今後の方向性 (indicators.progress.analyses)."""
    ids = [part.measure.pk for part in page.parts]
    windowed = next((part for part in page.parts if part.window is not None), None)
    if windowed is None:
        rows = paging.Window(None)
        printed_here = Q(vision__measure__in=ids) | Q(relistings__vision__measure__in=ids)
    else:
        keys = paging.row_keys(windowed.measure)[windowed.window]
        rows = paging.Window(keys, windowed.part == 1, windowed.part == windowed.parts)
        printed_here = Q(pk__in=rows.indicator_ids)
    indicators = list(all_indicators().filter(printed_here).distinct())
    evaluator = Evaluator(indicators, today=today)
    by_vision = rows.placements(placements_by_vision(indicators))
    visions: dict[int, list[dict]] = {pk: [] for pk in ids}
    for vision in Vision.objects.filter(measure__in=ids).order_by("measure_id", "number"):
        if not rows.shows(vision.number):
            continue
        tables = printed_tables(by_vision.get(vision.pk, []), evaluator, years, sees)
        visions[vision.measure_id].append(
            {"vision": vision, "tables": tables, "analyses": year_analyses(tables, evaluator, year)}
        )
    return [ReportMeasure(part.measure, visions[part.measure.pk], part) for part in page.parts]

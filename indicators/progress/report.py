"""The annual progress report on screen, one page of 推進施策 at a time.

The whole plan at once is tens of megabytes of HTML once the plan grows (a plan ten or a hundred times the real one
in bench/), more than a browser or a web worker should hold. So the report is cut between 推進施策 into pages of
about `PAGE_ROWS` indicator rows (【再掲】 counted): the real plan fits on one page, so printing it is unchanged,
and a page of a larger plan loads only the indicators printed on it. Counting the rows per 推進施策 is one
aggregate query each for own indicators and 【再掲】, never a walk over the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from indicators.evaluation import Evaluator
from indicators.models import Indicator, Relisting, Target
from indicators.progress.analyses import year_analyses
from indicators.progress.overview import all_indicators
from indicators.progress.tables import placements_by_vision, printed_tables, years_until
from measures.models import Measure, Vision

# Indicator rows (own and 【再掲】) per screen page: the whole real plan (about 100) fits on one.
PAGE_ROWS = 250


@dataclass
class ReportPage:
    number: int
    measures: list[Measure]
    rows: int

    @property
    def label(self) -> str:
        """基本目標1－推進施策1～基本目標1－推進施策5: what the page holds, for its link."""
        first, last = self.measures[0], self.measures[-1]
        return first.label if first == last else f"{first.label}～{last.label}"


def report_pages(page_rows: int = PAGE_ROWS) -> list[ReportPage]:
    """The 推進施策 in plan order cut into pages of about `page_rows` rows; a 推進施策 is never split."""
    own = dict(Indicator.objects.values_list("vision__measure").annotate(n=Count("pk")).order_by())
    relisted = dict(Relisting.objects.values_list("vision__measure").annotate(n=Count("pk")).order_by())
    pages: list[ReportPage] = []
    for measure in Measure.objects.in_plan_order():
        rows = own.get(measure.pk, 0) + relisted.get(measure.pk, 0)
        if not pages or (pages[-1].rows and pages[-1].rows + rows > page_rows):
            pages.append(ReportPage(number=len(pages) + 1, measures=[], rows=0))
        pages[-1].measures.append(measure)
        pages[-1].rows += rows
    return pages


def page_number(value: str | None, count: int) -> int:
    """?page= as a page that exists: anything unreadable is the first page, anything beyond is the last."""
    text = (value or "").strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 1
    return min(max(number, 1), max(count, 1))


def report_years() -> list[int]:
    """The year columns of every page alike: the printed years and any later year a target of the plan covers."""
    return years_until(Target.objects.aggregate(last=Max("end_fiscal_year"))["last"])


@dataclass
class ReportMeasure:
    measure: Measure
    visions: list[dict]


def page_measures(page: ReportPage, today, sees, years: list[int], year: int) -> list[ReportMeasure]:
    """The printed tables of one page's 推進施策 (in the columns of `years`), from the indicators printed there, each
    めざす姿 with the year's approved 要因分析 and 今後の方向性 (indicators.progress.analyses)."""
    ids = [measure.pk for measure in page.measures]
    indicators = list(
        all_indicators().filter(Q(vision__measure__in=ids) | Q(relistings__vision__measure__in=ids)).distinct()
    )
    evaluator = Evaluator(indicators, today=today)
    by_vision = placements_by_vision(indicators)
    visions: dict[int, list[dict]] = {pk: [] for pk in ids}
    for vision in Vision.objects.filter(measure__in=ids).order_by("measure_id", "number"):
        tables = printed_tables(by_vision.get(vision.pk, []), evaluator, years, sees)
        visions[vision.measure_id].append(
            {"vision": vision, "tables": tables, "analyses": year_analyses(tables, evaluator, year)}
        )
    return [ReportMeasure(measure, visions[measure.pk]) for measure in page.measures]

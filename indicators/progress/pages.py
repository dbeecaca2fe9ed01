"""What the measure and indicator pages show, to staff (progress) and to the public site alike."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Max, Prefetch, Q
from django.shortcuts import get_object_or_404

from indicators.evaluation import Evaluator
from indicators.models import Grade, Report, Target
from indicators.progress import paging
from indicators.progress.charts import chart_geometry
from indicators.progress.overview import all_indicators, legend_context, level_counts, total_tally
from indicators.progress.tables import (
    baseline_text,
    display_years,
    placements_by_vision,
    printed_tables,
    target_text,
    total_text,
    year_results,
    years_until,
)
from measures.models import Measure, Vision
from setagaya_plan.core.fiscal_years import era_label, fiscal_year_label
from setagaya_plan.lib.numerals import format_progress, format_rate, format_value

# Measure page.


def measure_for(goal: int, number: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("goal"), goal__number=goal, number=number)


def measure_context(measure: Measure, year: int, today, sees, query=None) -> dict:
    """The measure page: its summary for the year from the stored grades, then its printed tables — all of them,
    or for a 推進施策 with more than `paging.PAGE_ROWS` rows the window the request's `query` names (?page=,
    indicators.progress.paging)."""
    query = query or {}
    visions = list(
        Vision.objects.filter(measure=measure)
        .order_by("number")
        .prefetch_related(Prefetch("initiatives", to_attr="initiative_list"))
    )
    keys = paging.row_keys(measure)
    window = Paginator(keys, paging.PAGE_ROWS).get_page(query.get("page"))
    rows = paging.Window(list(window.object_list), not window.has_previous(), not window.has_next())
    links = paging.paginator_links(window.paginator, "指標の行")
    indicators = list(all_indicators().filter(pk__in=rows.indicator_ids))
    evaluator = Evaluator(indicators, today=today)
    years = measure_years(measure)
    by_vision = rows.placements(placements_by_vision(indicators))
    vision_blocks = []
    for vision in visions:
        vision_blocks.append(
            {
                "vision": vision,
                "current_state": narrative_blocks(vision.current_state),
                "challenges": narrative_blocks(vision.challenges),
                "direction": narrative_blocks(vision.direction),
                "tables": printed_tables(by_vision.get(vision.pk, []), evaluator, years, sees),
                "on_page": rows.shows(vision.number),
                "continued": rows.continues(vision.pk),
            }
        )
    scheme = evaluator.scheme
    tally = total_tally(Grade.objects.of_year(year).filter(measure=measure), scheme, today)
    return {
        "measure": measure,
        "visions": vision_blocks,
        "window": window if window.paginator.num_pages > 1 else None,
        "pages": links,
        "page": links[window.number - 1],
        "page_query": paging.other_query(query) if query else "",
        "years": years,
        "year_headers": year_headers(years),
        "year": year,
        "year_label": fiscal_year_label(year),
        "rollup": tally,
        "rollup_levels": list(zip(scheme.levels, level_counts(tally, scheme), strict=True)),
        "evaluator": evaluator,
        **legend_context(evaluator),
    }


def measure_years(measure: Measure) -> list[int]:
    """The year columns of every page of a measure alike: the printed years and any later year a target of an
    indicator printed there covers (one aggregate, not the indicators' prefetch: a page loads only its window)."""
    printed_there = Q(series__indicator__vision__measure=measure) | Q(
        series__indicator__relistings__vision__measure=measure
    )
    return years_until(Target.objects.filter(printed_there).aggregate(last=Max("end_fiscal_year"))["last"])


def year_headers(years: list[int]) -> list[dict]:
    return [{"year": y, "era": era_label(y)} for y in years]


def narrative_blocks(text: str) -> list[dict]:
    """現状・課題・方向性 text as paragraphs (● bullets) and the statistics tables printed inside it.

    Format (fixtures/plan/FORMAT.md): a 【caption】 line, then one line per table row, cells separated by " / ".
    """
    blocks: list[dict] = []
    table = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("【") and line.endswith("】"):
            table = {"type": "table", "caption": line.strip("【】"), "header": [], "rows": []}
            blocks.append(table)
            continue
        if table is not None and " / " in line:
            cells = [cell.strip() for cell in line.split(" / ")]
            if not table["header"]:
                table["header"] = cells
            else:
                table["rows"].append(cells)
            continue
        table = None
        bullet = line.startswith("●")
        blocks.append({"type": "bullet" if bullet else "paragraph", "text": line.lstrip("● ").strip()})
    return blocks


# Indicator page.


def target_history_rows(evaluator: Evaluator, series, year: int, unit: str) -> list[dict]:
    """当初 and each revised target of a year, with the revision's name and decision date; empty when never revised."""
    history = evaluator.target_history(series, year)
    if len(history) < 2 and not (history and history[0][0].number != 0):
        return []
    return [
        {
            "label": "当初" if revision.number == 0 else "改定後",
            "revision": revision.name,
            "decided": revision.decided,
            "text": (target_text(cell, unit) or "―") if cell is not None else "（目標なし）",
            "current": index == len(history) - 1,
        }
        for index, (revision, cell) in enumerate(history)
    ]


def series_view(indicator, series, evaluator: Evaluator, years: list[int], sees: bool) -> dict:
    """Targets, actuals, rates and grades of one series per year, and its chart."""
    data = evaluator.series_data(indicator)[series.key]
    results = year_results(indicator, series, evaluator, years, sees)
    unit = series.effective_unit
    rows, points = [], []
    running: dict[int, Decimal] = {}
    for result in results:
        year = result.year
        target = series.target_for(year)
        grade = result.grade
        report = evaluator.report(indicator, year)
        shown = report if report and (report.status == Report.Status.APPROVED or sees) else None
        actual = shown.actual_for(series) if shown else None
        actual_value = actual.value if actual else None
        chart_actual = actual_value
        chart_target = target.value if target and target.value is not None else None
        # A count summed over merged years: plot the running sum in the cell against the cell's value.
        if target and target.is_multi_year and target.value is not None and data.total_kind == "sum":
            if actual_value is not None:
                running[target.fiscal_year] = running.get(target.fiscal_year, Decimal(0)) + actual_value
                chart_actual = running[target.fiscal_year]
        rows.append(
            {
                "year": year,
                "label": fiscal_year_label(year),
                "target": target_text(target, unit) or "―",
                "target_years": target.years_label if target and target.is_multi_year else "",
                "history": target_history_rows(evaluator, series, year, unit),
                "graded_against": _graded_against(evaluator.grade(indicator, year)),
                "result": result,
                "achievement": format_rate(grade.achievement if grade else None),
                "progress": format_progress(grade.progress if grade else None),
                "pace": format_rate(grade.pace if grade else None),
                "compared": format_value(grade.actual, unit) if grade and grade.actual is not None else "",
            }
        )
        points.append(
            {
                "year": year,
                "label": fiscal_year_label(year),
                "short_label": era_label(year).replace("年度", ""),
                "target": chart_target,
                "actual": chart_actual,
                "provisional": bool(actual and shown and shown.status != Report.Status.APPROVED),
            }
        )
    numeric = any(p["target"] is not None for p in points)
    return {
        "series": series,
        "label": series.label,
        "unit": unit,
        "baseline": baseline_text(series),
        "confirmed": evaluator.confirmed.get(series.pk),
        "baseline_value": data.baseline,
        "total": total_text(series),
        "rows": rows,
        "chart": chart_geometry(points, data.baseline, unit) if numeric else None,
        "merged_sum": any(t.is_multi_year and t.value is not None for t in series.targets.all())
        and data.total_kind == "sum",
    }


def _graded_against(grade) -> str:
    """The revision whose target graded the year, when it is not the latest one (a year graded before a revision)."""
    return grade.revision if grade.is_graded and grade.revision else ""


def indicator_context(indicator, today, sees: bool, public: bool = False) -> dict:
    evaluator = Evaluator([indicator], today=today)
    years = display_years([indicator])
    series_list = indicator.parts() or [s for s in [indicator.main_series()] if s]
    reports = []
    for year in years:
        report = evaluator.report(indicator, year)
        if report is None or not (report.status == Report.Status.APPROVED or sees):
            continue
        if report.factor_analysis or report.next_steps or (report.comment and sees and not public):
            reports.append(
                {
                    "year": year,
                    "label": fiscal_year_label(year),
                    "report": report,
                    "provisional": report.status != Report.Status.APPROVED,
                    "comment": report.comment if sees and not public else "",
                }
            )
    places = [
        {
            "measure": indicator.vision.measure,
            "vision": indicator.vision,
            "number": indicator.number,
            "relisted": False,
        }
    ] + [
        {"measure": r.vision.measure, "vision": r.vision, "number": r.number, "relisted": True}
        for r in indicator.relistings.all()
    ]
    return {
        "indicator": indicator,
        "evaluator": evaluator,
        "years": years,
        "series_views": [series_view(indicator, s, evaluator, years, sees) for s in series_list],
        "grades": [(fiscal_year_label(y), evaluator.grade(indicator, y)) for y in years],
        "reports": reports,
        "places": places,
        "plan_refs": indicator.plan_refs(),
        **legend_context(evaluator),
    }

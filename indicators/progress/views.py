"""Progress pages (/progress/): dashboard, indicator list and exports, measure page, indicator page, the annual
progress report, and the planners' evaluation settings and confirmed baselines.

Reading is open to every logged-in role: approved actuals and grades are the ward's shared picture of the plan.
What belongs to a section stays with it (indicators.access.can_view): unapproved actuals (shown as 暫定), internal
comments and the change history. Settings and baselines are for planners only (planner_required).
Every page loads in a fixed number of queries whatever the number of indicators (tests/test_progress_queries.py).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_tables2 import RequestConfig

from indicators.access import can_view
from indicators.evaluation import (
    STATUS_ICONS,
    EvaluationError,
    Evaluator,
    Rollup,
    Status,
    activate_scheme,
    active_scheme,
    confirm_baseline,
    default_fiscal_year,
    format_rate,
    install_shipped_schemes,
    update_scheme,
    year_choices,
)
from indicators.models import ChangeLog, ConfirmedBaseline, EvaluationChange, GradingScheme, Indicator, Report
from indicators.progress.filters import IndicatorFilter, grade_matches
from indicators.progress.tables import (
    EXPORT_HEADER,
    IndicatorTable,
    baseline_text,
    display_years,
    export_rows,
    format_value,
    list_rows,
    measure_url,
    placements,
    printed_tables,
    target_text,
    total_text,
    year_results,
)
from measures.models import Goal, Measure, Plan, Vision
from setagaya_plan.core.access import is_planner, planner_required, sections_of
from setagaya_plan.core.fiscal_years import era_label, fiscal_year_label, fiscal_year_of
from setagaya_plan.lib.numerals import plain_decimal
from setagaya_plan.lib.spreadsheet import escape_formula
from setagaya_plan.lib.value_input import ValueRules, parse_value

# Helpers shared with the public site and the xlsx report.


def plan_years(today) -> tuple[int, int, list[tuple[int, str]]]:
    """(first, last, choices): the plan's years up to the current fiscal year, for year selectors."""
    plan = Plan.objects.first()
    first, last = (plan.start_fiscal_year, plan.end_fiscal_year) if plan else (2024, 2031)
    upto = max(first, min(last, fiscal_year_of(today)))
    return first, last, year_choices(first, upto)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = "年度は一覧から選んでください。"


def selected_year(request, today) -> tuple[int, YearForm, list[tuple[int, str]]]:
    first, last, years = plan_years(today)
    default = min(default_fiscal_year(today, first, last), years[-1][0])
    form = YearForm(request.GET if "year" in request.GET else None, years=years, initial={"year": default})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else default
    mark_errors(form)
    return year, form, years


def mark_errors(form: forms.Form) -> None:
    """Link each error to its field for screen readers (aria-describedby, aria-invalid)."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.auto_id}-error"


def sees_unapproved(user):
    """Who may see a section's unapproved actuals: planners all, others their own sections'."""
    if is_planner(user):
        return lambda indicator: True
    section_ids = {section.pk for section in sections_of(user)}
    return lambda indicator: indicator.section_id in section_ids


def all_indicators():
    return Indicator.objects.with_structure().select_related("section").in_plan_order()


@dataclass
class MeasureRow:
    measure: Measure
    rollup: Rollup
    shortfalls: list
    url: str
    segments: list
    level_counts: list[int]
    other: int


def level_counts(result: Rollup, scheme) -> list[int]:
    counts = result.counts
    return [counts[level.code] for level in scheme.levels]


def measure_rows(indicators, evaluator: Evaluator, year: int, url_name: str = "progress:measure") -> list[MeasureRow]:
    """One row per 推進施策: the indicators printed in it (【再掲】 included), their counts, shortfalls and link."""
    by_measure = defaultdict(list)
    for indicator in indicators:
        for measure in indicator.listed_measures():
            by_measure[measure.pk].append(indicator)
    rows = []
    for measure in Measure.objects.in_plan_order():
        listed = by_measure.get(measure.pk, [])
        result = evaluator.rollup(listed, year)
        rows.append(
            MeasureRow(
                measure=measure,
                rollup=result,
                shortfalls=[(evaluator.indicator_of(grade.code), grade) for grade in result.shortfalls],
                url=measure_url(measure, url_name),
                segments=result.segments(evaluator.scheme),
                level_counts=level_counts(result, evaluator.scheme),
                other=result.total - result.graded,
            )
        )
    return rows


def goal_sections(indicators, evaluator: Evaluator, year: int, rows: list[MeasureRow]) -> list[dict]:
    goals = []
    for goal in Goal.objects.order_by("number"):
        own = [i for i in indicators if i.vision.measure.goal_id == goal.pk]
        result = evaluator.rollup(own, year, unique=True)
        goals.append(
            {
                "goal": goal,
                "rollup": result,
                "segments": result.segments(evaluator.scheme),
                "level_counts": level_counts(result, evaluator.scheme),
                "other": result.total - result.graded,
                "rows": [row for row in rows if row.measure.goal_id == goal.pk],
            }
        )
    return goals


STATUS_EXPLANATIONS = {
    Status.MISSING: "提出期限を過ぎても承認済の実績がない",
    Status.PENDING: "提出期限前で、承認済の実績がまだない",
    Status.INTERIM: "複数年度で一つの目標の途中の年度（最終年度に判定）",
    Status.EXCLUDED: "その年度の目標を他の計画に委ねている",
    Status.NO_TARGET: "その年度の目標がない",
    Status.UNGRADABLE: "数値の目標に文章の実績だけがあり、自己評価がない",
}


def legend_context(evaluator_or_scheme) -> dict:
    scheme = getattr(evaluator_or_scheme, "scheme", evaluator_or_scheme)
    return {
        "scheme": scheme,
        "met_labels": "・".join(level.label for level in scheme.levels if level.counts_as_met),
        "statuses": [
            (status.label, STATUS_ICONS.get(status, ""), STATUS_EXPLANATIONS[status])
            for status in Status
            if status != Status.GRADED
        ],
    }


# Dashboard.


@login_required
@require_safe
def dashboard(request):
    """計画担当・管理職向け: for a fiscal year, one row per 推進施策 with its grades, shortfalls and completeness."""
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    indicators = list(all_indicators())
    evaluator = Evaluator(indicators, today=today)
    rows = measure_rows(indicators, evaluator, year)
    return render(
        request,
        "progress/dashboard.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_form": year_form,
            "total": evaluator.rollup(indicators, year, unique=True),
            "goals": goal_sections(indicators, evaluator, year, rows),
            "deadline": evaluator.calendar.deadline(year),
            "is_planner": is_planner(request.user),
            **legend_context(evaluator),
        },
    )


# Indicator list and its exports.


def _list_context(request) -> dict:
    today = timezone.localdate()
    first, last, years = plan_years(today)
    default = min(default_fiscal_year(today, first, last), years[-1][0])
    data = request.GET.copy()
    data.setdefault("year", str(default))
    scheme = active_scheme()
    filterset = IndicatorFilter(data, queryset=all_indicators(), scheme=scheme, years=years)
    filterset.is_valid()
    mark_errors(filterset.form)
    cleaned = getattr(filterset.form, "cleaned_data", {})
    year = cleaned.get("year") or default
    indicators = list(filterset.qs)
    evaluator = Evaluator(indicators, scheme=scheme, today=today)
    rows = list_rows(indicators, evaluator, year)
    if cleaned.get("grade"):
        rows = [row for row in rows if grade_matches(row.grade, cleaned["grade"])]
    table = IndicatorTable(rows)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return {
        "filterset": filterset,
        "table": table,
        "rows": rows,
        "year": year,
        "year_label": fiscal_year_label(year),
        "evaluator": evaluator,
        **legend_context(scheme),
    }


@login_required
@require_safe
def indicator_list(request):
    context = _list_context(request)
    query = request.GET.copy()
    query.pop("page", None)
    context["export_query"] = query.urlencode()
    return render(request, "progress/indicator_list.html", context)


@login_required
@require_safe
def indicator_export(request, fmt: str):
    """The filtered rows (all pages, in the table's order) as xlsx or CSV, escaped against formula injection."""
    if fmt not in ("xlsx", "csv"):
        raise Http404("形式は xlsx か csv です。")
    context = _list_context(request)
    ordered = [row.record for row in context["table"].rows]
    cells = export_rows(ordered, context["evaluator"], context["year"])
    stamp = f"{context['year']}_{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_HEADER)
        for line in cells:
            writer.writerow([escape_formula(value) for value in line])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indicators_{stamp}.csv"'
        return response
    from indicators.progress.report_xlsx import list_workbook

    scheme = context["scheme"]
    colours = {level.label: level.colour for level in scheme.levels}
    response = HttpResponse(
        list_workbook(EXPORT_HEADER, cells, colours),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicators_{stamp}.xlsx"'
    return response


# Measure page.


def measure_for(goal: int, number: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("goal"), goal__number=goal, number=number)


def measure_context(measure: Measure, year: int, today, sees) -> dict:
    visions = list(
        Vision.objects.filter(measure=measure)
        .order_by("number")
        .prefetch_related(Prefetch("initiatives", to_attr="initiative_list"))
    )
    indicators = list(
        Indicator.objects.listed_under(measure).with_structure().select_related("section").in_plan_order()
    )
    evaluator = Evaluator(indicators, today=today)
    years = display_years(indicators)
    vision_blocks = []
    for vision in visions:
        listed = [placement.indicator for placement in placements(vision, indicators)]
        vision_blocks.append(
            {
                "vision": vision,
                "current_state": narrative_blocks(vision.current_state),
                "challenges": narrative_blocks(vision.challenges),
                "direction": narrative_blocks(vision.direction),
                "tables": printed_tables(vision, indicators, evaluator, years, sees),
                "rollup": evaluator.rollup(listed, year),
            }
        )
    result = evaluator.rollup(indicators, year)
    return {
        "measure": measure,
        "visions": vision_blocks,
        "years": years,
        "year_headers": year_headers(years),
        "year": year,
        "year_label": fiscal_year_label(year),
        "rollup": result,
        "rollup_levels": list(zip(evaluator.scheme.levels, level_counts(result, evaluator.scheme), strict=True)),
        "rollup_other": result.total - result.graded,
        "evaluator": evaluator,
        **legend_context(evaluator),
    }


def year_headers(years: list[int]) -> list[dict]:
    return [{"year": y, "era": era_label(y)} for y in years]


@login_required
@require_safe
def measure_detail(request, goal: int, number: int):
    """The measure as the plan prints it — めざす姿, 主な取組み, 行動量 and 成果指標 — with actuals and grades."""
    measure = measure_for(goal, number)
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    context = measure_context(measure, year, today, sees_unapproved(request.user))
    context["year_form"] = year_form
    return render(request, "progress/measure.html", context)


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


@dataclass
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    year_label: str
    provisional: bool


def chart_geometry(points: list[dict], baseline: Decimal | None, unit: str) -> dict | None:
    """An SVG chart of one series: actual bars, the target line and the baseline, computed on the server.

    `points` is one dict per year: {"year", "target" (Decimal|None), "actual" (Decimal|None), "provisional"}.
    Works offline and prints; the table beside it carries the same numbers for screen readers.
    """
    values = [p["target"] for p in points if p["target"] is not None]
    values += [p["actual"] for p in points if p["actual"] is not None]
    if baseline is not None:
        values.append(baseline)
    if not values:
        return None
    width, height = 640, 300
    left, right, top, bottom = 72, 16, 16, 48
    top_value = max(values)
    step = _nice_step(top_value / 4 if top_value > 0 else Decimal(1))
    axis_max = step * ((top_value / step).to_integral_value(rounding="ROUND_CEILING") or 1)
    if axis_max <= top_value:
        axis_max += step
    plot_h = height - top - bottom
    plot_w = width - left - right
    slot = plot_w / max(len(points), 1)

    def y_of(value: Decimal) -> float:
        return round(top + plot_h - float(value / axis_max) * plot_h, 1)

    bars, target_points = [], []
    for index, point in enumerate(points):
        center = left + slot * index + slot / 2
        if point["actual"] is not None:
            y = y_of(point["actual"])
            bars.append(
                ChartBar(
                    x=round(center - slot * 0.25, 1),
                    y=y,
                    width=round(slot * 0.5, 1),
                    height=round(top + plot_h - y, 1),
                    label=format_value(point["actual"], unit),
                    year_label=point["label"],
                    provisional=point["provisional"],
                )
            )
        if point["target"] is not None:
            target_points.append(
                {"x": round(center, 1), "y": y_of(point["target"]), "label": format_value(point["target"], unit)}
            )
    ticks = []
    value = Decimal(0)
    while value <= axis_max:
        ticks.append({"y": y_of(value), "label": format_value(value, unit)})
        value += step
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": top + plot_h,
        "bars": bars,
        "target_points": target_points,
        "target_path": " ".join(f"{p['x']},{p['y']}" for p in target_points),
        "baseline_y": y_of(baseline) if baseline is not None else None,
        "baseline_label": format_value(baseline, unit) if baseline is not None else "",
        "ticks": ticks,
        "x_labels": [
            {"x": round(left + slot * i + slot / 2, 1), "label": p["short_label"]} for i, p in enumerate(points)
        ],
    }


def _nice_step(raw: Decimal) -> Decimal:
    """1, 2 or 5 × 10^k, the smallest at least `raw`: axis ticks people read at a glance."""
    exponent = raw.adjusted()
    for base in (1, 2, 5, 10):
        step = Decimal(base).scaleb(exponent)
        if step >= raw:
            return step
    return Decimal(10).scaleb(exponent)  # pragma: no cover


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
                "result": result,
                "achievement": format_rate(grade.achievement) if grade and grade.achievement is not None else "―",
                "progress": format_rate(grade.progress) if grade and grade.progress is not None else "―",
                "pace": format_rate(grade.pace) if grade and grade.pace is not None else "―",
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


@login_required
@require_safe
def indicator_detail(request, code: str):
    indicator = get_object_or_404(all_indicators(), code=code)
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    sees = can_view(request.user, indicator)
    context = indicator_context(indicator, today, sees)
    history = []
    if sees:
        history = list(
            ChangeLog.objects.filter(report__indicator=indicator)
            .select_related("user", "report")
            .order_by("-at", "-pk")
        )
    context.update(
        {
            "year": year,
            "year_form": year_form,
            "sees_section_details": sees,
            "history": history,
            "confirmations": list(
                ConfirmedBaseline.objects.filter(series__indicator=indicator)
                .select_related("series", "user")
                .order_by("-at", "-pk")
            ),
            "is_planner": is_planner(request.user),
        }
    )
    return render(request, "progress/indicator.html", context)


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
        "plan_refs": sorted(indicator.plan_items.all(), key=lambda item: item.sort_key()),
        **legend_context(evaluator),
    }


# Confirmed baselines (planners).


class BaselineForm(forms.Form):
    series = forms.ChoiceField(label="系列")
    value = forms.CharField(label="確定した現況値", max_length=40)
    note = forms.CharField(label="時点", max_length=100, initial="令和5年度実績（確定値）")
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        # The whole indicator's series has the empty key; the form calls it "main" so that choosing it is not "empty".
        self.series_by_key = {s.key or "main": s for s in indicator.series.all()}
        self.fields["series"].choices = [(key, s.label or "指標全体") for key, s in self.series_by_key.items()]
        self.fields["reason"].error_messages["required"] = "理由を入力してください。"
        self.fields["series"].error_messages["invalid_choice"] = "系列は一覧から選んでください。"
        self.fields["value"].help_text = "数値で入力してください（全角数字・桁区切り・単位付きも可）。"
        self.fields["reason"].help_text = "例：令和5年度の実績が確定したため（見込み値 6,358件 → 確定値）。"

    def clean(self):
        cleaned = super().clean()
        series = self.series_by_key.get(cleaned.get("series"))
        if series is not None and "value" in cleaned:
            try:
                value = parse_value(cleaned["value"], ValueRules(unit=series.effective_unit))
            except ValidationError as error:
                self.add_error("value", error)
            else:
                if value is None:
                    self.add_error("value", "確定した現況値を入力してください。")
                cleaned["value"] = value
        if "reason" in cleaned and not cleaned["reason"].strip():
            self.add_error("reason", "理由を入力してください。")
        return cleaned


@planner_required
@require_http_methods(["GET", "HEAD", "POST"])
def baseline_confirm(request, code: str):
    indicator = get_object_or_404(Indicator.objects.with_structure(), code=code)
    form = BaselineForm(request.POST or None, indicator=indicator)
    if request.method == "POST":
        if form.is_valid():
            series = form.series_by_key[form.cleaned_data["series"]]
            try:
                changes = confirm_baseline(
                    series,
                    form.cleaned_data["value"],
                    form.cleaned_data["note"],
                    form.cleaned_data["reason"],
                    request.user,
                )
            except EvaluationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "確定した現況値を記録しました。")
                if changes:
                    messages.info(request, "評価が変わりました：" + "、".join(change.summary for change in changes))
                else:
                    messages.info(request, "評価の変わった年度はありません。")
                return redirect("progress:indicator", code=indicator.code)
        mark_errors(form)
    return render(
        request,
        "progress/baseline_form.html",
        {
            "indicator": indicator,
            "form": form,
            "baselines": [(s.label or "指標全体", baseline_text(s)) for s in indicator.series.all()],
        },
        status=400 if form.errors else 200,
    )


# Annual progress report (進捗状況報告).


def report_year(year: int) -> int:
    plan = Plan.objects.first()
    first, last = (plan.start_fiscal_year, plan.end_fiscal_year) if plan else (2024, 2031)
    if not first <= year <= last:
        raise Http404("計画期間外の年度です。")
    return year


@login_required
@require_safe
def annual_report(request, year: int):
    """The year's report for printing (A4 landscape): summary, then every measure's printed tables."""
    year = report_year(year)
    today = timezone.localdate()
    indicators = list(all_indicators())
    evaluator = Evaluator(indicators, today=today)
    years = display_years(indicators)
    sees = sees_unapproved(request.user)
    rows = measure_rows(indicators, evaluator, year)
    visions = list(
        Vision.objects.select_related("measure__goal").order_by("measure__goal__number", "measure__number", "number")
    )
    by_measure = defaultdict(list)
    for vision in visions:
        by_measure[vision.measure_id].append(
            {"vision": vision, "tables": printed_tables(vision, indicators, evaluator, years, sees)}
        )
    measures = [{"row": row, "visions": by_measure.get(row.measure.pk, [])} for row in rows]
    return render(
        request,
        "progress/annual_report.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year),
            "years": years,
            "year_headers": year_headers(years),
            "total": evaluator.rollup(indicators, year, unique=True),
            "goals": goal_sections(indicators, evaluator, year, rows),
            "measures": measures,
            "generated": timezone.localtime(),
            **legend_context(evaluator),
        },
    )


@login_required
@require_safe
def annual_report_xlsx(request, year: int):
    from indicators.progress.report_xlsx import progress_workbook

    year = report_year(year)
    response = HttpResponse(
        progress_workbook(year, today=timezone.localdate()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="progress_report_{year}.xlsx"'
    return response


# Evaluation settings (planners).


class ActivateForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label="使用する評価方式", queryset=GradingScheme.objects.all(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(label="変更の理由", max_length=1000, required=False)


def _percent(raw: str, label: str) -> Decimal:
    text = (raw or "").strip().rstrip("%％").strip()
    try:
        value = parse_value(text, ValueRules())
    except ValidationError as error:
        raise ValidationError(f"{label}：{error.messages[0]}") from None
    if value is None:
        raise ValidationError(f"{label}を入力してください。")
    if value > 1000:
        raise ValidationError(f"{label}は1000以下にしてください。")
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError(f"{label}は小数点以下1桁までで入力してください。")
    return value


class ThresholdForm(forms.Form):
    """Thresholds of one scheme's levels (all but the lowest) and its survey tolerance."""

    tolerance = forms.CharField(label="割合の許容幅（ポイント）", max_length=10)
    reason = forms.CharField(label="変更の理由", max_length=1000, required=False)

    def __init__(self, *args, scheme: GradingScheme, **kwargs):
        super().__init__(*args, prefix=f"s{scheme.pk}", **kwargs)
        self.scheme = scheme
        self.levels = list(scheme.levels.all())
        for level in self.levels[:-1]:
            self.fields[f"level_{level.code}"] = forms.CharField(
                label=f"{level.label}（％以上）",
                max_length=10,
                initial=_plain(level.min_rate),
            )
        self.fields["tolerance"].initial = _plain(scheme.survey_tolerance)
        self.fields["tolerance"].help_text = "単位が％の指標で、現況値からこの幅までの低下は後退としません。"
        self.order_fields([f"level_{level.code}" for level in self.levels[:-1]] + ["tolerance", "reason"])

    def clean(self):
        cleaned = super().clean()
        thresholds = {}
        for level in self.levels[:-1]:
            name = f"level_{level.code}"
            if name in cleaned:
                try:
                    thresholds[level.code] = _percent(cleaned[name], f"{level.label}のしきい値")
                except ValidationError as error:
                    self.add_error(name, error)
        if "tolerance" in cleaned:
            try:
                tolerance = _percent(cleaned["tolerance"], "許容幅")
            except ValidationError as error:
                self.add_error("tolerance", error)
            else:
                if tolerance > 50:
                    self.add_error("tolerance", "許容幅は50ポイント以下にしてください。")
                cleaned["tolerance"] = tolerance
        cleaned["thresholds"] = thresholds
        if not self.errors and len(thresholds) == len(self.levels) - 1:
            values = [thresholds[level.code] for level in self.levels[:-1]]
            for index, (higher, lower) in enumerate(itertools.pairwise(values)):
                if lower >= higher:
                    self.add_error(
                        f"level_{self.levels[index + 1].code}",
                        f"{self.levels[index].label}のしきい値（{_plain(higher)}％）より小さくしてください。",
                    )
        return cleaned


def _plain(value: Decimal | None) -> str:
    return "" if value is None else plain_decimal(value)


@planner_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_settings(request):
    schemes = list(GradingScheme.objects.with_levels())
    activate_form = ActivateForm(initial={"scheme": next((s for s in schemes if s.is_active), None)})
    threshold_forms = {scheme.pk: ThresholdForm(scheme=scheme) for scheme in schemes}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "install":
            created = install_shipped_schemes(request.user)
            messages.success(request, f"標準の評価方式を{len(created)}件登録しました。")
            return redirect("progress:settings")
        if action == "activate":
            activate_form = ActivateForm(request.POST)
            if activate_form.is_valid():
                scheme = activate_scheme(
                    activate_form.cleaned_data["scheme"], request.user, activate_form.cleaned_data["reason"]
                )
                messages.success(request, f"評価方式を「{scheme.name}」に切り替えました。すべての評価に反映されます。")
                return redirect("progress:settings")
            mark_errors(activate_form)
            status = 400
        elif action == "thresholds":
            scheme = next((s for s in schemes if str(s.pk) == request.POST.get("scheme")), None)
            if scheme is None:
                messages.error(request, "評価方式が見つかりません。画面を開き直してください。")
                return redirect("progress:settings")
            form = ThresholdForm(request.POST, scheme=scheme)
            threshold_forms[scheme.pk] = form
            if form.is_valid():
                try:
                    changes = update_scheme(
                        scheme,
                        form.cleaned_data["thresholds"],
                        form.cleaned_data["tolerance"],
                        request.user,
                        form.cleaned_data["reason"],
                    )
                except EvaluationError as error:
                    form.add_error(None, str(error))
                else:
                    if changes:
                        messages.success(request, f"「{scheme.name}」のしきい値・許容幅を変更しました。")
                    else:
                        messages.info(request, "変更はありません。")
                    return redirect("progress:settings")
            mark_errors(form)
            status = 400
        else:
            messages.error(request, "操作が正しくありません。画面を開き直してください。")
            return redirect("progress:settings")
    return render(
        request,
        "progress/settings.html",
        {
            "schemes": [(scheme, threshold_forms[scheme.pk]) for scheme in schemes],
            "activate_form": activate_form,
            "changes": list(EvaluationChange.objects.select_related("scheme", "user")[:20]),
            "baseline_changes": list(
                ConfirmedBaseline.objects.select_related("series__indicator", "user").order_by("-at", "-pk")[:20]
            ),
        },
        status=status,
    )

"""Progress pages (/progress/): dashboard, indicator list and exports, measure page, indicator page, the annual
progress report, and the planners' evaluation settings and confirmed baselines.

Reading is open to every logged-in role: approved actuals and grades are the ward's shared picture of the plan.
What belongs to a section stays with it (indicators.access.can_view): unapproved actuals (shown as 暫定), internal
comments and the change history. Settings and baselines are for planners only (planner_required).
Every page loads in a fixed number of queries whatever the number of indicators (tests/test_progress_queries.py).

The views are thin: years.py picks the year, overview.py and pages.py build what the pages show (the public site
and report_xlsx.py use the same builders), charts.py draws, tables.py lays out the printed tables, forms.py reads
what planners type, and indicators.evaluation grades.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_tables2 import RequestConfig

from indicators import revisions as plan_revisions
from indicators.access import can_view
from indicators.columns import LIST_COLUMNS, cells, headers, year_lines
from indicators.evaluation import (
    EvaluationError,
    Evaluator,
    activate_scheme,
    active_scheme,
    confirm_baseline,
    install_schemes,
    update_scheme,
)
from indicators.models import ConfirmedBaseline, GradingScheme, Indicator, PlanRevision, Report
from indicators.progress import prepared
from indicators.progress.filters import IndicatorFilter, grade_condition, with_grade_columns
from indicators.progress.forms import (
    ActivateForm,
    BaselineForm,
    DashboardViewForm,
    RegradeForm,
    ThresholdForm,
    mark_errors,
)
from indicators.progress.overview import (
    SHORTFALL,
    all_indicators,
    dashboard_against,
    dashboard_goals,
    goal_pages,
    legend_context,
    sees_unapproved,
    verdict_legend,
)
from indicators.progress.pages import indicator_context, measure_context, measure_for, year_headers
from indicators.progress.paging import chosen_page, other_query
from indicators.progress.report import page_measures, report_pages, report_years
from indicators.progress.report_xlsx import list_workbook, progress_workbook
from indicators.progress.revisions import revision_changes
from indicators.progress.tables import IndicatorTable, baseline_text
from indicators.progress.years import report_year, selected_year
from setagaya_plan.core.access import is_planner, planner_required
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting
from setagaya_plan.lib.spreadsheet import excel_csv

# What the evaluation settings page lists as its history (confirmed baselines have their own table).
SETTINGS_ACTIONS = (
    AuditEntry.Action.ACTIVATE_SCHEME,
    AuditEntry.Action.THRESHOLDS,
    AuditEntry.Action.INSTALL_SCHEMES,
)

# Dashboard.


@login_required
@require_safe
def dashboard(request):
    """計画担当・管理職向け: for a fiscal year, one line per 推進施策 with its verdict, grades, completeness and the
    indicators needing attention (注意), read from the stored grades; sorted worst first or filtered on request."""
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    view_form = DashboardViewForm(request.GET)
    mark_errors(view_form)
    scheme = active_scheme()
    pages = goal_pages()
    page = chosen_page(pages, request.GET.get("page"))
    total, goals = dashboard_against(
        view_form.choice("targets"),
        year,
        scheme,
        today,
        order=view_form.choice("sort"),
        shortfall_only=view_form.choice("show") == SHORTFALL,
        goals=page.goals if page else None,
        whole_plan=len(pages) <= 1,
    )
    return render(
        request,
        "progress/dashboard.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_form": year_form,
            "view_form": view_form,
            "total": total,
            "goals": goals,
            "deadline": FiscalYearSetting.for_year(year).deadline,
            "is_planner": is_planner(request.user),
            "verdicts": verdict_legend(),
            "targets": view_form.choice("targets"),
            "pages": pages,
            "page": page,
            "page_query": other_query(request.GET),
            **legend_context(scheme),
        },
    )


# Indicator list and its exports.


def _listed_indicators():
    """What the list's page shows of an indicator: its place, section, series and targets. The export's columns
    also print the 主な取組み and 実施計画 施策 (all_indicators); the page needs neither, nor the 【再掲】."""
    return (
        Indicator.objects.select_related("vision__measure__goal", "section")
        .prefetch_related("series__targets")
        .in_plan_order()
    )


def _list_context(request, indicators) -> dict:
    """The filtered indicators joined with the year's stored grade, filtered, sorted and paged by the database."""
    today = timezone.localdate()
    year, _, years = selected_year(request, today)
    data = request.GET.copy()
    data["year"] = str(year)
    scheme = active_scheme()
    joined = with_grade_columns(indicators.with_year_grade(year), scheme, today)
    filterset = IndicatorFilter(data, queryset=joined, scheme=scheme, years=years)
    filterset.is_valid()
    mark_errors(filterset.form)
    cleaned = getattr(filterset.form, "cleaned_data", {})
    indicators = filterset.qs
    if cleaned.get("grade"):
        indicators = indicators.filter(grade_condition(cleaned["grade"], scheme, today))
    table = IndicatorTable(indicators, scheme=scheme, year=year, today=today)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return {
        "filterset": filterset,
        "table": table,
        "indicators": indicators,
        "year": year,
        "year_label": fiscal_year_label(year),
        "scheme": scheme,
        "today": today,
        **legend_context(scheme),
    }


@login_required
@require_safe
def indicator_list(request):
    context = _list_context(request, _listed_indicators())
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
    context = _list_context(request, all_indicators())
    ordered = [row.record for row in context["table"].rows]  # every page, in the table's order
    evaluator = Evaluator(ordered, scheme=context["scheme"], today=context["today"])
    lines = year_lines(ordered, evaluator, context["year"])
    stamp = f"{context['year']}_{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        data = excel_csv(headers(LIST_COLUMNS), (cells(LIST_COLUMNS, line) for line in lines))
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indicators_{stamp}.csv"'
        return response
    response = HttpResponse(
        list_workbook(lines),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicators_{stamp}.xlsx"'
    return response


@login_required
@require_safe
def measure_detail(request, goal: int, number: int):
    """The measure as the plan prints it — めざす姿, 主な取組み, 行動量 and 成果指標 — with actuals and grades."""
    measure = measure_for(goal, number)
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    context = measure_context(measure, year, today, sees_unapproved(request.user), request.GET)
    context["year_form"] = year_form
    return render(request, "progress/measure.html", context)


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
        reports = Report.objects.filter(indicator=indicator).values_list("pk", flat=True)
        history = list(AuditEntry.objects.for_subjects(Report, reports).newest_first())
    context.update(
        {
            "year": year,
            "year_form": year_form,
            "sees_section_details": sees,
            "history": history,
            "confirmations": list(
                AuditEntry.objects.for_subjects(
                    ConfirmedBaseline,
                    ConfirmedBaseline.objects.filter(series__indicator=indicator).values_list("pk", flat=True),
                ).newest_first()
            ),
            "is_planner": is_planner(request.user),
        }
    )
    return render(request, "progress/indicator.html", context)


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


@login_required
@require_safe
def annual_report(request, year: int):
    """The year's report for printing (A4 landscape): the summary, then every measure's printed tables, one page
    of 推進施策 at a time (indicators.progress.report); the summary heads the first page."""
    year = report_year(year)
    today = timezone.localdate()
    pages = report_pages()
    page = chosen_page(pages, request.GET.get("page"))
    years = report_years()
    measures = page_measures(page, today, sees_unapproved(request.user), years, year) if page else []
    context = {
        "year": year,
        "year_label": fiscal_year_label(year),
        "years": years,
        "year_headers": year_headers(years),
        "measures": measures,
        "pages": pages,
        "page": page,
        "generated": timezone.localtime(),
    }
    if page is None or page.number == 1:
        context.update(_report_summary(year, today))
    else:
        context.update(legend_context(active_scheme()))
    return render(request, "progress/annual_report.html", context)


def _report_summary(year: int, today) -> dict:
    """The 概要 of the report: the dashboard's counts per 推進施策 and 基本目標, read from the stored grades."""
    scheme = active_scheme()
    total, goals = dashboard_goals(year, scheme, today)
    return {"total": total, "goals": goals, **legend_context(scheme)}


@login_required
@require_safe
def annual_report_xlsx(request, year: int):
    """The year's workbook: written in the request for a plan of ordinary size; for a larger one prepared in the
    background (indicators.progress.prepared) while this answers at once with its progress, asking again."""
    year = report_year(year)
    today = timezone.localdate()
    if not prepared.is_large():
        return _workbook_response(progress_workbook(year, today=today), year)
    preparation, data = prepared.request_workbook(year, today)
    if data is not None:
        return _workbook_response(data, year)
    context = {"year": year, "year_label": fiscal_year_label(year), "preparation": preparation}
    return render(request, "progress/report_preparing.html", context, status=202)


def _workbook_response(data: bytes, year: int) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="progress_report_{year}.xlsx"'
    return response


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
            created = install_schemes(request.user)
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
            "changes": list(AuditEntry.objects.filter(action__in=SETTINGS_ACTIONS).newest_first()[:20]),
            "baseline_changes": list(
                AuditEntry.objects.filter(action=AuditEntry.Action.CONFIRM_BASELINE).newest_first()[:20]
            ),
        },
        status=status,
    )


# Revisions of the 実施計画.


@login_required
@require_safe
def revision_list(request):
    """Every revision of the 実施計画, oldest first: its name, decision date, note and number of changes."""
    revisions = PlanRevision.objects.annotate(
        target_count=Count("target_versions", distinct=True), series_count=Count("series_versions", distinct=True)
    )
    return render(request, "progress/revisions.html", {"revisions": revisions})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revision_detail(request, number: int):
    """Every change a revision made (old → new), printable; planners choose here whether it re-grades past years."""
    revision = get_object_or_404(PlanRevision, number=number)
    planner = is_planner(request.user)
    form = RegradeForm(initial={"regrade": revision.regrade})
    if request.method == "POST":
        if not planner:
            raise PermissionDenied
        form = RegradeForm(request.POST)
        mark_errors(form)
        if form.is_valid() and not revision.is_original:
            if plan_revisions.set_regrade(
                revision, form.cleaned_data["regrade"], user=request.user, reason=form.cleaned_data["reason"]
            ):
                messages.success(request, f"改定「{revision.name}」による再評価の設定を変更しました。")
            return redirect("progress:revision", number=revision.number)
    context = {
        "revision": revision,
        "changes": [] if revision.is_original else revision_changes(revision),
        "form": form if planner and not revision.is_original else None,
        "history": AuditEntry.objects.for_subject(revision).newest_first() if planner else [],
    }
    return render(request, "progress/revision.html", context, status=400 if form.errors else 200)

"""Pages of the consultations app. Every view checks permissions on the server (consultations.access), for GET
and POST alike; the templates only mirror the answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import charts, exports, imports, tables
from consultations.access import can_enter, entry_districts, get_district_for_user
from consultations.forms import CategoryForm, CountGridForm, GridCell, ReviewForm
from consultations.models import (
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountReport,
    District,
    StatSeries,
    StatTable,
    StatValue,
    WindowType,
    month_label,
    period_label,
)
from consultations.workflow import COUNT_REVIEW, FIRST_FISCAL_YEAR, NO_COUNTS, Place, check_period, save_counts
from setagaya_plan.core import audit, review
from setagaya_plan.core.access import is_planner, planner_required
from setagaya_plan.core.fiscal_years import (
    FISCAL_MONTHS,
    calendar_year_of,
    current_fiscal_year,
    fiscal_year_label,
    month_from_request,
    plan_years,
    year_choices,
    year_from_request,
)
from setagaya_plan.core.models import AuditEntry
from setagaya_plan.core.review import ReviewError
from setagaya_plan.core.uploads import ImportFileError, check_size, format_size, pending
from setagaya_plan.core.uploads.forms import UploadForm

PENDING_KIND = "consultations"  # this importer's uploads in core.uploads.pending


def _year_choices() -> list[int]:
    """Newest first: from this fiscal year (or the newest year with counts) back to the plan's first year (or the
    oldest year with counts: the plan's statistics reach back before it)."""
    years = set(ConsultationCount.objects.by_year())
    newest = max([current_fiscal_year(), *years])
    oldest = min([plan_years().start, *years])
    return list(range(newest, oldest - 1, -1))


def _year_param(request, choices: list[int]) -> int:
    """?year= among `choices`, else this fiscal year: its months are being entered (core.fiscal_years' rule)."""
    current = current_fiscal_year()
    return year_from_request(request, choices=choices, default=current if current in choices else choices[0])


def _approved_only(request) -> bool:
    return request.GET.get("status") == "approved"


def _filter_context(request, fiscal_year: int, choices: list[int]) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "fiscal_year_label": fiscal_year_label(fiscal_year),
        "year_choices": year_choices(choices),
        "approved_only": _approved_only(request),
    }


@login_required
@require_GET
def ward_totals(request):
    """全区の相談件数: every fiscal year, and the selected year month by month."""
    choices = _year_choices()
    fiscal_year = _year_param(request, choices)
    approved_only = _approved_only(request)
    table = tables.month_table(fiscal_year, approved_only)
    chart = charts.bar_chart(
        f"{fiscal_year_label(fiscal_year)} 月別の相談件数（全区）",
        [
            (f"{row.key}月", row.total, f"{row.total:,}" if row.total is not None else "―")
            for row in table.rows
            if row.key
        ],
        unit="件",
    )
    return render(
        request,
        "consultations/ward_totals.html",
        {
            **_filter_context(request, fiscal_year, choices),
            "years": tables.year_rows(),
            "table": table,
            "chart": chart,
        },
    )


@login_required
@require_GET
def place_totals(request):
    """地域・地区別: a table of the 5 地域 and 28 地区, and the 28 地区 as a grid."""
    choices = _year_choices()
    fiscal_year = _year_param(request, choices)
    month = month_from_request(request)
    table = tables.place_table(fiscal_year, month, _approved_only(request))
    return render(
        request,
        "consultations/place_totals.html",
        {
            **_filter_context(request, fiscal_year, choices),
            "month": month,
            "month_choices": [(m, month_label(fiscal_year, m)) for m in FISCAL_MONTHS],
            "period": month_label(fiscal_year, month) if month else "年度全体",
            "table": table,
        },
    )


@login_required
@require_GET
def trends(request):
    """窓口別・分類別の推移: small multiples of monthly counts, and each window's yearly totals."""
    choices = _year_choices()
    fiscal_year = _year_param(request, choices)
    approved_only = _approved_only(request)
    source_trends, category_trends = tables.monthly_trends(fiscal_year, approved_only)
    label = fiscal_year_label(fiscal_year)
    for trend in source_trends:
        trend.chart = charts.bar_chart(f"{label} {trend.label}の月別相談件数", trend.bars, unit="件")
    for trend in category_trends:
        trend.chart = charts.bar_chart(f"{label} 分類「{trend.label}」の月別相談件数", trend.bars, unit="件")
    yearly = tables.yearly_trends(approved_only)
    for trend in yearly:
        trend.chart = charts.bar_chart(f"{trend.label}の年度別相談件数", trend.bars, unit="件")
    return render(
        request,
        "consultations/trends.html",
        {
            **_filter_context(request, fiscal_year, choices),
            "source_trends": source_trends,
            "category_trends": category_trends,
            "yearly_trends": yearly,
        },
    )


@login_required
@require_GET
def statistics(request):
    """計画書の統計: the figures printed in the plan, as printed, each with a chart (rates and counts apart)."""
    values = StatValue.objects.order_by("year")
    series = StatSeries.objects.select_related("part_of").prefetch_related(Prefetch("values", queryset=values))
    stat_tables = StatTable.objects.prefetch_related(Prefetch("series", queryset=series.order_by("position")))
    blocks = [_stat_block(table) for table in stat_tables]
    return render(request, "consultations/statistics.html", {"blocks": blocks})


def _stat_block(table: StatTable) -> dict:
    series_list = list(table.series.all())
    years = sorted({value.year for s in series_list for value in s.values.all()})
    grouped = any(s.group for s in series_list)
    block = {"table": table, "years": years, "grouped": grouped, "charts": []}
    if grouped:
        # Rows × columns as printed (ほっとスクール): one period, schools down, measures across.
        labels = list(dict.fromkeys(s.label for s in series_list))
        groups = list(dict.fromkeys(s.group for s in series_list))
        cells = {(s.group, s.label): s for s in series_list}
        block["labels"] = labels
        block["group_rows"] = [
            (group, [_first_value(cells.get((group, label))) for label in labels]) for group in groups
        ]
        for label in labels:
            members = [cells[(g, label)] for g in groups if (g, label) in cells]
            bars = [(s.group, _number(s), _first_value(s)) for s in members]
            block["charts"].append((label, charts.hbar_chart(f"{table.title} {label}", bars, unit=members[0].unit)))
        return block
    rows = []
    for s in series_list:
        by_year = {value.year: value for value in s.values.all()}
        rows.append((s, [by_year.get(year) for year in years]))
    block["rows"] = rows
    block["period_labels"] = [series_list[0].period_label(year) for year in years] if series_list else []
    if len(years) == 1:
        # One period, several items (相談内容の内訳): one chart per kind and unit, never a rate beside a count.
        for kind, unit in dict.fromkeys((s.kind, s.unit) for s in series_list):
            members = [s for s in series_list if (s.kind, s.unit) == (kind, unit)]
            bars = [(s.full_label, _number(s), _first_value(s)) for s in members]
            block["charts"].append(
                (f"{table.title}（{unit}）", charts.hbar_chart(f"{table.title}（{unit}）", bars, unit=unit))
            )
        return block
    for s, values in rows:
        bars = [
            (_short_period(s, year), value.value if value else None, value.display if value else "")
            for year, value in zip(years, values, strict=True)
        ]
        maximum = 100 if s.kind == StatSeries.Kind.RATE else None
        chart = charts.bar_chart(f"{table.title} {s.full_label}", bars, unit=s.unit, maximum=maximum)
        block["charts"].append((f"{s.full_label}（{s.get_kind_display()}、{s.unit}）", chart))
    return block


def _short_period(series: StatSeries, year: int) -> str:
    return series.period_label(year).split("（")[0]


def _first_value(series: StatSeries | None) -> str:
    if series is None:
        return ""
    values = list(series.values.all())
    return values[0].display if values else ""


def _number(series: StatSeries):
    values = list(series.values.all())
    return values[0].value if values else None


@login_required
@require_GET
def agencies(request):
    """相談支援機関: the registry tables, the windows of the 地区 and the categories."""
    return render(
        request,
        "consultations/agencies.html",
        {
            "programs": [
                (program, Agency.objects.filter(program=program).select_related("window_type"))
                for program in Agency.Program
            ],
            "windows": WindowType.objects.all(),
            "areas": Area.objects.prefetch_related("districts").select_related("reviewing_section"),
            "categories": Category.objects.all(),
        },
    )


# ---- entry and review ------------------------------------------------------------------------------------------


def _place_for(user, slug: str) -> tuple[Place, District | None]:
    """The place of a grid URL: a 地区 code, area-<code> or ward (the last two for planners only)."""
    if slug == "ward" or slug.startswith("area-"):
        if not is_planner(user):
            raise PermissionDenied("地域・全区の相談支援機関の件数は計画担当が入力します。")
        if slug == "ward":
            return Place(), None
        area = get_object_or_404(Area, code=slug.removeprefix("area-"))
        return Place(area=area), None
    district = get_district_for_user(user, slug)
    return Place(district=district), district


def _place_slug(place: Place) -> str:
    if place.district is not None:
        return place.district.code
    if place.area is not None:
        return f"area-{place.area.code}"
    return "ward"


def _sources(place: Place) -> list[WindowType | Agency]:
    if place.level == Agency.Scope.DISTRICT:
        return list(WindowType.objects.order_by("position"))
    agencies_ = Agency.objects.filter(window_type__isnull=True).order_by("program", "position")
    return [a for a in agencies_ if a.count_level == place.level]


@login_required
@require_GET
def entry_index(request):
    """入力: the months of the user's 地区 with each month's status, and where review is waiting."""
    choices = [y for y in _year_choices() if y >= FIRST_FISCAL_YEAR]
    fiscal_year = _year_param(request, choices)
    districts = entry_districts(request.user)
    planner = is_planner(request.user)
    statuses = {
        (r.district_id, r.area_id, r.month): r.status for r in CountReport.objects.filter(fiscal_year=fiscal_year)
    }
    today = timezone.localdate()

    def cells(district_id, area_id):
        return [
            {
                "month": month,
                "status": statuses.get((district_id, area_id, month), ""),
                "started": datetime.date(calendar_year_of(fiscal_year, month), month, 1) <= today,
            }
            for month in FISCAL_MONTHS
        ]

    rows = [
        {
            "label": str(d),
            "slug": d.code,
            "cells": cells(d.pk, None),
        }
        for d in districts
    ]
    if planner:
        for area in Area.objects.order_by("position"):
            rows.append(
                {
                    "label": f"{area}の相談支援機関",
                    "slug": f"area-{area.code}",
                    "cells": cells(None, area.pk),
                }
            )
        rows.append({"label": "全区の相談支援機関", "slug": "ward", "cells": cells(None, None)})
    waiting = CountReport.objects.awaiting_review_by(request.user).filter(fiscal_year=fiscal_year).count()
    return render(
        request,
        "consultations/entry_index.html",
        {
            **_filter_context(request, fiscal_year, choices),
            "rows": rows,
            "months": [(m, f"{m}月") for m in FISCAL_MONTHS],
            "waiting": waiting,
        },
    )


@dataclass
class GridPage:
    """One place's month as the grid view sees it, before any POST."""

    place: Place
    district: District | None
    fiscal_year: int
    month: int
    report: CountReport | None
    cells: list[GridCell]
    may_enter: bool
    period_problem: str
    url: str

    @property
    def editable(self) -> bool:
        return self.may_enter and not self.period_problem and (self.report is None or self.report.is_editable_by_staff)


def _grid_page(user, slug: str, fiscal_year: int, month: int) -> GridPage:
    place, district = _place_for(user, slug)
    if month not in FISCAL_MONTHS or not (FIRST_FISCAL_YEAR <= fiscal_year <= current_fiscal_year()):
        raise Http404("この月の報告はありません。")
    report = place.reports().filter(fiscal_year=fiscal_year, month=month).select_related("updated_by").first()
    try:
        check_period(fiscal_year, month)
        period_problem = ""
    except ReviewError as error:
        period_problem = error.message
    return GridPage(
        place=place,
        district=district,
        fiscal_year=fiscal_year,
        month=month,
        report=report,
        cells=_grid_cells(place, report),
        may_enter=can_enter(user, district) if district else is_planner(user),
        period_problem=period_problem,
        url=reverse("consultations:grid", args=[slug, fiscal_year, month]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_grid(request, place: str, fiscal_year: int, month: int):
    """One place's month: the grid of counts (window or agency × category), its review and its history."""
    page = _grid_page(request.user, place, fiscal_year, month)
    if request.method == "GET":
        return _render_grid(request, page)
    post = GRID_ACTIONS.get(request.POST.get("action", ""))
    if post is None:
        return HttpResponseBadRequest("操作が正しくありません。")
    return post(request, page)


def _save_grid(request, page: GridPage):
    """保存 / 保存して提出: the counts as typed, and with 提出 the submission too (both or neither)."""
    if not page.may_enter:
        raise PermissionDenied("この地区の相談件数を入力する権限がありません。")
    form = CountGridForm(request.POST, cells=page.cells)
    if not form.is_valid():
        return _render_grid(request, page, form=form)
    submitting = request.POST["action"] == "submit"
    try:
        with transaction.atomic():
            saved = save_counts(
                place=page.place,
                fiscal_year=page.fiscal_year,
                month=page.month,
                user=request.user,
                values=form.values(),
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
            if submitting:
                if saved is None:
                    raise ReviewError(NO_COUNTS)
                review.submit(COUNT_REVIEW, saved, request.user, saved.version)
    except ReviewError as error:
        form.add_error(None, error.message)
        return _render_grid(request, page, form=form)
    if submitting:
        messages.success(request, "保存して提出しました。承認をお待ちください。")
    else:
        messages.success(request, "保存しました。" if saved else "入力された件数はありません。")
    return redirect(page.url)


# Each review step: (who may take it, the transition, what the person is told afterwards).
REVIEW_STEPS = {
    "approve": (COUNT_REVIEW.may_review, review.approve, "承認しました。"),
    "return": (COUNT_REVIEW.may_review, review.send_back, "差し戻しました。"),
    "reopen": (COUNT_REVIEW.may_reopen, review.reopen, "承認を取り消し、差戻しにしました。"),
}


def _review_grid(request, page: GridPage):
    """承認 / 差戻し / 承認の取消し of the month's report."""
    if page.report is None:
        raise Http404("この月の報告はまだありません。")
    may, step, done = REVIEW_STEPS[request.POST["action"]]
    if not may(request.user, page.report):
        raise PermissionDenied("この報告を確認する権限がありません。")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            step(COUNT_REVIEW, page.report, request.user, form.cleaned_data["version"], form.cleaned_data["reason"])
        except ReviewError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, done)
            return redirect(page.url)
    return _render_grid(request, page, review_form=form)


GRID_ACTIONS = {"save": _save_grid, "submit": _save_grid, **dict.fromkeys(REVIEW_STEPS, _review_grid)}


def _grid_cells(place: Place, report: CountReport | None) -> list[GridCell]:
    used = set(report.counts.values_list("category", flat=True)) if report else set()
    categories = [c for c in Category.objects.order_by("position", "pk") if c.active or c.pk in used]
    return [GridCell(source, category) for category in categories for source in _sources(place)]


def _initial(report: CountReport | None, cells: list[GridCell]) -> dict:
    initial = {"version": report.version if report else 0}
    if report is None:
        return initial
    saved = {(c.window_id, c.agency_id, c.category_id): c.count for c in report.counts.all()}
    for cell in cells:
        key = (
            (cell.source.pk, None, cell.category.pk)
            if isinstance(cell.source, WindowType)
            else (None, cell.source.pk, cell.category.pk)
        )
        if key in saved:
            initial[cell.name] = saved[key]
    return initial


def _render_grid(request, page: GridPage, *, form: CountGridForm | None = None, review_form: ReviewForm | None = None):
    """The grid page: rows of the grid (each category with its cells), the saved totals, review and history."""
    report = page.report
    form = form or CountGridForm(initial=_initial(report, page.cells), cells=page.cells)
    review_form = review_form or ReviewForm(initial={"version": report.version if report else 0})
    sources = _sources(page.place)
    categories = list(dict.fromkeys(cell.category for cell in page.cells))
    saved = _initial(report, page.cells)
    rows = []
    for category in categories:
        row_cells = []
        for source in sources:
            cell = GridCell(source, category)
            bound = form[cell.name]
            value = bound.value() if form.is_bound else saved.get(cell.name, "")
            row_cells.append({"cell": cell, "field": bound, "value": "" if value is None else value})
        # Blank is not zero: a row or column with no saved box is blank (―), not 0.
        row_total = tables.total_of(saved.get(GridCell(s, category).name) for s in sources)
        rows.append({"category": category, "cells": row_cells, "total": row_total})
    column_totals = [tables.total_of(saved.get(GridCell(s, c).name) for c in categories) for s in sources]
    offered = review.options(COUNT_REVIEW, report, request.user)
    fiscal_year, month = page.fiscal_year, page.month
    context = {
        "place": page.place,
        "place_slug": _place_slug(page.place),
        "district": page.district,
        "fiscal_year": fiscal_year,
        "month": month,
        "period": period_label(fiscal_year, month),
        "report": report,
        "form": form,
        "review_form": review_form,
        "sources": sources,
        "rows": rows,
        "column_totals": column_totals,
        "grand_total": tables.total_of(column_totals),
        "editable": page.editable,
        "may_enter": page.may_enter,
        "review_options": offered,
        "period_problem": page.period_problem,
        "history": AuditEntry.objects.for_subject(report).newest_first()[:50] if report else [],
        "previous": _neighbour(fiscal_year, month, -1),
        "next": _neighbour(fiscal_year, month, +1),
    }
    return render(request, "consultations/grid.html", context)


def _neighbour(fiscal_year: int, month: int, step: int) -> tuple[int, int] | None:
    index = FISCAL_MONTHS.index(month) + step
    year = fiscal_year
    if index < 0:
        year, index = fiscal_year - 1, len(FISCAL_MONTHS) - 1
    elif index >= len(FISCAL_MONTHS):
        year, index = fiscal_year + 1, 0
    if not (FIRST_FISCAL_YEAR <= year <= current_fiscal_year()):
        return None
    return year, FISCAL_MONTHS[index]


@login_required
@require_GET
def review_list(request):
    """確認待ち: submitted reports the user may approve or return."""
    reports = (
        CountReport.objects.awaiting_review_by(request.user)
        .select_related("district__area", "area", "updated_by")
        .order_by("fiscal_year", "month", "district__position")
    )
    return render(request, "consultations/review_list.html", {"reports": reports})


# ---- import, export, categories --------------------------------------------------------------------------------


@planner_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """取込: upload, check every row and preview the changes; nothing is written until confirmed."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "columns": imports.COLUMNS,
        "max_size": format_size(settings.IMPORT_MAX_UPLOAD_BYTES),
        "max_rows": f"{settings.IMPORT_MAX_ROWS:,}",
        "pending_minutes": pending.lifetime() // 60,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The size is known before a byte is read: a file over the cap is never read into memory.
            check_size(upload.size)
            data = upload.read()
            result = imports.preview(imports.read_rows(upload.name, data))
        except ImportFileError as error:
            form.add_error("file", error.message)
            return render(request, "consultations/import.html", context, status=400)
        context["result"] = result
        context["file_name"] = upload.name
        context["errors_shown"] = result.errors[: imports.MAX_ERRORS_SHOWN]
        if result.ok and result.has_changes:
            context["token"] = pending.save(
                kind=PENDING_KIND,
                user=request.user,
                file_name=upload.name,
                data=data,
                preview={"rows": imports.serialise(result.rows)},
            )
            context["changed_rows"] = _describe_changes(result)
    return render(request, "consultations/import.html", context, status=400 if form.errors else 200)


def _describe_changes(result: imports.ImportPreview) -> list[dict]:
    districts = {d.pk: str(d) for d in District.objects.all()}
    areas = {a.pk: str(a) for a in Area.objects.all()}
    windows = {w.pk: w.name for w in WindowType.objects.all()}
    agencies_ = {a.pk: a.name for a in Agency.objects.all()}
    categories = {c.pk: c.name for c in Category.objects.all()}
    out = []
    for row, old in result.changed[:200]:
        out.append(
            {
                "row": row.row,
                "place": districts.get(row.district_id) or areas.get(row.area_id) or "全区",
                "period": period_label(row.fiscal_year, row.month),
                "source": windows.get(row.window_id) or agencies_.get(row.agency_id),
                "category": categories[row.category_id],
                "old": old,
                "new": row.count,
            }
        )
    return out


@planner_required
@require_POST
def import_confirm(request):
    found = pending.load(PENDING_KIND, request.POST.get("token", ""), request.user)
    if found is None:
        messages.error(request, "取込の確認期限が切れたか、すでに取り込み済みです。もう一度ファイルを選んでください。")
        return redirect("consultations:import")
    try:
        changed = imports.apply(imports.deserialise(found.preview["rows"]), request.user, found.file_name)
    except ReviewError as error:
        messages.error(request, f"取り込めませんでした（何も変更していません）：{error.message}")
        return redirect("consultations:import")
    pending.discard(found)
    messages.success(request, f"「{found.file_name}」を取り込みました（{changed}件の報告を更新）。")
    return redirect("consultations:index")


@login_required
@require_GET
def export(request):
    """相談件数を xlsx / CSV で（取込と同じ列）。?year=2024 で年度、?status=approved で承認済のみ。"""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in ("xlsx", "csv"):
        return HttpResponseBadRequest("形式は xlsx または csv を指定してください。")
    counts = tables.counts_for(_approved_only(request))
    year = year_from_request(request, choices=_year_choices(), default=None)
    if year is not None:
        counts = counts.for_year(year)
    rows = exports.export_rows(counts)
    name = f"consultations-{year or 'all'}"
    if file_format == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            exports.to_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@planner_required
@require_http_methods(["GET", "POST"])
@transaction.atomic  # a change and its audit entry, or neither
def categories(request):
    """分類: planners add categories and take old ones out of use (never delete: counts refer to them)."""
    adding = request.method == "POST" and request.POST.get("action") == "add"
    form = CategoryForm(request.POST if adding else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            if form.is_valid():
                category = form.save()
                added = {"分類名": category.name, "説明": category.description}
                audit.log(category, audit.Action.ADD, request.user, changes=audit.diff({}, added))
                messages.success(request, f"分類「{category.name}」を追加しました。")
                return redirect("consultations:categories")
        elif action == "toggle":
            raw = request.POST.get("category", "")
            category = get_object_or_404(Category, pk=int(raw) if raw.isdigit() else 0)
            category.active = not category.active
            category.save(update_fields=["active"])
            changes = {"入力に使う": [not category.active, category.active]}
            audit.log(category, audit.Action.CHANGE, request.user, changes=changes)
            state = "入力に使う" if category.active else "入力に使わない"
            messages.success(request, f"分類「{category.name}」を「{state}」にしました。")
            return redirect("consultations:categories")
        else:
            return HttpResponseBadRequest("操作が正しくありません。")
    return render(request, "consultations/categories.html", {"form": form, "categories": Category.objects.all()})

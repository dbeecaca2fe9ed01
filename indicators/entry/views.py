"""Entry screens: 所管課 staff enter each fiscal year's actuals, 承認者 review them, 計画担当 run the year.

Every view asks indicators.access (and setagaya_plan.core.access) on every GET and POST (404 for another
section's indicator, 403 for a role that may not act) and changes actuals only through indicators.entry.workflow
and the review workflow of setagaya_plan.core.review, which check versions and write the audit trail.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.access import can_approve, can_enter, get_indicator_for_user, visible_indicators
from indicators.entry.forms import (
    ActualLine,
    AssignForm,
    DeadlineForm,
    EntryForm,
    LockForm,
    ReopenForm,
    ReviewForm,
    actual_lines,
    replace_data,
)
from indicators.entry.grid import grid_rows, save_grid
from indicators.entry.proposals import proposal_for
from indicators.entry.queue import work_queue
from indicators.entry.workflow import REPORT_REVIEW, save_report, set_deadline, set_year_lock, shortfall_notice
from indicators.models import OUTSTANDING_STATUSES, Indicator, Report, YearStatus
from indicators.progress.paging import other_query, paginator_links
from measures.models import Measure
from setagaya_plan.core import audit
from setagaya_plan.core import review as review_workflow
from setagaya_plan.core.access import Role, is_planner, planner_required, roles_in, sections_of
from setagaya_plan.core.fiscal_years import (
    default_fiscal_year,
    fiscal_year_label,
    plan_years,
    year_choices,
    year_from_request,
)
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting, Section
from setagaya_plan.core.review import ReviewError, VersionConflict
from setagaya_plan.lib.numerals import format_rate, share

UNASSIGNED = "none"


# --- years and sections chosen on a page -------------------------------------------------------------------------


def _check_year(fiscal_year: int) -> None:
    if fiscal_year not in plan_years():
        raise Http404("計画期間外の年度です。")


def _whole_number(raw: str) -> int | None:
    """A query parameter as int, or None: ASCII digits only (int() would also take "２" and choke on "²")."""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _chosen_year(request, years: range) -> int:
    """?year=2024 among the plan's years, or the latest fiscal year that has ended (core.fiscal_years' rule)."""
    return year_from_request(request, choices=years, default=default_fiscal_year(years=years))


def _section_choices(user) -> list[Section]:
    if is_planner(user):
        return list(Section.objects.all())
    unique = {section.pk: section for section in sections_of(user)}
    return sorted(unique.values(), key=lambda section: section.name)


# --- one indicator in one year, as the lists show it --------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    fiscal_year: int
    report: Report | None
    status: str
    overdue: bool
    lines: list[ActualLine] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return YearStatus(self.status).label


def _rows(indicators, fiscal_year: int, setting: FiscalYearSetting, today) -> list[IndicatorRow]:
    """Rows from indicators fetched with for_entry(), with_year_report(fiscal_year) and with_year_status(fiscal_year):
    the status the database worked out (which also counted and filtered them) is the one shown."""
    late = setting.is_overdue(today)
    rows = []
    for indicator in indicators:
        report = indicator.year_reports[0] if indicator.year_reports else None
        status = indicator.status_in_year
        rows.append(
            IndicatorRow(
                indicator=indicator,
                fiscal_year=fiscal_year,
                report=report,
                status=status,
                overdue=late and status in OUTSTANDING_STATUSES,
                lines=actual_lines(indicator, fiscal_year, report, None),
            )
        )
    return rows


def _subnav(request) -> dict:
    return {"is_planner": is_planner(request.user)}


# --- My indicators --------------------------------------------------------------------------------------------------


# Indicators per page of the section table: a real section (a few dozen) is one page; a section of hundreds (only a
# plan many times the real one makes one) is cut into pages, so the page costs the rows it shows.
ENTRY_PAGE_ROWS = 100


class CountedPaginator(Paginator):
    """A Paginator given the number of rows: the status counts' GROUP BY has counted them already."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _status_filter(request) -> str:
    """?status= as a YearStatus value, or "" (all) for anything else: an odd value shows the whole table."""
    raw = request.GET.get("status", "").strip()
    return raw if raw in YearStatus.values else ""


@login_required
@require_GET
def my_indicators(request):
    """What needs this person in every open year (the work queue) above their section(s)' indicators for a year,
    grouped by 推進施策, a page at a time (`ENTRY_PAGE_ROWS`), optionally only those of one status. The counts per
    status are one GROUP BY (`IndicatorQuerySet.with_year_status`); only the page's indicators are loaded."""
    user = request.user
    years = plan_years()
    year = _chosen_year(request, years)
    planner = is_planner(user)
    sections = _section_choices(user)
    indicators = visible_indicators(user)
    chosen = request.GET.get("section", "").strip()
    if chosen == UNASSIGNED and planner:
        indicators = indicators.filter(section__isnull=True)
    elif chosen:
        section = next((s for s in sections if str(s.pk) == chosen), None)
        if section is None:
            raise Http404("所管課が見つかりません。")
        indicators = indicators.filter(section=section)
    indicators = indicators.with_year_status(year)
    by_status = indicators.order_by().values("status_in_year").annotate(n=Count("pk"))
    counted = Counter({row["status_in_year"]: row["n"] for row in by_status})
    status = _status_filter(request)
    if status:
        indicators = indicators.filter(status_in_year=status)
    paginator = CountedPaginator(
        indicators.for_entry().with_year_report(year).in_plan_order(),
        ENTRY_PAGE_ROWS,
        counted[status] if status else sum(counted.values()),
    )
    page = paginator.get_page(request.GET.get("page"))
    pages = paginator_links(paginator, "指標")
    setting = FiscalYearSetting.for_year(year)
    today = timezone.localdate()
    rows = _rows(page.object_list, year, setting, today)

    groups = [
        (measure, list(group)) for measure, group in itertools.groupby(rows, key=lambda row: row.indicator.measure)
    ]
    table_query = {"year": year, "section": chosen} if chosen else {"year": year}
    return render(
        request,
        "entry/my_indicators.html",
        {
            **_subnav(request),
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_choices": year_choices(years),
            "sections": sections,
            "chosen_section": chosen,
            "memberships": [(section, role.label) for role in Role for section in sections_of(user, role)],
            "setting": setting,
            "overdue_now": setting.is_overdue(today),
            "rows": rows,
            "groups": groups,
            "queue": work_queue(user, today),
            "counts": [
                (choice, counted[choice.value], urlencode({**table_query, "status": choice.value}))
                for choice in YearStatus
            ],
            "chosen_status": YearStatus(status) if status else None,
            "all_statuses_query": urlencode(table_query),
            "table_count": paginator.count,
            "pages": pages,
            "page": pages[page.number - 1] if pages else None,
            "page_query": other_query(request.GET),
        },
    )


# --- entry per indicator × year ----------------------------------------------------------------------------------


def _reports(indicator: Indicator, fiscal_year: int) -> tuple[Report | None, Report | None]:
    """The report of the year and of the year before, with their actuals."""
    found = {
        report.fiscal_year: report
        for report in Report.objects.filter(indicator=indicator, fiscal_year__in=[fiscal_year, fiscal_year - 1])
        .select_related("updated_by")
        .prefetch_related("actuals")
    }
    return found.get(fiscal_year), found.get(fiscal_year - 1)


def _entry_url(indicator: Indicator, fiscal_year: int) -> str:
    return reverse("entry:indicator", args=[indicator.code, fiscal_year])


@login_required
@require_http_methods(["GET", "POST"])
def indicator_entry(request, code: str, year: int):
    """One indicator × year: enter (保存（下書き）/ 提出), see targets, history and the review state."""
    user = request.user
    indicator = get_indicator_for_user(user, code, queryset=Indicator.objects.for_entry())
    _check_year(year)
    if request.method == "GET":
        return _render_entry(request, indicator, year)

    if not can_enter(user, indicator):
        raise PermissionDenied("この指標の実績を入力する権限がありません。")
    action = request.POST.get("action")
    if action not in ("save", "submit"):
        action = "save"
    report, previous = _reports(indicator, year)
    proposal = proposal_for(indicator, year)
    form = EntryForm(
        request.POST,
        action=action,
        indicator=indicator,
        fiscal_year=year,
        report=report,
        previous=previous,
        proposal=proposal,
    )
    conflict = None
    if form.is_valid():
        try:
            # Save and submit together: a submission that is refused leaves nothing half-written.
            with transaction.atomic():
                saved = save_report(
                    indicator=indicator,
                    fiscal_year=year,
                    user=user,
                    values=form.series_values(),
                    fields=form.report_fields(),
                    expected_version=form.cleaned_data["version"],
                )
                if action == "submit":
                    saved = review_workflow.submit(REPORT_REVIEW, saved, user, saved.version)
        except VersionConflict as exc:
            conflict = exc.record
            # Keep what the person typed; the next save starts from the other person's version on purpose.
            replace_data(form, version=str(conflict.version))
            form.add_error(None, exc.message)
        except ReviewError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            label = f"{indicator.name}（{fiscal_year_label(year)}）"
            if action == "submit":
                messages.success(request, f"{label}の実績を提出しました。承認者の確認を待っています。")
            else:
                messages.success(request, f"{label}の実績を下書きとして保存しました。")
            return redirect(_entry_url(indicator, year))
    return _render_entry(request, indicator, year, form=form, conflict=conflict)


def _render_entry(request, indicator, year, *, form=None, review_form=None, reopen_form=None, conflict=None):
    user = request.user
    report, previous = _reports(indicator, year)
    setting = FiscalYearSetting.for_year(year)
    proposal = proposal_for(indicator, year)
    may_enter = can_enter(user, indicator)
    editable = may_enter and not setting.locked and (report is None or report.is_editable_by_staff)
    if form is None and editable:
        form = EntryForm(indicator=indicator, fiscal_year=year, report=report, previous=previous, proposal=proposal)
    lines = form.lines if form is not None else actual_lines(indicator, year, report, previous)
    offered = review_workflow.options(REPORT_REVIEW, report, user)
    if review_form is None and offered.review:
        review_form = ReviewForm(initial={"version": report.version})
    if reopen_form is None and offered.reopen:
        reopen_form = ReopenForm(initial={"version": report.version})
    # Labels name the year, like every input on these pages.
    if review_form is not None:
        review_form.fields["reason"].label = f"{fiscal_year_label(year)} 差戻し理由・承認コメント"
    if reopen_form is not None:
        reopen_form.fields["reopen_reason"].label = f"{fiscal_year_label(year)} 再開の理由"
    history = list(AuditEntry.objects.for_subject(report).newest_first()) if report else []
    status = indicator.year_status(year, report)
    conflict_lines = actual_lines(indicator, year, conflict, None) if conflict is not None else []
    years = plan_years()
    return render(
        request,
        "entry/indicator.html",
        {
            **_subnav(request),
            "indicator": indicator,
            "year": year,
            "year_label": fiscal_year_label(year),
            "other_years": [(y, fiscal_year_label(y)) for y in years],
            "report": report,
            "lines": lines,
            "form": form,
            "review_form": review_form,
            "review_options": offered,
            "reopen_form": reopen_form,
            "history": history,
            "setting": setting,
            "overdue": setting.is_overdue(timezone.localdate()) and status in OUTSTANDING_STATUSES,
            "status": status,
            "status_label": YearStatus(status).label,
            "proposal": proposal,
            "conflict": conflict,
            "conflict_lines": conflict_lines,
            "may_enter": may_enter,
            "shortfall_notice": shortfall_notice(report) if may_enter else "",
            "is_viewer_only": not may_enter and not can_approve(user, indicator),
        },
    )


@login_required
@require_POST
def review(request, code: str, year: int):
    """承認者: approve a submitted report, or return it with a reason."""
    user = request.user
    indicator = get_indicator_for_user(user, code, queryset=Indicator.objects.for_entry())
    _check_year(year)
    if not can_approve(user, indicator):
        raise PermissionDenied("この指標の実績を承認する権限がありません。")
    form = ReviewForm(request.POST)
    report = Report.objects.filter(indicator=indicator, fiscal_year=year).first()
    if form.is_valid():
        if report is None:
            form.add_error(None, "この年度の実績はまだ入力されていません。")
        else:
            decision = form.cleaned_data["decision"]
            reason = form.cleaned_data["reason"]
            try:
                if decision == "approve":
                    review_workflow.approve(REPORT_REVIEW, report, user, form.cleaned_data["version"], comment=reason)
                else:
                    review_workflow.send_back(REPORT_REVIEW, report, user, form.cleaned_data["version"], reason)
            except VersionConflict as exc:
                replace_data(form, version=str(exc.record.version))
                form.add_error(None, exc.message)
            except ReviewError as exc:
                form.add_error(exc.field, exc.message)
            else:
                done = "承認しました" if decision == "approve" else "差し戻しました"
                messages.success(request, f"{indicator.name}（{fiscal_year_label(year)}）の実績を{done}。")
                return redirect(_entry_url(indicator, year))
    return _render_entry(request, indicator, year, review_form=form)


@login_required
@require_POST
def reopen(request, code: str, year: int):
    """計画担当: take back an approval so that the section can correct the report."""
    user = request.user
    indicator = get_indicator_for_user(user, code, queryset=Indicator.objects.for_entry())
    _check_year(year)
    if not is_planner(user):
        raise PermissionDenied("承認の取消し（再開）は計画担当のみ行えます。")
    form = ReopenForm(request.POST)
    report = Report.objects.filter(indicator=indicator, fiscal_year=year).first()
    if form.is_valid():
        if report is None:
            form.add_error(None, "この年度の実績はまだ入力されていません。")
        else:
            try:
                review_workflow.reopen(
                    REPORT_REVIEW, report, user, form.cleaned_data["version"], form.cleaned_data["reopen_reason"]
                )
            except VersionConflict as exc:
                replace_data(form, version=str(exc.record.version))
                form.add_error(None, exc.message)
            except ReviewError as exc:
                form.add_error("reopen_reason" if exc.field == "reason" else None, exc.message)
            else:
                messages.success(
                    request, f"{indicator.name}（{fiscal_year_label(year)}）の承認を取り消し、所管課に戻しました。"
                )
                return redirect(_entry_url(indicator, year))
    return _render_entry(request, indicator, year, reopen_form=form)


# --- section grid ---------------------------------------------------------------------------------------------------


def _grid_section(request, sections: list[Section]) -> Section | None:
    raw = request.GET.get("section", "").strip()
    if not raw:
        return sections[0] if sections else None
    section = next((s for s in sections if str(s.pk) == raw), None)
    if section is None:
        raise Http404("所管課が見つかりません。")
    return section


@login_required
@require_http_methods(["GET", "POST"])
def section_grid(request):
    """All of a section's indicators × series for a year in one table of inputs; one button saves changed rows.

    Each changed row (one indicator) is saved on its own, from the version the page showed: a row in error or in
    conflict saves nothing and keeps what was typed, the other rows are saved. The page says which is which.
    """
    user = request.user
    years = plan_years()
    year = _chosen_year(request, years)
    sections = _section_choices(user)
    section = _grid_section(request, sections)
    setting = FiscalYearSetting.for_year(year)
    may_enter = section is not None and (is_planner(user) or Role.ENTRY in roles_in(user, section))
    url = f"{reverse('entry:grid')}?year={year}&section={section.pk if section else ''}"
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied("この所管課の実績を入力する権限がありません。")
        if setting.locked:
            messages.error(request, f"{fiscal_year_label(year)}は締め切られているため変更できません。")
            return redirect(url)
        saved, failed = save_grid(request, section, year)
        if not failed:
            if saved:
                messages.success(request, f"{len(saved)}件の指標の実績を保存しました。")
            else:
                messages.info(request, "変更された行がないため、保存するものはありませんでした。")
            return redirect(url)
        rows = grid_rows(section, year, may_edit=True)
        for row in rows:
            if row.indicator.pk in failed:
                failed_row = failed[row.indicator.pk]
                row.form, row.outcome, row.message = failed_row.form, failed_row.outcome, failed_row.message
                row.lines, row.conflict_lines = failed_row.form.lines, failed_row.conflict_lines
            elif row.indicator.pk in saved:
                row.outcome = "saved"
        saved_text = f"{len(saved)}件を保存しました。" if saved else ""
        messages.error(
            request,
            f"{saved_text}{len(failed)}件の指標は保存できませんでした。「要確認」の行を直して、もう一度保存してください。",
        )
        status_code = 200
    else:
        rows = grid_rows(section, year, may_edit=may_enter and not setting.locked) if section else []
        status_code = 200
    return render(
        request,
        "entry/grid.html",
        {
            **_subnav(request),
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_choices": year_choices(years),
            "sections": sections,
            "section": section,
            "setting": setting,
            "may_enter": may_enter,
            "rows": rows,
            "editable": any(row.form is not None for row in rows),
            "failed_count": sum(1 for row in rows if row.outcome in ("error", "conflict")),
        },
        status=status_code,
    )


# --- planner pages --------------------------------------------------------------------------------------------------


@planner_required
@require_GET
def fiscal_years(request):
    """提出期限と締切: each fiscal year's deadline and lock."""
    return _render_fiscal_years(request)


def _render_fiscal_years(request, *, bound: dict | None = None):
    saved = {setting.fiscal_year: setting for setting in FiscalYearSetting.objects.select_related("locked_by")}
    rows = []
    for year in plan_years():
        setting = saved.get(year) or FiscalYearSetting.for_year(year)
        bound_form = (bound or {}).get(year)
        rows.append(
            {
                "year": year,
                "label": fiscal_year_label(year),
                "setting": setting,
                "is_default": year not in saved,
                "deadline_form": bound_form
                or DeadlineForm(fiscal_year=year, initial={"deadline": setting.deadline}, prefix=f"y{year}"),
            }
        )
    return render(request, "entry/fiscal_years.html", {**_subnav(request), "rows": rows})


@planner_required
@require_POST
def fiscal_year_update(request, year: int):
    _check_year(year)
    label = fiscal_year_label(year)
    if request.POST.get("action") == "lock":
        form = LockForm(request.POST)
        if not form.is_valid():
            messages.error(request, "締切の操作を読み取れませんでした。画面を開き直してください。")
            return redirect("entry:fiscal_years")
        locked = form.cleaned_data["locked"]
        set_year_lock(year, request.user, locked, form.cleaned_data["lock_comment"])
        messages.success(request, f"{label}を締め切りました。" if locked else f"{label}の締切を解除しました。")
        return redirect("entry:fiscal_years")
    form = DeadlineForm(request.POST, fiscal_year=year, prefix=f"y{year}")
    if not form.is_valid():
        return _render_fiscal_years(request, bound={year: form})
    set_deadline(year, request.user, form.cleaned_data["deadline"])
    messages.success(request, f"{label}の提出期限を{form.cleaned_data['deadline']:%Y年%-m月%-d日}にしました。")
    return redirect("entry:fiscal_years")


@dataclass
class CountRow:
    label: str
    counts: Counter
    link: str = ""

    @property
    def due(self) -> int:
        return sum(n for status, n in self.counts.items() if status != YearStatus.NOT_DUE)

    @property
    def approved_share(self) -> str:
        return format_rate(share(self.counts[YearStatus.APPROVED], self.due))

    @property
    def cells(self) -> list[int]:
        return [self.counts[status] for status in COUNT_COLUMNS]


COUNT_COLUMNS = [
    YearStatus.MISSING,
    YearStatus.DRAFT,
    YearStatus.RETURNED,
    YearStatus.SUBMITTED,
    YearStatus.APPROVED,
    YearStatus.NOT_DUE,
]


@planner_required
@require_GET
def completeness(request):
    """入力状況: per section and per 推進施策, how many actuals are missing, draft, returned, submitted, approved —
    counted by the database (`IndicatorQuerySet.with_year_status`, two GROUP BY), not by loading every indicator."""
    years = plan_years()
    year = _chosen_year(request, years)
    statuses = Indicator.objects.with_year_status(year).order_by()
    grid_url = reverse("entry:grid")
    sections = {section.pk: section for section in Section.objects.all()}
    by_section: dict[object, CountRow] = {}
    total = CountRow("合計", Counter())
    for row in statuses.values("section", "status_in_year").annotate(n=Count("pk")):
        section = sections.get(row["section"])
        if row["section"] not in by_section:
            by_section[row["section"]] = CountRow(
                section.name if section else "所管課未設定",
                Counter(),
                f"{grid_url}?year={year}&section={section.pk}" if section else "",
            )
        by_section[row["section"]].counts[row["status_in_year"]] += row["n"]
        total.counts[row["status_in_year"]] += row["n"]
    per_measure: dict[int, Counter] = {}
    for row in statuses.values("vision__measure", "status_in_year").annotate(n=Count("pk")):
        per_measure.setdefault(row["vision__measure"], Counter())[row["status_in_year"]] += row["n"]
    by_measure = {
        measure.pk: CountRow(
            f"基本目標{measure.goal.number}－推進施策{measure.number}　{measure.title}", per_measure[measure.pk]
        )
        for measure in Measure.objects.in_plan_order().select_related("goal")
        if measure.pk in per_measure
    }
    section_rows = sorted(by_section.values(), key=lambda row: (row.label == "所管課未設定", row.label))
    return render(
        request,
        "entry/completeness.html",
        {
            **_subnav(request),
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_choices": year_choices(years),
            "columns": [(status, status.label) for status in COUNT_COLUMNS],
            "section_rows": section_rows,
            "measure_rows": list(by_measure.values()),
            "total": total,
            "setting": FiscalYearSetting.for_year(year),
        },
    )


@planner_required
@require_GET
def overdue(request):
    """期限超過: indicators still with their section (未入力・下書き・差戻し) after the year's deadline, chosen by the
    database; only those are loaded."""
    years = plan_years()
    year = _chosen_year(request, years)
    setting = FiscalYearSetting.for_year(year)
    today = timezone.localdate()
    # Only the outstanding indicators are loaded: the database picks them (`with_year_status`).
    indicators = (
        Indicator.objects.with_year_status(year)
        .filter(status_in_year__in=OUTSTANDING_STATUSES)
        .for_entry()
        .with_year_report(year)
        .in_plan_order()
    )
    rows = _rows(indicators, year, setting, today)
    rows.sort(key=lambda row: (row.indicator.section is None, getattr(row.indicator.section, "name", "")))
    groups = [
        (section, list(group)) for section, group in itertools.groupby(rows, key=lambda row: row.indicator.section)
    ]
    return render(
        request,
        "entry/overdue.html",
        {
            **_subnav(request),
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_choices": year_choices(years),
            "setting": setting,
            "is_overdue": setting.is_overdue(today),
            "groups": groups,
            "count": len(rows),
        },
    )


@planner_required
@require_http_methods(["GET", "POST"])
def assign(request):
    """所管課の割当: choose many indicators, choose a section, assign them in one step."""
    measures = list(Measure.objects.select_related("goal").order_by("goal__number", "number"))
    indicators = Indicator.objects.select_related("section", "vision__measure__goal").in_plan_order()
    measure_filter = request.GET.get("measure", "").strip()
    section_filter = request.GET.get("section", "").strip()
    if measure_filter:
        indicators = indicators.filter(vision__measure__pk=_whole_number(measure_filter) or 0)
    if section_filter == UNASSIGNED:
        indicators = indicators.filter(section__isnull=True)
    elif section_filter:
        indicators = indicators.filter(section__pk=_whole_number(section_filter) or 0)

    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = form.cleaned_data["section"]
        chosen = list(form.cleaned_data["indicators"].select_related("section"))
        moving = [indicator for indicator in chosen if indicator.section_id != section.pk]
        with transaction.atomic():
            for indicator in moving:
                changes = audit.diff({"所管課": indicator.section}, {"所管課": section})
                audit.log(indicator, audit.Action.ASSIGN_SECTION, request.user, changes=changes)
            Indicator.objects.filter(pk__in=[i.pk for i in moving]).update(section=section)
        unchanged = len(chosen) - len(moving)
        note = f"（{unchanged}件はすでにこの所管課でした）" if unchanged else ""
        messages.success(request, f"{len(moving)}件の指標を「{section.name}」に割り当てました。{note}")
        return redirect(request.get_full_path())
    chosen_codes = set(request.POST.getlist("indicators")) if request.method == "POST" else set()
    return render(
        request,
        "entry/assign.html",
        {
            **_subnav(request),
            "form": form,
            "indicators": indicators,
            "measures": measures,
            "sections": Section.objects.all(),
            "measure_filter": measure_filter,
            "section_filter": section_filter,
            "chosen_codes": chosen_codes,
        },
    )

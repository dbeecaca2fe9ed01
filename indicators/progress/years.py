"""The fiscal years a progress page offers and the one it shows."""

from __future__ import annotations

from django.http import Http404

from indicators.evaluation import default_fiscal_year, year_choices
from indicators.progress.forms import YearForm, mark_errors
from measures.models import Plan
from setagaya_plan.core.fiscal_years import fiscal_year_of


def plan_years(today) -> tuple[int, int, list[tuple[int, str]]]:
    """(first, last, choices): the plan's years up to the current fiscal year, for year selectors."""
    plan = Plan.objects.first()
    first, last = (plan.start_fiscal_year, plan.end_fiscal_year) if plan else (2024, 2031)
    upto = max(first, min(last, fiscal_year_of(today)))
    return first, last, year_choices(first, upto)


def selected_year(request, today) -> tuple[int, YearForm, list[tuple[int, str]]]:
    first, last, years = plan_years(today)
    default = min(default_fiscal_year(today, first, last), years[-1][0])
    form = YearForm(request.GET if "year" in request.GET else None, years=years, initial={"year": default})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else default
    mark_errors(form)
    return year, form, years


def report_year(year: int) -> int:
    plan = Plan.objects.first()
    first, last = (plan.start_fiscal_year, plan.end_fiscal_year) if plan else (2024, 2031)
    if not first <= year <= last:
        raise Http404("計画期間外の年度です。")
    return year

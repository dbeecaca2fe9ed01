"""The fiscal years a progress page offers and the one it shows (the rules are setagaya_plan.core.fiscal_years')."""

from __future__ import annotations

import datetime

from django.http import Http404

from indicators.progress.forms import YearForm
from setagaya_plan.core.fiscal_years import (
    default_fiscal_year,
    plan_years,
    year_choices,
    year_from_request,
    years_up_to_now,
)


def progress_years(today: datetime.date) -> list[int]:
    """The plan's years that have begun (at least its first): results can be shown for these."""
    return years_up_to_now(plan_years(), today)


def selected_year(request, today: datetime.date) -> tuple[int, YearForm, list[tuple[int, str]]]:
    """?year= among the progress years, else the latest ended one; the selector shows the year used."""
    years = progress_years(today)
    year = year_from_request(request, choices=years, default=default_fiscal_year(today, years))
    choices = year_choices(years)
    return year, YearForm(years=choices, initial={"year": year}), choices


def report_year(year: int) -> int:
    """The year of a report URL: one of the plan's years, else 404."""
    if year not in plan_years():
        raise Http404("計画期間外の年度です。")
    return year

"""The public, read-only progress site (/public/), off unless settings.PUBLIC_SITE_ENABLED.

Like Open SDG and Decidim's accountability pages: the plan's measures with their targets, APPROVED actuals and
grades, and each indicator's 要因分析 and 今後の方向性. Never shown here: unapproved actuals, staff names (no history,
no 更新者), internal comments (Report.comment) and the planners' settings. Every view answers 404 while the site is
off, so its URLs do not even reveal that it exists.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from indicators.evaluation import active_scheme
from indicators.progress.overview import all_indicators, dashboard_goals, goal_pages, legend_context
from indicators.progress.pages import indicator_context, measure_context, measure_for
from indicators.progress.paging import chosen_page, other_query
from indicators.progress.years import selected_year
from setagaya_plan.core.fiscal_years import fiscal_year_label


def public_site(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_SITE_ENABLED:
            raise Http404("ページが見つかりません。")
        return view(request, *args, **kwargs)

    return wrapper


def nobody(indicator) -> bool:
    """The public never sees unapproved actuals."""
    return False


@public_site
@require_safe
def home(request):
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    scheme = active_scheme()
    # The stored grades are the official ones only: the public never sees an unapproved actual.
    pages = goal_pages()
    page = chosen_page(pages, request.GET.get("page"))
    total, goals = dashboard_goals(
        year,
        scheme,
        today,
        url_name="public:measure",
        flagged=False,
        goals=page.goals if page else None,
        whole_plan=len(pages) <= 1,
    )
    return render(
        request,
        "public/home.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year),
            "year_form": year_form,
            "total": total,
            "goals": goals,
            "pages": pages,
            "page": page,
            "page_query": other_query(request.GET),
            **legend_context(scheme),
        },
    )


@public_site
@require_safe
def measure(request, goal: int, number: int):
    found = measure_for(goal, number)
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    context = measure_context(found, year, today, nobody, request.GET)
    context["year_form"] = year_form
    return render(request, "public/measure.html", context)


@public_site
@require_safe
def indicator(request, code: str):
    found = get_object_or_404(all_indicators(), code=code)
    today = timezone.localdate()
    year, year_form, _ = selected_year(request, today)
    context = indicator_context(found, today, sees=False, public=True)
    context.update({"year": year, "year_form": year_form})
    return render(request, "public/indicator.html", context)

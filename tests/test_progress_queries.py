"""The dashboard, the indicator list and the measure page run a fixed number of SQL queries whatever the number of
indicators: the same count on the real plan (80 indicators) as on a generated plan ten times larger, where the
measure page also shows every copied indicator re-listed (【再掲】) under it, a page of rows at a time. Actuals come
from the workflow.

bench/progress_queries.py prints the same comparison with timings.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from bench.plan_data import approve_sample, multiply_plan, relist_into
from indicators.models import Indicator, Report
from tests.query_counts import queries_per_page

pytestmark = pytest.mark.django_db


def urls() -> dict[str, str]:
    return {
        "dashboard": reverse("progress:dashboard") + "?year=2024",
        "indicator list": reverse("progress:indicator_list") + "?year=2024",
        "indicator list, filtered by grade": reverse("progress:indicator_list") + "?year=2024&grade=met",
        "measure page": reverse("progress:measure", args=[1, 1]) + "?year=2024",
        "annual report": reverse("progress:report", args=[2024]),
    }


# Pinned: a change here means a page started querying per row (or found a way to save one). Each count includes
# the 3 queries that save the session on every request (its idle timeout), and the plan's years read from the plan
# (core.fiscal_years: one small query where a page asks) and its period for the footer. The dashboard and the
# indicator list read the stored grades (the list counts its filtered rows for its pages, then grades the shown
# page only, reading of each indicator its place, section, series and targets, not its 実施計画 施策 or 【再掲】, and
# counts the plan's 推進施策 and めざす姿 for its filter's choices); an Evaluator reads the values each revision of
# the 実施計画 set in 2 queries.
PINNED = {
    "dashboard": 15,
    "indicator list": 26,
    "indicator list, filtered by grade": 26,
    "measure page": 31,
    "annual report": 36,  # the summary from the stored grades, then the indicators printed on the first page
}


@time_machine.travel(datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_pages_run_the_same_queries_on_a_plan_ten_times_larger(client, planner_user):
    client.force_login(planner_user)
    approve_sample(list(Indicator.objects.with_structure().in_plan_order()), 2024, planner_user, every=3)
    small = queries_per_page(client, urls())
    assert small == PINNED

    total = multiply_plan(10)
    assert total == 800
    copies = list(Indicator.objects.with_structure().filter(vision__measure__goal__number__gt=10).in_plan_order())
    relist_into(copies, goal=1, measure=1, vision=1)
    approve_sample(copies, 2024, planner_user, every=9)
    assert Report.objects.filter(status="approved").count() > 100
    large = queries_per_page(client, urls())
    # The report's first page is now a window of 推進施策1's rows (more than a page holds): one query more for the
    # rows' keys (indicators.progress.paging); the dashboard is now one page of several, which counts the plan's
    # total in one more (overview.dashboard_goals). Every other page runs the same queries.
    assert large == {**small, "annual report": small["annual report"] + 1, "dashboard": small["dashboard"] + 1}

    # The bigger pages really hold the bigger plan.
    url = reverse("progress:measure", args=[1, 1])
    window = client.get(url).context["window"]
    pages = [client.get(url, {"page": n}).content.decode() for n in window.paginator.page_range]
    assert sum(page.count("【再掲】") for page in pages) >= 720
    assert client.get(reverse("progress:dashboard")).context["total"].total == 800

"""Benchmark: SQL queries and time of the progress pages on the real plan and on a plan ten times larger.

    .venv/bin/python bench/progress_queries.py            # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/setagaya_bench .venv/bin/python bench/progress_queries.py

Runs in a throw-away test database (never the app's own): loads the plan, approves actuals through the workflow,
measures each page, copies 基本目標1 nine times (800 indicators, every copy also re-listed under 推進施策1 so
the measure page grows too), approves more actuals, measures again and prints both side by side with their
ratios. The query counts must not change; the time grows with the rows rendered.
tests/test_progress_queries.py pins the counts.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setagaya_plan.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.plan_data import approve_sample, multiply_plan, relist_into  # noqa: E402
from indicators.models import Indicator, Report  # noqa: E402
from setagaya_plan.core.models import Membership, Section  # noqa: E402

RUNS = 3


def pages() -> dict[str, str]:
    return {
        "dashboard": reverse("progress:dashboard") + "?year=2024",
        "indicator list (page 1 of all)": reverse("progress:indicator_list") + "?year=2024",
        "indicator list, grade filter": reverse("progress:indicator_list") + "?year=2024&grade=met",
        "measure page 推進施策1": reverse("progress:measure", args=[1, 1]) + "?year=2024",
        "annual report (HTML)": reverse("progress:report", args=[2024]),
        "annual report (xlsx)": reverse("progress:report_xlsx", args=[2024]),
        "CSV export of all rows": reverse("progress:indicator_export", args=["csv"]) + "?year=2024",
    }


def measure(client: Client) -> dict[str, tuple[int, float]]:
    results = {}
    for name, url in pages().items():
        timings, count = [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            count = len(queries)
        results[name] = (count, statistics.median(timings))
    return results


def main() -> None:
    setup_test_environment()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))
        user = get_user_model().objects.create_user("bench_planner", password="bench-pass-1")
        Membership.objects.create(
            user=user, section=Section.objects.create(name="保健福祉政策課"), role=Membership.Role.PLANNER
        )
        client = Client()
        client.force_login(user)

        base = list(Indicator.objects.with_structure().in_plan_order())
        approve_sample(base, 2024, user, every=3)
        small_reports = Report.objects.count()
        small = measure(client)

        multiply_plan(10)
        copies = list(Indicator.objects.with_structure().filter(vision__measure__goal__number__gt=10))
        relist_into(copies, goal=1, measure=1, vision=1)
        approve_sample(copies, 2024, user, every=3)
        large_reports = Report.objects.count()
        large = measure(client)

        print(f"Progress pages, {connection.vendor}: real plan vs. a plan ten times larger (median of {RUNS} runs)")
        print(f"  indicators {len(base)} → {Indicator.objects.count()}, reports {small_reports} → {large_reports}")
        print()
        print(
            f"  {'page':32} {'queries':>8} {'→':^3}{'10×':>5} {'ratio':>6}   {'ms':>8} {'→':^3}{'10×':>8} {'ratio':>6}"
        )
        for name, (count, ms) in small.items():
            big_count, big_ms = large[name]
            print(
                f"  {name:32} {count:>8} {'→':^3}{big_count:>5} {big_count / count:>6.2f}"
                f"   {ms:>8.1f} {'→':^3}{big_ms:>8.1f} {big_ms / ms:>6.2f}"
            )
        if any(small[name][0] != large[name][0] for name in small):
            print("\n  QUERY COUNTS CHANGED WITH THE SIZE OF THE PLAN")
            sys.exit(1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

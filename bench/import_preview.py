"""Benchmark: the import preview (a dry run) of each layout on the real plan and on a plan ten times larger.

    .venv/bin/python bench/import_preview.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/setagaya_bench .venv/bin/python bench/import_preview.py

Runs in a throw-away test database (never the app's own): loads the plan, exports it as the flat template, the
printed tables and the actuals sheet, previews each, then copies 基本目標1 nine times (bench/plan_data.py) and
does the same again. Printed side by side with their ratios: the cost per row must stay flat (the plan is read
once per import, not once per row), so time and queries grow with the rows and nothing else.
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
from django.test.utils import setup_test_environment  # noqa: E402

from bench.plan_data import approve_sample, multiply_plan  # noqa: E402
from indicators.importing import actuals, flat, printed  # noqa: E402
from indicators.importing.preview import preview_upload  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from setagaya_plan.core.models import Membership, Section  # noqa: E402

RUNS = 3


class Counter:
    """Counts every SQL statement (the debug query log keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def files() -> dict[str, tuple[str, bytes]]:
    return {
        "flat template (.xlsx)": ("plan.xlsx", flat.template_xlsx(with_data=True)),
        "flat template (.csv)": ("plan.csv", flat.template_csv(with_data=True)),
        "printed tables (.xlsx)": ("printed.xlsx", printed.export_workbook()),
        "actuals sheet 2024 (.xlsx)": ("actuals.xlsx", actuals.template_xlsx(2024)),
    }


def measure(user) -> dict[str, tuple[int, int, float]]:
    results = {}
    for name, (file_name, data) in files().items():
        timings, count, rows = [], 0, 0
        for _ in range(RUNS):
            queries = Counter()
            with connection.execute_wrapper(queries):
                start = time.perf_counter()
                preview = preview_upload(file_name, data, user=user)
                timings.append((time.perf_counter() - start) * 1000)
            assert not preview.has_errors and not preview.has_changes, (name, preview.counts)
            count, rows = queries.count, len(preview.rows)
        results[name] = (rows, count, statistics.median(timings))
    return results


def main() -> None:
    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))
        call_command("createcachetable", verbosity=0)
        user = get_user_model().objects.create_user("bench_planner", password="bench-pass-1")
        Membership.objects.create(
            user=user, section=Section.objects.create(name="保健福祉政策課"), role=Membership.Role.PLANNER
        )
        approve_sample(list(Indicator.objects.with_structure().in_plan_order()), 2024, user, every=3)
        small = measure(user)
        multiply_plan(10)
        approve_sample(
            list(Indicator.objects.with_structure().filter(vision__measure__goal__number__gt=10)), 2024, user, every=3
        )
        large = measure(user)

        print(f"Import preview, {connection.vendor}: real plan vs. a plan ten times larger (median of {RUNS} runs)")
        print()
        print(f"  {'file':28} {'rows':>6} {'→':^3}{'10×':>6}   {'queries/row':>11} {'→':^3}{'10×':>6}   "
              f"{'ms/row':>7} {'→':^3}{'10×':>7} {'ratio':>6}")  # fmt: skip
        for name, (rows, count, ms) in small.items():
            big_rows, big_count, big_ms = large[name]
            per_row, big_per_row = ms / rows, big_ms / big_rows
            print(
                f"  {name:28} {rows:>6} {'→':^3}{big_rows:>6}"
                f"   {count / rows:>11.2f} {'→':^3}{big_count / big_rows:>6.2f}"
                f"   {per_row:>7.2f} {'→':^3}{big_per_row:>7.2f} {big_per_row / per_row:>6.2f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

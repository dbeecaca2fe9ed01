"""An import reads the plan once, compares rows in memory and writes only what changes: its number of queries grows
with the rows that change, never with the rows read. Pinned on the real plan and on one four times larger
(bench/plan_data.py copies 基本目標1), for the plan template (flat and printed layouts) and the actuals sheet."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.plan_data import approve_sample, multiply_plan
from indicators.importing import actuals, flat, printed
from indicators.importing.datasets import Col
from indicators.importing.preview import apply_upload, preview_upload
from indicators.models import Indicator
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build

pytestmark = pytest.mark.django_db

# Reading the plan (structure, series, targets, 実施計画 施策, 【再掲】), the sections, the plan's years (once per
# header); for actuals the year's reports, settings and checks. The revision's changes compare every series' targets,
# totals and baselines as the rows found them (the plan just read) with the stored ones, read again only when a row
# wrote something. The same whatever the number of rows: pinned on both sizes.
PINNED = {"flat": 25, "printed": 24, "actuals": 20}
# A changed row: its savepoint, its writes, its audit entry, its stored grades and the re-read of the indicator.
PER_CHANGED_ROW = 16
# Once any row wrote: every series and its targets read again after the rows, for the revision's changes.
AFTER_A_WRITE = 2


def _files() -> dict[str, tuple[str, bytes]]:
    return {
        "flat": ("plan.xlsx", flat.template_xlsx(with_data=True)),
        "printed": ("printed.xlsx", printed.export_workbook()),
        "actuals": ("actuals.xlsx", actuals.template_xlsx(2024)),
    }


def _preview_rows(user, assert_max_queries) -> dict[str, int]:
    """The dry run of each file, within its pinned number of queries; returns the rows read."""
    rows = {}
    for name, (file_name, data) in _files().items():
        with assert_max_queries(PINNED[name]):
            preview = preview_upload(file_name, data, user=user)
        assert not preview.has_errors and not preview.has_changes, (name, preview.counts)
        rows[name] = len(preview.rows)
    return rows


def test_unchanged_rows_cost_no_query_whatever_their_number(planner_user, django_assert_max_num_queries):
    approve_sample(list(Indicator.objects.with_structure().in_plan_order()), 2024, planner_user, every=3)
    small = _preview_rows(planner_user, django_assert_max_num_queries)
    multiply_plan(4)
    approve_sample(list(Indicator.objects.filter(vision__measure__goal__number__gt=10)), 2024, planner_user, every=9)
    large = _preview_rows(planner_user, django_assert_max_num_queries)
    for name in small:
        assert large[name] >= 3 * small[name], name  # four times the rows, the same queries


def test_queries_grow_with_the_rows_that_change(planner_user):
    multiply_plan(4)
    edited = _edited(flat.template_xlsx(with_data=True), _rename_every(40))
    with CaptureQueriesContext(connection) as queries:
        preview = apply_upload("plan.xlsx", edited, user=planner_user)
    changed = preview.counts["changed"]
    assert 5 <= changed <= 10 and preview.counts["unchanged"] > 300, preview.counts
    assert len(queries) <= PINNED["flat"] + AFTER_A_WRITE + changed * PER_CHANGED_ROW
    # Every change is still audited: one entry per changed row, with the file's name.
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert entries.count() == changed and {entry.source for entry in entries} == {"plan.xlsx"}


def _edited(data: bytes, change) -> bytes:
    rows = [
        list(row) for row in openpyxl.load_workbook(io.BytesIO(data))[flat.TEMPLATE_SHEET].iter_rows(values_only=True)
    ]
    header = rows[0]
    out = [header]
    for values in rows[1:]:
        record = dict(zip(header, values, strict=True))
        change(record)
        out.append([record[column] for column in header])
    return build.xlsx({flat.TEMPLATE_SHEET: out})


def _rename_every(step: int):
    seen = {"count": 0}

    def change(record: dict) -> None:
        seen["count"] += 1
        if seen["count"] % step == 0 and not record.get(Col.PART):
            record[Col.NAME] = f"{record[Col.NAME]}（名称変更）"

    return change

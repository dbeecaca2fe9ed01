"""Every yearly grade in export_progress can be recomputed from the export alone (docs/export.md).

Actuals of every shape (counts, rates, merged and deferred years, a)/b) parts, text targets with a self-assessment,
unapproved drafts) are entered for 令和6–8年度, and a revision 「令和8年度改定」 (decided 2026-06-01) changes targets
of 令和7–10年度. The test then rebuilds each indicator's data from its JSON record only — the targets in force for
each grade read from `targets[].history` at `grades[].against.revision`, the baseline, the actuals and the
self-assessment — and grades it with the evaluation rules; the result must be the exported grade.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from bench.plan_data import approve
from indicators.evaluation import (
    ActualData,
    Calendar,
    IndicatorData,
    ReportData,
    SeriesData,
    TargetCell,
    baseline_year_of,
    grade_indicator,
    shipped_scheme,
)
from indicators.models import Indicator
from setagaya_plan.lib.numerals import floor_rate
from tests.import_files import build

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2027, 8, 1, 10, tzinfo=datetime.UTC)
FACTORS = [Decimal("0.5"), Decimal("0.85"), Decimal(1), Decimal("1.2"), Decimal("0.95")]
SELF_GRADES = ["met", "mostly", "not_met"]


def _values(indicator: Indicator, year: int, index: int) -> dict:
    values = {}
    for series in indicator.series.all():
        target = series.target_for(year)
        if target is None:
            values[series.key] = Decimal(index % 5 + 1)  # a part without a target still reports
        elif target.deferred_to:
            continue
        elif target.value is None:
            values[series.key] = "実施した"
        else:
            values[series.key] = (target.value * FACTORS[(index + year) % len(FACTORS)]).quantize(Decimal("0.1"))
    return values


def _enter_actuals(user) -> None:
    indicators = list(Indicator.objects.with_structure().in_plan_order())
    for index, indicator in enumerate(indicators):
        for year in (2024, 2025, 2026):
            values = _values(indicator, year, index)
            if not values or (index + year) % 4 == 0:
                continue
            with time_machine.travel(datetime.datetime(year + 1, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
                approve(
                    indicator,
                    year,
                    user,
                    values,
                    self_grade=SELF_GRADES[index % 3],
                    approve_it=(index + year) % 7 != 0,  # some stay submitted: exported, not graded
                )


def _revise(tmp_path, user) -> None:
    """令和8年度改定: ティーンズ 令和8–10年度, 認知度 令和7–9年度 (令和7年度 was due after it), 研修 令和8年度."""
    sheets = {
        "ティーンズ": [
            ["コード", "名称", "令和8年度（2026年度）", "令和9年度（2027年度）", "令和10年度（2028年度）"],
            ["G1-M09-V1-A1", "ティーンズプロジェクトの実施回数", 150, 160, 170],
        ],
        "認知度": [
            ["コード", "名称", "令和7年度（2025年度）", "令和8年度（2026年度）", "令和9年度（2027年度）"],
            ["G1-M01-V1-O3", "専門職等における福祉の相談窓口の認知度", 93.2, 94.0, 95.0],
        ],
        "研修": [
            ["コード", "名称", "令和8年度（2026年度）"],
            ["G1-M01-V1-A3", "福祉の相談窓口の職員等を対象とした研修の実施", 6],
        ],
    }
    path = tmp_path / "改定.xlsx"
    path.write_bytes(build.xlsx(sheets))
    call_command(
        "import_plan_workbook",
        str(path),
        "--user",
        user.username,
        "--revision",
        "令和8年度改定",
        "--decided",
        "2026-06-01",
        stdout=io.StringIO(),
    )


def _export(tmp_path) -> list[dict]:
    path = tmp_path / "progress.json"
    call_command("export_progress", "--format", "json", "-o", str(path), stderr=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


# ---- rebuilding from the export ------------------------------------------------------------------------------------


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _order(records: list[dict]) -> dict[str, tuple]:
    """Revisions in their order: 当初 first, then by decision date (the export's history is oldest first)."""
    found = {}
    for record in records:
        for series in [record, *record["parts"]]:
            for target in series["targets"].values():
                for entry in target["history"]:
                    found[entry["revision"]] = (entry["decided"] is not None, entry["decided"] or "")
    return found


def _in_force(history: list[dict], revision: str, order: dict) -> dict | None:
    known = [entry for entry in history if order[entry["revision"]] <= order[revision]]
    return known[-1] if known else None


def _series_data(series: dict, key: str, revision: str, order: dict) -> SeriesData:
    cells = {}
    for target in series["targets"].values():
        entry = _in_force(target["history"], revision, order)
        if entry is None or not entry["years"]:
            continue  # not yet set, or taken away, at that revision
        start = entry["years"][0]
        cells[start] = TargetCell(
            start, entry["years"][-1], _number(entry["value"]), entry["text"], entry["deferred_to"]
        )
    baseline = series["baseline"]
    confirmed = baseline["confirmed"]
    at = _in_force(baseline["history"], revision, order) or baseline
    value, note = (confirmed["value"], confirmed["note"]) if confirmed else (at["value"], at["note"])
    return SeriesData(
        key=key,
        unit=series["unit"],
        total_kind=series["total_kind"],
        baseline=_number(value),
        baseline_year=baseline_year_of(note),
        targets=tuple(cells.values()),
    )


def _rebuild(record: dict, revision: str, order: dict) -> IndicatorData:
    parts = [("", record)] if not record["parts"] else [(part["key"], part) for part in record["parts"]]
    series = tuple(_series_data(data, key, revision, order) for key, data in parts)
    reports = {}
    for year, grade in record["grades"].items():
        actuals = {}
        for key, data in parts:
            actual = data.get("actuals", {}).get(year)
            if actual is not None:
                actuals[key] = ActualData(_number(actual["value"]), actual["text"])
        status = "approved" if grade["approved"] else "submitted"
        reports[int(year)] = ReportData(status=status, self_grade=grade["self_grade"], actuals=actuals)
    return IndicatorData(code=record["code"], direction=record["direction"], series=series, reports=reports)


@time_machine.travel(TODAY, tick=False)
def test_every_yearly_grade_is_recomputed_from_the_export_alone(tmp_path, planner_user):
    _enter_actuals(planner_user)
    _revise(tmp_path, planner_user)
    records = _export(tmp_path)
    order = _order(records)
    calendar = Calendar(today=TODAY.date())
    checked = set()
    for record in records:
        for year, exported in record.get("grades", {}).items():
            scheme = shipped_scheme(exported["scheme"])
            against = exported["against"]["revision"]
            grade = grade_indicator(_rebuild(record, against, order), int(year), scheme, calendar)
            shown = (grade.level.code if grade.is_graded else None, grade.status, _rate(grade.achievement))
            assert shown == (exported["grade"], exported["status"], exported["achievement"]), (record["code"], year)
            main = grade.main
            value = main.target.value if main is not None and main.target is not None else None
            assert _number(exported["against"]["value"]) == value, (record["code"], year)
            checked.add((exported["status"], exported["grade"], against))
    # The data covered every case that matters: grades of each level, ungraded years, and both revisions.
    assert {grade for _, grade, _ in checked} >= {"met", "mostly", "not_met", None}
    assert {against for _, _, against in checked} == {"当初", "令和8年度改定"}


def _rate(value: Decimal | None) -> float | None:
    value = floor_rate(value)
    return float(value) if value is not None and value.is_finite() else None

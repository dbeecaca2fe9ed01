"""`export_progress --format json` carries actuals and grades per fiscal year (docs/export.md)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bench.plan_data import approve
from indicators.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(tmp_path):
    user = get_user_model().objects.create_superuser("planner", "p@example.jp", "pw")
    with time_machine.travel(datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC), tick=False):
        get = Indicator.objects.get
        # 研修 １回 → ５回: 3 in 令和6年度 (60% 未達成), 5 in 令和7年度 (達成)
        approve(get(code="G1-M01-V1-A3"), 2024, user, {"": 3})
        approve(get(code="G1-M01-V1-A3"), 2025, user, {"": 5})
        # 個別避難計画作成数 a) 60 b) 640: a) 66 (110% 達成), b) 600 (93.75% 概ね達成)
        approve(get(code="G1-M10-V1-O5"), 2024, user, {"a": 66, "b": 600})
        # 孤立していると思われる区民の割合: a draft only
        approve(get(code="G1-M01-V3-O1"), 2024, user, {"": Decimal("13.0")}, submit=False)
        path = tmp_path / "progress.json"
        call_command("export_progress", "--format", "json", "-o", str(path), stderr=io.StringIO())
    return {record["code"]: record for record in json.loads(path.read_text(encoding="utf-8"))}


def test_grades_sit_next_to_actuals_per_year(records):
    training = records["G1-M01-V1-A3"]
    assert training["actuals"] == {"2024": {"value": 3, "text": ""}, "2025": {"value": 5, "text": ""}}
    assert training["grades"] == {
        "2024": {
            "grade": "not_met",
            "label": "未達成",
            "status": "graded",
            "achievement": 60.0,
            "progress": 50.0,
            "regressed": False,
            "approved": True,
            "scheme": "default",
            "self_grade": "",
            "against": {"revision": "当初", "value": 5},
        },
        "2025": {
            "grade": "met",
            "label": "達成",
            "status": "graded",
            "achievement": 100.0,
            "progress": 100.0,
            "regressed": False,
            "approved": True,
            "scheme": "default",
            "self_grade": "",
            "against": {"revision": "当初", "value": 5},
        },
    }


def test_parts_carry_their_own_grades_and_the_indicator_the_worse(records):
    evacuation = records["G1-M10-V1-O5"]
    part_a, part_b = evacuation["parts"]
    assert part_a["grades"]["2024"]["grade"] == "met" and part_a["grades"]["2024"]["achievement"] == 110.0
    assert part_b["grades"]["2024"]["grade"] == "mostly" and part_b["grades"]["2024"]["achievement"] == 93.7
    assert evacuation["grades"]["2024"]["grade"] == "mostly"
    assert evacuation["grades"]["2024"]["achievement"] is None  # two rates: read them on the parts
    assert "actuals" not in evacuation  # unchanged contract: parts hold the actuals


def test_unapproved_actual_is_exported_but_not_graded(records):
    isolated = records["G1-M01-V3-O1"]
    assert isolated["actuals"] == {"2024": {"value": 13, "text": ""}}
    assert isolated["grades"]["2024"]["status"] == "missing"
    assert isolated["grades"]["2024"]["grade"] is None and isolated["grades"]["2024"]["approved"] is False


def test_indicators_without_actuals_have_no_grades(records):
    assert "grades" not in records["G1-M09-V1-A1"] and "actuals" not in records["G1-M09-V1-A1"]


def test_year_option_and_csv_grade_columns(tmp_path):
    user = get_user_model().objects.create_superuser("planner", "p@example.jp", "pw")
    with time_machine.travel(datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC), tick=False):
        approve(Indicator.objects.get(code="G1-M01-V1-A3"), 2024, user, {"": 3})
        approve(Indicator.objects.get(code="G1-M01-V1-A3"), 2025, user, {"": 5})
        path = tmp_path / "p.json"
        call_command("export_progress", "--year", "2025", "-o", str(path), stderr=io.StringIO())
        csv_path = tmp_path / "p.csv"
        call_command("export_progress", "--format", "csv", "-o", str(csv_path), stderr=io.StringIO())
    record = next(r for r in json.loads(path.read_text()) if r["code"] == "G1-M01-V1-A3")
    assert list(record["grades"]) == ["2025"] and record["grades"]["2025"]["label"] == "達成"
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    header = rows[0]
    row = next(r for r in rows if r[0] == "G1-M01-V1-A3")
    assert row[header.index("令和6年度（2024年度）評価")] == "未達成"
    assert row[header.index("令和7年度（2025年度）評価")] == "達成"

"""`manage.py load_plan`: idempotent, never touches actuals, refuses malformed data files with a clear message."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from consultations.services import load_master_data
from indicators import services
from indicators.entry.workflow import SeriesValue, save_report
from indicators.models import Actual, Indicator, Relisting, Series, Target
from indicators.plan_files import PLAN_FILE_DIR
from indicators.services import load_plan
from measures.models import Measure, Plan, Vision
from setagaya_plan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "indicators": list(Indicator.objects.order_by("code").values()),
        "series": list(Series.objects.order_by("indicator__code", "key").values()),
        "targets": list(Target.objects.order_by("series_id", "fiscal_year").values()),
        "visions": list(Vision.objects.order_by("pk").values()),
        "relistings": list(Relisting.objects.order_by("pk").values()),
    }


def test_loading_again_changes_nothing():
    before, logged = _snapshot(), AuditEntry.objects.count()
    out = io.StringIO()
    call_command("load_plan", stdout=out)
    assert out.getvalue().strip() == "計画データは最新です（変更なし）。"
    assert not load_plan().changed
    assert _snapshot() == before
    assert AuditEntry.objects.count() == logged  # nothing changed, nothing logged


def test_the_first_load_names_each_row_it_added_in_the_trail():
    plan = Plan.objects.get()
    logged = AuditEntry.objects.for_subject(plan).get()
    assert (logged.action, logged.user, logged.source) == ("load_plan", None, "load_plan")
    assert logged.changes == {"（追加）": [None, str(plan)]}


def test_reload_restores_printed_values_and_keeps_actuals():
    series = Series.objects.get(indicator__code="G1-M01-V1-A3")
    save_report(
        indicator=series.indicator,
        fiscal_year=2024,
        user=None,
        values={"": SeriesValue(Decimal("4"))},
        expected_version=None,
    )
    actual = Actual.objects.get(series=series)
    target = series.targets.get(fiscal_year=2024)
    target.value = Decimal("99")
    target.save()

    report = load_plan()

    assert report.updated["目標"] == 1
    target.refresh_from_db()
    assert target.value == Decimal("5")
    actual.refresh_from_db()
    assert actual.value == Decimal("4")
    logged = AuditEntry.objects.for_subject(target).latest("pk")  # after the entry of its first load
    assert (logged.action, logged.user, logged.source) == ("load_plan", None, "load_plan")
    assert logged.changes == {"目標値": ["99", "5"]}


def test_reload_keeps_targets_set_at_the_mid_term_review():
    series = Series.objects.get(indicator__code="G1-M01-V1-A3")
    Target.objects.create(series=series, fiscal_year=2028, end_fiscal_year=2028, value=Decimal("6"))
    assert not load_plan().changed
    assert series.targets.get(fiscal_year=2028).value == Decimal("6")


def test_code_does_not_change_when_titles_are_edited():
    indicator = Indicator.objects.get(code="G1-M05-V2-A1-1")
    indicator.name = "認知症高齢者グループホームの整備数（名称変更）"
    indicator.save()
    measure = Measure.objects.get(goal__number=1, number=5)
    measure.title = "住まい（改題）"
    measure.save()
    indicator.refresh_from_db()
    assert indicator.code == "G1-M05-V2-A1-1"


def test_relisted_indicator_is_one_indicator_in_two_places():
    indicator = Indicator.objects.get(code="G1-M01-V4-A2")
    assert [m.number for m in indicator.listed_measures()] == [1, 9]
    assert Indicator.objects.filter(name="地域資源開発における団体訪問件数").count() == 1
    assert set(Indicator.objects.listed_under(Measure.objects.get(goal__number=1, number=9))) >= {indicator}


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(PLAN_FILE_DIR, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN_FILES = [
    ("goal1_measure01.yaml", "kind: 行動量", "kind: 活動量", "kind は 行動量 か 成果指標 です"),
    ("goal1_measure01.yaml", "direction: down", "direction: sideways", "direction は up か down です"),
    ("goal1_measure01.yaml", "total_kind: last", "total_kind: average", "total_kind は"),
    (
        "goal1_measure02.yaml",
        "targets: [30, 30, 30, 30]",
        "targets: [30, 30, 30]",
        "4年度分（令和6年度（2024年度）～令和9年度（2027年度））の目標が必要です",
    ),
    ("goal1_measure02.yaml", "targets: [30, 30, 30, 30]", "targets: [30, 30, {value: abc}, 30]", "数値ではありません"),
    ("goal1_measure05.yaml", "2024-2026: 4", "2026-2024: 4", "逆順です"),
    ("goal1_measure05.yaml", "2024-2026: 4", "2024-2027: 4", "重なっています"),
    ("goal1_measure05.yaml", "2024-2026: 4", "令和6年度: 4", "2024 や 2024-2026 の形で書きます"),
    ("goal1_measure09.yaml", "relisted_from: 1/4/行動量/2", "relisted_from: 1/4/行動量/9", "再掲元"),
    ("plan.yaml", "  - goal1_measure10.yaml", "  - goal1_measure11.yaml", "ファイルがありません"),
    ("goal1_measure03.yaml", "number: 3\n", "number: three\n", "は整数で書きます"),
    ("goal1_measure06.yaml", "visions:", "visions: [", "YAML として読めません"),
]


@pytest.mark.parametrize("filename, old, new, message", BROKEN_FILES, ids=[row[3] for row in BROKEN_FILES])
def test_broken_plan_files_are_refused_without_writing(plan_copy, filename, old, new, message):
    _replace(plan_copy / filename, old, new)
    Target.objects.filter(series__indicator__code="G1-M01-V1-A3", fiscal_year=2024).update(value=Decimal("99"))
    before = _snapshot()

    with pytest.raises(CommandError) as error:
        call_command("load_plan", "--dir", str(plan_copy), stdout=io.StringIO())

    assert "計画データを読み込めませんでした" in str(error.value)
    assert message in str(error.value)
    assert _snapshot() == before  # all or nothing: the edited target was not restored either


def test_relisting_that_differs_from_the_original_is_refused(plan_copy):
    _replace(
        plan_copy / "goal1_measure09.yaml", "targets: [6600, 6800, 7000, 7200]", "targets: [6600, 6800, 7000, 7300]"
    )
    with pytest.raises(CommandError, match=r"再掲.*値が元と異なります"):
        call_command("load_plan", "--dir", str(plan_copy), stdout=io.StringIO())


class _Broken(Exception):
    pass


def _loader_report(*lines: str):
    return type("Report", (), {"changed": bool(lines), "lines": lambda self: list(lines)})()


def test_data_other_apps_register_loads_after_the_plan_and_is_reported(monkeypatch):
    # consultations registers its master data in ready(); this test swaps in loaders of its own.
    assert [loader.load for loader in services.data_loaders()] == [load_master_data]
    monkeypatch.setattr(services, "_loaders", [])
    services.register_loader(services.DataLoader("試験のデータ", lambda: _loader_report("試験: 追加 1"), _Broken))
    out = io.StringIO()
    call_command("load_plan", stdout=out)
    assert "試験: 追加 1" in out.getvalue() and "計画データを読み込みました。" in out.getvalue()


def test_a_malformed_file_of_a_registered_loader_is_named_by_its_label(monkeypatch):
    def broken():
        raise _Broken("places.yaml 地域1: 「name」がありません")

    monkeypatch.setattr(services, "_loaders", [services.DataLoader("試験のデータ", broken, _Broken)])
    with pytest.raises(CommandError, match=r"試験のデータを読み込めませんでした: places\.yaml 地域1"):
        call_command("load_plan", stdout=io.StringIO())

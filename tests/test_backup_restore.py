"""manage.py backup / restore on the database the suite runs on (CI runs it on SQLite and on PostgreSQL):
back up, wipe, restore → the same export and every row of every table, timestamps to the microsecond."""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from consultations.models import Category, District, WindowType
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry
from setagaya_plan.operations.backup import POSTGRES_MAGIC, SQLITE_MAGIC

pytestmark = pytest.mark.django_db(transaction=True)


def export_json(tmp_path) -> str:
    path = tmp_path / "export.json"
    call_command("export_progress", "--format", "json", "-o", str(path), stderr=io.StringIO())
    return path.read_text(encoding="utf-8")


def every_row() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if not model._meta.proxy
    }


@pytest.fixture
def plan_with_history(entry_user, approver_user, section):
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))
    # ティーンズプロジェクトの実施回数 (推進施策9) reported as the plan's section would: entered, submitted, approved.
    indicator = Indicator.objects.get(code="G1-M01-V1-A3")
    report = save_report(
        indicator=indicator,
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=None,
    )
    report = review.submit(REPORT_REVIEW, report, entry_user, report.version)
    review.approve(REPORT_REVIEW, report, approver_user, report.version, "確認しました")
    counts = save_counts(
        place=Place(district=District.objects.get(code="ikejiri")),
        fiscal_year=2024,
        month=4,
        user=entry_user,
        values={(WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢")): 12},
        expected_version=None,
        today=datetime.date(2024, 5, 1),
    )
    counts = review.submit(COUNT_REVIEW, counts, entry_user, counts.version)
    review.approve(COUNT_REVIEW, counts, approver_user, counts.version)


def test_backup_wipe_restore_gives_back_the_same_export_and_every_row(plan_with_history, tmp_path):
    export_before, rows_before = export_json(tmp_path), every_row()
    stamps = [entry.at for entry in AuditEntry.objects.filter(action__in=["create", "submit", "approve"])]
    assert len(stamps) >= 6 and any(stamp.microsecond % 1000 for stamp in stamps)  # finer than milliseconds

    path = tmp_path / "setagaya-plan.backup"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert f"バックアップしました: {path}" in out.getvalue()
    assert path.read_bytes().startswith(POSTGRES_MAGIC if connection.vendor == "postgresql" else SQLITE_MAGIC)

    call_command("flush", interactive=False, verbosity=0)
    assert not Report.objects.exists() and not AuditEntry.objects.exists()

    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out)
    assert "復元しました" in out.getvalue()
    assert export_json(tmp_path) == export_before
    assert every_row() == rows_before  # the audit history included, timestamps to the microsecond
    assert '"G1-M01-V1-A3"' in export_before and Report.objects.get().status == Report.Status.APPROVED


def test_backup_never_overwrites_and_restore_refuses_what_is_not_a_backup(db, tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="すでにあります"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(CommandError, match=r"フォルダ .* がありません"):
        call_command("backup", str(tmp_path / "no" / "such.backup"))

    with pytest.raises(CommandError, match="このシステムのバックアップファイルではありません"):
        call_command("restore", str(existing), interactive=False)
    with pytest.raises(CommandError, match="バックアップファイルを読めません"):
        call_command("restore", str(tmp_path / "missing.backup"), interactive=False)
    other = tmp_path / "other-engine.backup"
    other.write_bytes((SQLITE_MAGIC if connection.vendor == "postgresql" else POSTGRES_MAGIC) + b"\0" * 64)
    with pytest.raises(CommandError, match="いまの接続先は"):
        call_command("restore", str(other), interactive=False)


def test_restore_asks_before_replacing_the_data(db, tmp_path, monkeypatch):
    path = tmp_path / "x.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="中止しました。何も変更していません。"):
        call_command("restore", str(path))

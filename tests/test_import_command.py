"""manage.py import_plan_workbook PATH [--dry-run] [--sheet NAME] [--user NAME] [--overwrite]."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.entry.workflow import SeriesValue, save_report
from indicators.importing import flat
from indicators.models import Actual, Indicator, Series
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build, snapshot, source_tables

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_plan_workbook", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def change_file(tmp_path):
    path = tmp_path / "更新.xlsx"
    path.write_bytes(
        build.xlsx(
            {
                "説明": [["このシートは読み飛ばします"]],
                "指標": [
                    ["コード", "名称", "令和6年度（2024年度）"],
                    ["G1-M05-V1-A2", "補助対象住宅の新規登録件数", 9],
                ],
            }
        )
    )
    return path


def test_dry_run_shows_the_changes_and_writes_nothing(change_file):
    before = snapshot.everything()
    out = _run(str(change_file), "--dry-run")
    assert "更新.xlsx：計画データ（指標・目標）（一覧形式（テンプレート））" in out
    assert (
        "[変更] シート「指標」 2行目 G1-M05-V1-A2 補助対象住宅の新規登録件数：令和6年度（2024年度）目標 8件 → 9件"
        in out
    )
    assert "新規 0件、変更 1件、変更なし 0件、上書き要確認 0件、エラー 0件" in out
    assert "確認のみ（--dry-run）：何も書き込んでいません。" in out
    assert snapshot.everything() == before


def test_writing_needs_a_planner(change_file, entry_user):
    with pytest.raises(CommandError, match="--user で取り込む計画担当のユーザー名を指定してください"):
        _run(str(change_file))
    with pytest.raises(CommandError, match="ユーザー「staff_a」は計画担当ではありません"):
        _run(str(change_file), "--user", entry_user.username)
    with pytest.raises(CommandError, match="ユーザー「nobody」はいません"):
        _run(str(change_file), "--user", "nobody")


def test_a_planner_imports_and_the_second_run_changes_nothing(change_file, planner_user):
    out = _run(str(change_file), "--user", planner_user.username)
    assert "「更新.xlsx」を取り込みました。" in out
    assert Series.objects.get(indicator__code="G1-M05-V1-A2").targets.get(fiscal_year=2024).value == Decimal(9)
    assert "変更はありません（すべて登録済みの内容と同じです）。" in _run(
        str(change_file), "--user", planner_user.username
    )


def test_errors_stop_the_command_and_write_nothing(tmp_path, planner_user):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(build.xlsx({"指標": [["コード", "名称", "令和6年度（2024年度）"], ["G1-M99-V1-A1", "x", 1]]}))
    before = snapshot.everything()
    with pytest.raises(CommandError, match="エラーがあるため、何も書き込んでいません。"):
        _run(str(path), "--user", planner_user.username)
    assert snapshot.everything() == before
    with pytest.raises(CommandError, match=r"\.xlsx 形式で保存し直してください"):
        old = tmp_path / "old.xls"
        old.write_bytes(build.compound_file("Workbook"))
        _run(str(old), "--dry-run")
    with pytest.raises(CommandError, match="ファイルがありません"):
        _run(str(tmp_path / "missing.xlsx"), "--dry-run")


def test_only_the_named_sheet_is_read(tmp_path, change_file):
    out = _run(str(change_file), "--dry-run", "--sheet", "指標")
    assert "[変更]" in out
    with pytest.raises(CommandError, match="シート「表」がありません（このファイルのシート：「説明」、「指標」）"):
        _run(str(change_file), "--dry-run", "--sheet", "表")


def test_the_printed_source_tables_by_command(tmp_path, planner_user):
    path = tmp_path / "実施計画.xlsx"
    path.write_bytes(source_tables.workbook())
    out = _run(str(path), "--dry-run", "-v", "2")
    assert out.count("[変更なし]") == source_tables.ROW_COUNT
    assert "エラー 0件" in out


def test_conflicts_need_overwrite(tmp_path, planner_user, entry_user):
    save_report(
        indicator=Indicator.objects.get(code="G1-M05-V1-A1"),
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(300))},
        expected_version=None,
    )
    path = tmp_path / "実績.xlsx"
    path.write_bytes(build.xlsx({"実績": [["コード", "年度", "実績"], ["G1-M05-V1-A1", 2024, 295]]}))
    with pytest.raises(CommandError, match="上書きする場合は --overwrite を付けてください"):
        _run(str(path), "--user", planner_user.username)
    assert Actual.objects.get().value == Decimal(300)
    out = _run(str(path), "--user", planner_user.username, "--overwrite")
    assert "⚠ 画面で入力済みの実績（300）を上書きします。" in out
    assert Actual.objects.get().value == Decimal(295)
    log = AuditEntry.objects.filter(action="import").get()
    assert (log.user, log.source) == (planner_user, "実績.xlsx")


def test_the_template_by_command(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(flat.template_csv(with_data=True))
    assert f"変更なし {Series.objects.count()}件" in _run(str(path), "--dry-run")

"""Layout (c): actuals, from the actuals sheet and from the progress-report workbook, through the audited workflow.

An actual entered in the screens (or already submitted/approved) that a file would overwrite is a conflict: shown
in the preview, refused without explicit confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report, set_year_lock
from indicators.importing import actuals
from indicators.importing.layouts import read_upload
from indicators.importing.preview import apply_upload, preview_upload, run_import
from indicators.models import Actual, Indicator, Report
from indicators.progress.report_xlsx import progress_workbook
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build, snapshot, source_tables

pytestmark = pytest.mark.django_db

HEADER = ["コード", "年度", "実績", "コメント"]


def _sheet(*rows) -> bytes:
    return build.xlsx({"実績": [HEADER, *rows]})


def _enter_on_screen(code: str, values: dict, user, year: int = 2024) -> Report:
    indicator = Indicator.objects.get(code=code)
    report = Report.objects.filter(indicator=indicator, fiscal_year=year).first()
    return save_report(
        indicator=indicator,
        fiscal_year=year,
        user=user,
        values={key: SeriesValue(Decimal(value)) for key, value in values.items()},
        expected_version=report.version if report else None,
    )


def _actual(code: str, key: str = "", year: int = 2024) -> Actual | None:
    return Actual.objects.filter(series__indicator__code=code, series__key=key, report__fiscal_year=year).first()


def test_new_actuals_are_written_through_the_workflow_and_audited(planner_user):
    data = _sheet(
        ["G1-M05-V1-A1", "令和6年度（2024年度）", "２９５人", "相談会を増やした"],
        ["G1-M10-V1-O5/a", 2024, 61, None],
        ["G1-M10-V1-O5/b", "令和６年度", "650", None],
    )
    preview = preview_upload("実績2024.xlsx", data, user=planner_user)
    assert preview.layouts == ["実績シート（コード・年度・実績）"]
    assert [(row.status, row.changes) for row in preview.rows] == [
        ("new", [("実績", "（なし）", "295人"), ("コメント", "（空欄）", "相談会を増やした")]),
        ("new", [("多摩川洪水浸水想定区域内・実績", "（なし）", "61件")]),
        ("new", [("多摩川洪水浸水想定区域以外・実績", "（なし）", "650件")]),
    ]
    assert Actual.objects.count() == 0  # a preview writes nothing
    apply_upload("実績2024.xlsx", data, user=planner_user)
    assert _actual("G1-M05-V1-A1").value == Decimal(295)
    assert (_actual("G1-M10-V1-O5", "a").value, _actual("G1-M10-V1-O5", "b").value) == (Decimal(61), Decimal(650))
    report = Report.objects.get(indicator__code="G1-M05-V1-A1", fiscal_year=2024)
    assert (report.status, report.comment) == (Report.Status.DRAFT, "相談会を増やした")
    log = AuditEntry.objects.for_subject(report).get()
    assert (log.action, log.source, log.user) == (AuditEntry.Action.IMPORT, "実績2024.xlsx", planner_user)
    assert log.changes["実績"] == [None, "295"]
    # Idempotent: the same file again is all unchanged and writes nothing.
    before = snapshot.everything()
    again = preview_upload("実績2024.xlsx", data, user=planner_user)
    assert {row.status for row in again.rows} == {"unchanged"}
    apply_upload("実績2024.xlsx", data, user=planner_user)
    assert snapshot.everything() == before


def test_the_actuals_sheet_for_a_year_round_trips(planner_user, entry_user):
    _enter_on_screen("G1-M01-V1-A3", {"": 4}, entry_user)
    _enter_on_screen("G1-M10-V1-O5", {"a": 58, "b": 700}, entry_user)
    data = actuals.template_xlsx(2024)
    preview = preview_upload("actuals-2024.xlsx", data, user=planner_user)
    assert not preview.has_errors
    assert {row.status for row in preview.rows} == {"unchanged"}
    # Every series due in 2024 has its row; deferred years have none.
    assert len(preview.rows) == sum(
        1
        for i in Indicator.objects.prefetch_related("series__targets")
        for s in i.series.all()
        if s.expects_actual(2024)
    )


def test_an_actual_entered_on_screen_is_a_conflict_that_needs_confirmation(planner_user, entry_user):
    _enter_on_screen("G1-M05-V1-A1", {"": 300}, entry_user)
    data = _sheet(["G1-M05-V1-A1", 2024, 295, None], ["G1-M05-V1-A2", 2024, 9, None])
    preview = preview_upload("sec.xlsx", data, user=planner_user)
    assert [row.status for row in preview.rows] == ["conflict", "new"]
    assert preview.rows[0].conflict == "画面で入力済みの実績（300）を上書きします。"
    before = snapshot.everything()
    refused = apply_upload("sec.xlsx", data, user=planner_user)
    assert refused.has_errors
    assert "上書きする場合は、上書きを確認してから取り込んでください" in refused.rows[0].errors[0]
    assert snapshot.everything() == before  # the new row of the same file is not written either
    apply_upload("sec.xlsx", data, user=planner_user, overwrite_confirmed=True)
    assert _actual("G1-M05-V1-A1").value == Decimal(295)
    assert _actual("G1-M05-V1-A2").value == Decimal(9)
    report = Report.objects.get(indicator__code="G1-M05-V1-A1", fiscal_year=2024)
    log = AuditEntry.objects.for_subject(report).order_by("pk").last()
    assert (log.action, log.source, log.changes["実績"]) == (AuditEntry.Action.IMPORT, "sec.xlsx", ["300", "295"])


def test_the_same_value_as_entered_on_screen_is_no_conflict(planner_user, entry_user):
    _enter_on_screen("G1-M05-V1-A1", {"": 295}, entry_user)
    preview = preview_upload("sec.xlsx", _sheet(["G1-M05-V1-A1", 2024, 295, None]), user=planner_user)
    assert [row.status for row in preview.rows] == ["unchanged"]


def test_overwriting_an_approved_actual_sends_the_report_back_to_draft(planner_user, entry_user):
    report = _enter_on_screen("G1-M05-V1-A1", {"": 295}, entry_user)
    report = review.submit(REPORT_REVIEW, report, entry_user, report.version)
    report = review.approve(REPORT_REVIEW, report, planner_user, report.version)
    preview = preview_upload("fix.xlsx", _sheet(["G1-M05-V1-A1", 2024, 296, None]), user=planner_user)
    assert preview.rows[0].status == "conflict"
    assert preview.rows[0].conflict == "承認済の実績（295）を上書きします（実績報告は下書きに戻ります）。"
    apply_upload("fix.xlsx", _sheet(["G1-M05-V1-A1", 2024, 296, None]), user=planner_user, overwrite_confirmed=True)
    report.refresh_from_db()
    assert (report.status, _actual("G1-M05-V1-A1").value) == (Report.Status.DRAFT, Decimal(296))


def test_an_empty_cell_never_deletes_an_actual(planner_user, entry_user):
    _enter_on_screen("G1-M05-V1-A1", {"": 295}, entry_user)
    preview = preview_upload("x.xlsx", _sheet(["G1-M05-V1-A1", 2024, None, None]), user=planner_user)
    assert [row.status for row in preview.rows] == ["unchanged"]
    apply_upload("x.xlsx", _sheet(["G1-M05-V1-A1", 2024, None, None]), user=planner_user)
    assert _actual("G1-M05-V1-A1").value == Decimal(295)


def test_words_are_an_actual_only_where_the_target_is_words(planner_user):
    data = _sheet(["G1-M02-V1-A2", 2024, "一部運用を開始", None], ["G1-M05-V1-A1", 2024, "おおむね300", None])
    preview = preview_upload("x.xlsx", data, user=planner_user)
    assert preview.rows[0].changes == [("実績", "（なし）", "一部運用を開始")]
    assert preview.rows[1].errors == [
        "シート「実績」 3行目 C列（実績）：「おおむね300」："
        "数値から始めてください（単位や記号は数値の後に。例：12、１，２３４、12人）。"
    ]


def test_a_locked_year_takes_no_actuals(planner_user):
    set_year_lock(2024, planner_user, True)
    preview = preview_upload("x.xlsx", _sheet(["G1-M05-V1-A1", 2024, 295, None]), user=planner_user)
    assert preview.rows[0].errors == [
        "シート「実績」 2行目 B列（年度）：令和6年度（2024年度）は締め切られているため、実績を取り込めません。"
    ]


def test_an_actuals_csv_in_shift_jis(planner_user):
    data = build.csv_bytes([HEADER, ["G1-M05-V1-A1", "令和6年度", "２９５", "区の集計"]], encoding="cp932")
    preview = preview_upload("実績.csv", data, user=planner_user)
    assert preview.rows[0].changes == [("実績", "（なし）", "295人"), ("コメント", "（空欄）", "区の集計")]


def _contract_workbook(rows: list[list]) -> bytes:
    """A progress-report sheet as the contract in indicators/progress/report_xlsx.py describes it."""
    header = ["番号", "成果指標", "現況値", *source_tables.YEARS_HEADER, "総量", "コード"]
    return build.xlsx(
        {
            "概要": [["進捗状況報告"], ["基本目標", "推進施策", "名称", "指標数"], [1, 10, "防犯・防災", 10]],
            "基本目標1-推進施策10": [["基本目標1　推進施策10　防犯・防災"], ["■取組みの成果指標■"], header, *rows],
        }
    )


def test_the_progress_workbook_hands_in_actuals_by_code(planner_user):
    data = _contract_workbook(
        [
            ["5", "個別避難計画作成数（a) 区域内）", 340, 60, 70, 80, 90, 300, "G1-M10-V1-O5/a"],
            [None, "実績", None, 61, None, None, None, None, "G1-M10-V1-O5/a"],
            ["5", "個別避難計画作成数（b) 区域以外）", 3200, 640, 640, 640, 640, 2560, "G1-M10-V1-O5/b"],
            [None, "実績", None, "６５０件", None, None, None, None, "G1-M10-V1-O5/b"],
            ["1", "防災塾に参加したことで…", 73.1, 80, 83, 86, 90, 90, "G1-M10-V1-O1"],
            [None, "実績", None, "―", None, None, None, None, "G1-M10-V1-O1"],
        ]
    )
    preview = preview_upload("進捗状況.xlsx", data, user=planner_user)
    assert preview.layouts == ["進捗報告ブック（実績行）"]
    assert [(row.where, row.status, row.changes) for row in preview.rows] == [
        ("シート「基本目標1-推進施策10」 5行目", "new", [("多摩川洪水浸水想定区域内・実績", "（なし）", "61件")]),
        ("シート「基本目標1-推進施策10」 7行目", "new", [("多摩川洪水浸水想定区域以外・実績", "（なし）", "650件")]),
    ]


def test_the_progress_workbook_of_this_app_round_trips(planner_user, entry_user):
    for code, values in (("G1-M05-V1-A1", {"": 295}), ("G1-M10-V1-O5", {"a": 61, "b": 650})):
        report = _enter_on_screen(code, values, entry_user)
        report = review.submit(REPORT_REVIEW, report, entry_user, report.version)
        review.approve(REPORT_REVIEW, report, planner_user, report.version)
    with time_machine.travel("2025-07-01 10:00 +0900", tick=False):
        data = progress_workbook(2024)
    preview = preview_upload("進捗状況報告.xlsx", data, user=planner_user)
    assert preview.kind == "actuals"
    assert len(preview.rows) == 3
    assert {row.status for row in preview.rows} == {"unchanged"}
    # A value changed on screen after the report was made: the report's value is a conflict to confirm.
    report = Report.objects.get(indicator__code="G1-M05-V1-A1", fiscal_year=2024)
    report = review.reopen(REPORT_REVIEW, report, planner_user, report.version, "数値の確認")
    _enter_on_screen("G1-M05-V1-A1", {"": 300}, entry_user)
    parsed = read_upload("進捗状況報告.xlsx", data)
    preview = run_import(parsed, user=planner_user, file_name="進捗状況報告.xlsx")
    assert [row.status for row in preview.rows if row.status != "unchanged"] == ["conflict"]

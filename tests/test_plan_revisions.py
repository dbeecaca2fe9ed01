"""Revisions of the 実施計画: a workbook imported as 「令和8年度改定」 raises two targets and adds a 令和10年度 one.

The indicator is 推進施策9 行動量1 ティーンズプロジェクトの実施回数 (printed: 133 / 136 / 139 / 142回, 総量 550回;
世田谷区地域保健医療福祉総合計画 第4章 推進施策9 めざす姿1). The revision, decided on 2026-06-01, raises 令和8年度 to
150回 and 令和9年度 to 160回 and sets 令和10年度 at 170回. 令和6年度's reports were due on 2025-06-30, before the
revision: it stays graded against 当初. 令和7年度's were due on 2026-06-30, after it, but the revision left that
year's 136回 alone, so its grade does not change either.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from bench.plan_data import approve
from indicators.importing import flat
from indicators.models import Grade, Indicator, PlanRevision, Series, TargetVersion
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build

pytestmark = pytest.mark.django_db

TEENS = "G1-M09-V1-A1"
NAME = "ティーンズプロジェクトの実施回数"
REVISION = ("--revision", "令和8年度改定", "--decided", "2026-06-01")
AFTER_2026 = datetime.datetime(2027, 8, 1, 10, tzinfo=datetime.UTC)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_plan_workbook", *args, stdout=out)
    return out.getvalue()


def _export(tmp_path) -> dict[str, dict]:
    path = tmp_path / "progress.json"
    call_command("export_progress", "--format", "json", "-o", str(path), stderr=io.StringIO())
    return {record["code"]: record for record in json.loads(path.read_text(encoding="utf-8"))}


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "実施計画_令和8年度改定.xlsx"
    years = ["令和8年度（2026年度）", "令和9年度（2027年度）", "令和10年度（2028年度）"]
    path.write_bytes(build.xlsx({"指標": [["コード", "名称", *years], [TEENS, NAME, 150, 160, 170]]}))
    return path


@pytest.fixture
def reported(planner_user):
    """令和6年度 136回 (達成 against 133), 令和7年度 120回 (88.2% of 136), then 令和8年度 145回."""
    teens = Indicator.objects.get(code=TEENS)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        approve(teens, 2024, planner_user, {"": 136})
        approve(teens, 2025, planner_user, {"": 120})
    return teens


def _grades(record: dict) -> dict:
    grades = record["grades"].items()
    return {year: (g["grade"], g["status"], g["achievement"], g["against"]["value"]) for year, g in grades}


def _entry(revision, decided, value, year) -> dict:
    return {"revision": revision, "decided": decided, "value": value, "text": "", "deferred_to": "", "years": [year]}


@time_machine.travel(AFTER_2026, tick=False)
def test_a_revision_changes_later_targets_and_keeps_the_earlier_grades(
    workbook, reported, planner_user, client, tmp_path
):
    approve(reported, 2026, planner_user, {"": 145})
    before = _export(tmp_path)[TEENS]
    out = _run(str(workbook), "--user", planner_user.username, *REVISION)
    assert "「実施計画_令和8年度改定.xlsx」を取り込みました。" in out
    assert "改定「令和8年度改定」による目標・総量・現況値の変更 3件" in out
    revision = PlanRevision.objects.get(name="令和8年度改定")
    assert (revision.number, revision.decided) == (1, datetime.date(2026, 6, 1))
    series = Series.objects.get(indicator__code=TEENS)
    # The Target rows hold the targets in force now.
    assert {t.fiscal_year: t.value for t in series.targets.all()} == {
        2024: 133,
        2025: 136,
        2026: 150,
        2027: 160,
        2028: 170,
    }
    after = _export(tmp_path)[TEENS]

    # 令和6–7年度: the same grades against the same targets.
    assert _grades(after)["2024"] == _grades(before)["2024"] == ("met", "graded", 102.2, 133)
    assert _grades(after)["2025"] == _grades(before)["2025"] == ("mostly", "graded", 88.2, 136)
    assert after["grades"]["2024"]["against"]["revision"] == "当初"
    # 令和8年度 was due after the revision: graded against 150 (145 ÷ 150 = 96.6%), not 当初's 139 (達成).
    assert _grades(before)["2026"] == ("met", "graded", 104.3, 139)
    assert _grades(after)["2026"] == ("mostly", "graded", 96.6, 150)
    assert after["grades"]["2026"]["against"] == {"revision": "令和8年度改定", "value": 150}

    # The export: `value` is the target in force now, `history` every value oldest first.
    assert after["targets"]["2026"]["value"] == 150
    assert after["targets"]["2026"]["history"] == [
        _entry("当初", None, 139, 2026),
        _entry("令和8年度改定", "2026-06-01", 150, 2026),
    ]
    assert after["targets"]["2028"]["history"] == [
        _entry("令和8年度改定", "2026-06-01", 170, 2028),
    ]
    assert [entry["revision"] for entry in after["targets"]["2024"]["history"]] == ["当初"]

    # The indicator page: 当初 and 改定後 with the revision's name and date.
    client.force_login(planner_user)
    page = client.get(reverse("progress:indicator", args=[TEENS])).content.decode()
    assert "当初：<del>139回</del>" in page
    assert "改定後（令和8年度改定・2026年6月1日決定）：<strong>150回</strong>" in page
    assert "改定後（令和8年度改定・2026年6月1日決定）：<strong>170回</strong>" in page

    # The revision page lists exactly the three changes, old → new.
    page = client.get(reverse("progress:revision", args=[1]))
    changes = [(c.field, c.old, c.new) for c in page.context["changes"]]
    assert changes == [
        ("令和8年度（2026年度）目標", "139", "150"),
        ("令和9年度（2027年度）目標", "142", "160"),
        ("令和10年度（2028年度）目標", "（なし）", "170"),
    ]
    assert {c.code for c in page.context["changes"]} == {TEENS}
    listing = client.get(reverse("progress:revisions")).content.decode()
    assert "令和8年度改定" in listing and "2026年6月1日" in listing

    # The same workbook again changes nothing: no version, no audit entry.
    versions, entries = TargetVersion.objects.count(), AuditEntry.objects.count()
    assert "変更はありません（すべて登録済みの内容と同じです）。" in _run(
        str(workbook), "--user", planner_user.username, *REVISION
    )
    assert (TargetVersion.objects.count(), AuditEntry.objects.count()) == (versions, entries)
    assert _export(tmp_path)[TEENS] == after


@time_machine.travel(AFTER_2026, tick=False)
def test_the_new_year_appears_on_the_measure_page_and_in_the_flat_template(workbook, planner_user, client):
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    client.force_login(planner_user)
    page = client.get(reverse("progress:measure", args=[1, 9])).content.decode()
    assert "令和10年度" in page
    assert '170回<span class="revised-mark">※改定</span>' in page
    assert '150回<span class="revised-mark">※改定</span>' in page
    assert "133回<span" not in page  # 当初's targets carry no mark
    rows = list(csv.reader(io.StringIO(flat.template_csv(with_data=True).decode("utf-8-sig"))))
    header = next(row for row in rows if "コード" in row)
    line = next(row for row in rows if row and row[0] == TEENS)
    assert line[header.index("令和10年度（2028年度）")] == "170"
    report = client.get(reverse("progress:report", args=[2026])).content.decode()
    assert "※改定" in report
    # The workbook marks the same targets, and its legend says what the mark means.
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("progress:report_xlsx", args=[2026])).content))
    teens = next(row for row in book["基本目標1-推進施策9"].iter_rows() if row[-1].value == TEENS)
    marked = {cell.value: "※改定" in cell.number_format for cell in teens if cell.value in (133, 150, 170)}
    assert marked == {133: False, 150: True, 170: True}
    assert any(row[0].value == "※改定" for row in book["概要"].iter_rows() if row)


def test_without_a_revision_a_change_of_targets_is_refused(workbook, planner_user):
    with pytest.raises(CommandError, match="どの改定による変更かを --revision"):
        _run(str(workbook), "--user", planner_user.username)
    with pytest.raises(CommandError, match="どの改定による変更かを --revision"):
        _run(str(workbook), "--dry-run")
    assert not PlanRevision.objects.filter(number__gt=0).exists()
    assert Series.objects.get(indicator__code=TEENS).targets.get(fiscal_year=2026).value == 139


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--revision", "令和8年度改定"), "新しい改定「令和8年度改定」の決定日を指定してください"),
        (("--revision", "令和8年度改定", "--decided", "2026-13-01"), "決定日「2026-13-01」を読み取れません"),
        (("--revision", "令和8年度改定", "--decided", "令和8年6月1日"), "決定日「令和8年6月1日」を読み取れません"),
        (("--revision", "   ", "--decided", "2026-06-01"), "改定名を入力してください"),
        (("--revision", "改" * 101, "--decided", "2026-06-01"), "改定名は100文字以内にしてください"),
        (("--decided", "2026-06-01"), "--decided は --revision（改定の名前）と一緒に指定してください"),
    ],
)
def test_bad_revision_arguments_are_refused_in_japanese(workbook, planner_user, args, message):
    with pytest.raises(CommandError, match=message):
        _run(str(workbook), "--user", planner_user.username, *args)
    assert not PlanRevision.objects.filter(number__gt=0).exists()


def test_revisions_follow_their_decision_dates_and_only_the_latest_takes_changes(workbook, tmp_path, planner_user):
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    earlier = ("--revision", "令和7年度改定", "--decided", "2025-12-01")
    with pytest.raises(CommandError, match="最新の改定「令和8年度改定」の決定日2026-06-01より前です"):
        _run(str(workbook), "--user", planner_user.username, *earlier)
    with pytest.raises(CommandError, match="改定「令和8年度改定」の決定日は2026-06-01です"):
        _run(str(workbook), "--user", planner_user.username, "--revision", "令和8年度改定", "--decided", "2026-07-01")
    # The same name again adds to the revision (here: 令和9年度 lowered to 155).
    again = tmp_path / "追加.xlsx"
    again.write_bytes(build.xlsx({"指標": [["コード", "名称", "令和9年度（2027年度）"], [TEENS, NAME, 155]]}))
    _run(str(again), "--user", planner_user.username, "--revision", "令和8年度改定")
    assert PlanRevision.objects.count() == 2
    assert TargetVersion.objects.get(revision__number=1, fiscal_year=2027).value == 155
    # 当初 may no longer be corrected once a later revision exists.
    with pytest.raises(CommandError, match="「当初」より後の改定「令和8年度改定」があるため"):
        _run(str(again), "--user", planner_user.username, "--revision", "当初")


@time_machine.travel(AFTER_2026, tick=False)
def test_the_planners_choice_to_regrade_is_logged_and_changes_earlier_years(planner_user, client, tmp_path):
    teens = Indicator.objects.get(code=TEENS)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        approve(teens, 2024, planner_user, {"": 136})
    raised = tmp_path / "r6.xlsx"
    raised.write_bytes(build.xlsx({"指標": [["コード", "名称", "令和6年度（2024年度）"], [TEENS, NAME, 140]]}))
    _run(str(raised), "--user", planner_user.username, *REVISION)
    assert _grades(_export(tmp_path)[TEENS])["2024"] == ("met", "graded", 102.2, 133)  # due before the revision
    client.force_login(planner_user)
    url = reverse("progress:revision", args=[1])
    response = client.post(url, {"regrade": "on", "reason": ""})
    assert response.status_code == 400 and "理由を入力してください。" in response.content.decode()
    client.post(url, {"regrade": "on", "reason": "議会の指摘により、令和6年度も改定後の目標で評価する"})
    assert _grades(_export(tmp_path)[TEENS])["2024"] == ("mostly", "graded", 97.1, 140)
    entry = AuditEntry.objects.filter(object_repr="令和8年度改定", action="change").get()
    assert entry.changes == {"承認済みの年度もこの改定の目標で評価し直す": [False, True]}
    assert entry.user == planner_user and entry.comment.startswith("議会の指摘")


def test_only_planners_change_the_regrading(viewer_user, client, planner_user, workbook):
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    client.force_login(viewer_user)
    url = reverse("progress:revision", args=[1])
    assert client.get(url).status_code == 200
    assert client.post(url, {"regrade": "on", "reason": "x"}).status_code == 403
    assert not PlanRevision.objects.get(number=1).regrade


def test_load_plan_again_keeps_the_revised_targets(workbook, planner_user):
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    entries = AuditEntry.objects.count()
    call_command("load_plan", stdout=io.StringIO())
    series = Series.objects.get(indicator__code=TEENS)
    assert series.targets.get(fiscal_year=2026).value == Decimal(150)
    assert series.targets.get(fiscal_year=2028).value == Decimal(170)
    assert AuditEntry.objects.count() == entries  # nothing to write: the printed plan is still 当初


def test_the_upload_page_asks_for_the_revision_and_previews_its_changes(workbook, planner_user, client):
    client.force_login(planner_user)
    data = workbook.read_bytes()

    def upload(**fields):
        post = {"file": SimpleUploadedFile(workbook.name, data), "sheet": "", **fields}
        return client.post(reverse("imports:upload"), post, follow=True)

    page = upload().content.decode()
    assert "どの改定（例：令和8年度改定）による変更かを指定してください" in page
    assert "改定（未指定）による目標・総量・現況値の変更（3件）" in page
    refused = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("x.xlsx", data), "revision": "改定"})
    assert refused.status_code == 400 and "新しい改定「改定」の決定日を指定してください" in refused.content.decode()

    response = upload(revision="令和8年度改定", decided="2026-06-01", revision_note="中間見直し")
    page = response.content.decode()
    assert "改定「令和8年度改定」による目標・総量・現況値の変更（3件）" in page
    assert "<del>139</del>" in page and "<ins>150</ins>" in page
    assert not PlanRevision.objects.filter(name="令和8年度改定").exists()  # created when confirmed
    token = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    client.post(reverse("imports:confirm", args=[token]), {"fingerprint": fingerprint})
    revision = PlanRevision.objects.get(name="令和8年度改定")
    assert (revision.decided, revision.note) == (datetime.date(2026, 6, 1), "中間見直し")
    assert revision.created_by == planner_user
    assert TargetVersion.objects.filter(revision=revision).count() == 3


@time_machine.travel(AFTER_2026, tick=False)
def test_stored_grades_and_the_dashboard_read_against_both_targets(workbook, reported, planner_user, client):
    approve(reported, 2026, planner_user, {"": 145})
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    stored = {
        grade.fiscal_year: (grade.target_revision, grade.target_value, grade.level)
        for grade in Grade.objects.filter(indicator=reported, relisted=False)
    }
    assert stored[2024] == ("当初", 133, "met")
    assert stored[2026] == ("令和8年度改定", 150, "mostly")

    client.force_login(planner_user)

    def measure_9(**query):
        response = client.get(reverse("progress:dashboard"), {"year": "2026", **query})
        rows = [row for goal in response.context["goals"] for row in goal["rows"]]
        return next(row for row in rows if row.measure.number == 9), response.content.decode()

    in_force, page = measure_9()
    assert (in_force.tally.counts["met"], in_force.tally.counts["mostly"]) == (0, 1)
    assert "当初目標で評価した参考の集計です" not in page
    original, page = measure_9(targets="original")
    assert (original.tally.counts["met"], original.tally.counts["mostly"]) == (1, 0)
    assert "当初目標で評価した参考の集計です" in page
    odd, page = measure_9(targets="<abc>")
    assert odd.tally.counts["mostly"] == 1 and "評価に用いる目標は一覧から選んでください" in page


def test_a_target_a_later_revision_took_away_keeps_its_history_in_the_export(workbook, tmp_path, planner_user):
    _run(str(workbook), "--user", planner_user.username, *REVISION)
    later = tmp_path / "実施計画_令和9年度改定.xlsx"
    later.write_bytes(build.xlsx({"指標": [["コード", "名称", "令和10年度（2028年度）"], [TEENS, NAME, None]]}))
    _run(str(later), "--user", planner_user.username, "--revision", "令和9年度改定", "--decided", "2027-06-01")
    assert not Series.objects.get(indicator__code=TEENS).targets.filter(fiscal_year=2028).exists()
    taken = _export(tmp_path)[TEENS]["targets"]["2028"]
    assert (taken["value"], taken["text"], taken["years"]) == (None, "", [])  # no target in force
    assert taken["history"] == [
        _entry("令和8年度改定", "2026-06-01", 170, 2028),
        {
            "revision": "令和9年度改定",
            "decided": "2027-06-01",
            "value": None,
            "text": "",
            "deferred_to": "",
            "years": [],
        },
    ]
    assert list(_export(tmp_path)[TEENS]["targets"]) == ["2024", "2025", "2026", "2027", "2028"]

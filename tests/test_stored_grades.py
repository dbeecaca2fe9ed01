"""Stored grades (indicators.models.Grade) are what a fresh evaluation says, after every kind of write.

Each step below changes an input of the evaluation the way people do — the entry screen's save and each review
step, the section grid, a file of actuals, a plan file, `load_plan`, the admin (a target, a series, a 【再掲】),
a confirmed baseline, the thresholds and the active scheme, a deadline — and then every stored row is compared
with a fresh `Evaluator` run on the whole plan, for every year of the plan, in every measure the indicator is
printed in. Time passing (a deadline going by) changes the status read, not the rows.

Targets from the printed plan (第4章 基本目標1 推進施策1 めざす姿1 行動量 1-③ 研修の実施及び動画公開): 令和６年度
５回, 現況値 ３回.
"""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_FLOOR, Decimal
from io import StringIO

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from bench.plan_data import approve
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report, set_deadline
from indicators.evaluation import Evaluator, activate_scheme, confirm_baseline, refresh_grades, update_scheme
from indicators.importing import flat
from indicators.importing.preview import apply_upload
from indicators.models import Grade, GradingScheme, Indicator, Relisting, Report, Series
from indicators.progress.overview import SHORTFALL, all_indicators, dashboard_goals, evaluated_goals, tally_of
from indicators.progress.pages import measure_context
from measures.models import Plan, Vision
from setagaya_plan.core import review
from setagaya_plan.core.fiscal_years import plan_years
from tests.admin_forms import unchanged_post_data
from tests.import_files import build

pytestmark = pytest.mark.django_db

TRAINING = "G1-M01-V1-A3"  # 研修の実施及び動画公開: 令和6年度 5回
EVACUATION = "G1-M10-V1-O5"  # 個別避難計画作成数 a) / b)
HOUSING = "G1-M05-V1-A1"  # お部屋探しサポートの利用相談者数
MAY_2025 = datetime.date(2025, 5, 1)  # before 令和6年度's deadline (30 June 2025)


def _rate(rate: Decimal | None) -> Decimal | None:
    if rate is None or not rate.is_finite():
        return None
    return rate.quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)


def fresh(today: datetime.date) -> dict:
    indicators = list(Indicator.objects.with_structure())
    evaluator = Evaluator(indicators, today=today)
    expected = {}
    for indicator in indicators:
        for year in plan_years():
            grade = evaluator.grade(indicator, year)
            for index, measure in enumerate(indicator.listed_measures()):
                expected[(indicator.code, measure.pk, year)] = {
                    "relisted": index > 0,
                    "state": grade.status,
                    "key": grade.key,
                    "counts_as_met": grade.is_met,
                    "needs_attention": grade.needs_attention,
                    "regressed": grade.is_graded and grade.regressed,
                    "misses_target": grade.misses_target,
                    "due": grade.due,
                    "approved": grade.approved,
                    "achievement": _rate(grade.achievement),
                    "progress": _rate(grade.progress),
                    "pace": _rate(grade.pace),
                    "target_value": grade.target_value,
                }
    return expected


def stored(today: datetime.date) -> dict:
    fields = [
        "relisted",
        "state",
        "key",
        "counts_as_met",
        "needs_attention",
        "regressed",
        "misses_target",
        "due",
        "approved",
        "achievement",
        "progress",
        "pace",
        "target_value",
    ]
    rows = Grade.objects.as_of(today).values("indicator__code", "measure_id", "fiscal_year", *fields)
    return {
        (row["indicator__code"], row["measure_id"], row["fiscal_year"]): {f: row[f] for f in fields} for row in rows
    }


def assert_fresh(step: str, today: datetime.date = MAY_2025) -> None:
    expected, found = fresh(today), stored(today)
    assert found.keys() == expected.keys(), step
    wrong = {key: (found[key], expected[key]) for key in expected if found[key] != expected[key]}
    assert not wrong, f"{step}: {list(wrong.items())[:3]}"


def grade_of(code: str, year: int = 2024, today: datetime.date = MAY_2025) -> dict:
    return (
        Grade.objects.as_of(today)
        .own()
        .values("key", "needs_attention", "achievement")
        .get(indicator__code=code, fiscal_year=year)
    )


@pytest.fixture
def admin_client(client, planner_user):
    planner_user.is_staff = planner_user.is_superuser = True
    planner_user.save()
    client.force_login(planner_user)
    return client


def _admin_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _post_admin(admin_client, model, pk, **changes) -> None:
    url = _admin_url(model, pk)
    data = unchanged_post_data(admin_client.get(url))
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@time_machine.travel(datetime.datetime(2025, 5, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_stored_grades_follow_every_kind_of_write(
    client, section, entry_user, approver_user, planner_user, admin_client
):
    assert_fresh("the loaded plan")
    training = Indicator.objects.get(code=TRAINING)
    assert grade_of(TRAINING)["key"] == "pending"

    # The entry screen's save, then each review step.
    report = approve(training, 2024, entry_user, {"": 3}, submit=False)
    assert_fresh("a draft")
    report = review.submit(REPORT_REVIEW, report, entry_user, report.version)
    assert_fresh("submitted")
    report = review.approve(REPORT_REVIEW, report, approver_user, report.version)
    assert_fresh("approved")
    assert grade_of(TRAINING)["key"] == "not_met" and grade_of(TRAINING)["needs_attention"]
    report = review.reopen(REPORT_REVIEW, report, planner_user, report.version, "集計を見直すため")
    assert_fresh("reopened")
    assert grade_of(TRAINING)["key"] == "pending"
    report = save_report(
        indicator=training,
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=report.version,
    )
    report = review.submit(REPORT_REVIEW, report, entry_user, report.version)
    review.send_back(REPORT_REVIEW, report, approver_user, report.version, "根拠資料を添付してください")
    assert_fresh("returned")

    # The section grid (the grid posts every changed row; each is saved through the workflow).
    client.force_login(entry_user)
    evacuation = Indicator.objects.get(code=EVACUATION)
    part_a = evacuation.series.get(key="a")
    prefix = f"r{evacuation.pk}"
    grid = f"{reverse('entry:grid')}?section={section.pk}&year=2024"
    data = {f"{prefix}-version": 0, f"{prefix}-comment": "", f"{prefix}-orig_comment": ""}
    data.update({f"{prefix}-actual_{part_a.pk}": "58", f"{prefix}-orig_actual_{part_a.pk}": ""})
    assert client.post(grid, data).status_code in (200, 302)
    assert Report.objects.filter(indicator=evacuation, fiscal_year=2024).exists()
    assert_fresh("the grid")

    # A file of actuals, applied by a planner (approved reports are not touched by it here).
    apply_upload(
        "実績.xlsx",
        build.xlsx({"実績": [["コード", "年度", "実績", "コメント"], [HOUSING, 2024, 150, None]]}),
        user=planner_user,
    )
    assert Report.objects.filter(indicator__code=HOUSING, fiscal_year=2024).exists()
    approve(Indicator.objects.get(code=HOUSING), 2024, planner_user, {"": 150}, approver=approver_user)
    assert_fresh("a file of actuals, then approved")

    # A plan file changing a target, then load_plan putting the printed one back.
    rows = list(build_rows(flat.template_xlsx(with_data=True)))
    header = rows[0]
    for record in rows[1:]:
        if record[header.index("コード")] == HOUSING:
            record[header.index("令和6年度（2024年度）")] = 100
    # (a correction of the printed plan's transcription: revision 当初, which load_plan owns)
    apply_upload("plan.xlsx", build.xlsx({"指標": rows}), user=planner_user, revision="当初")
    assert grade_of(HOUSING)["key"] == "met"
    assert_fresh("a plan file")
    call_command("load_plan", stdout=StringIO())
    assert grade_of(HOUSING)["key"] != "met"
    assert_fresh("load_plan")

    # The admin: a target, a series' baseline, a new 【再掲】.
    admin_client.force_login(planner_user)
    target = training.series.get().targets.get(fiscal_year=2024)
    _post_admin(admin_client, type(target), target.pk, value="3", revision="令和8年度改定", decided="2026-06-01")
    assert_fresh("a target in the admin")
    series = Series.objects.get(indicator__code=HOUSING)
    _post_admin(admin_client, Series, series.pk, baseline_value="400", revision="令和8年度改定")
    assert_fresh("a series in the admin")
    elsewhere = Vision.objects.exclude(measure=training.vision.measure).exclude(relistings__indicator=training)[0]
    Relisting.objects.create(indicator=training, vision=elsewhere, number="9-⑨", position=99)
    relisting = Relisting.objects.get(indicator=training, vision=elsewhere)
    _post_admin(admin_client, Relisting, relisting.pk, number="9-⑧")
    assert Grade.objects.filter(indicator=training, measure=elsewhere.measure, relisted=True).exists()
    assert_fresh("a 【再掲】 in the admin")

    # The plan's period, shortened in the admin: no grade is kept for a year outside it.
    plan = Plan.objects.get()
    _post_admin(admin_client, Plan, plan.pk, end_fiscal_year="2029")
    assert not Grade.objects.filter(fiscal_year__gt=2029).exists()
    assert_fresh("the plan's period in the admin")

    # A confirmed baseline, the thresholds, the active scheme.
    confirm_baseline(series, Decimal(100), "令和5年度実績（確定値）", "決算で確定", planner_user)
    assert_fresh("a confirmed baseline")
    default = GradingScheme.objects.get(code="default")
    update_scheme(default, {"met": Decimal(95), "mostly": Decimal(50)}, Decimal(2), planner_user, "見直し")
    assert_fresh("thresholds")
    activate_scheme(GradingScheme.objects.get(code="pace"), planner_user, "進み具合で評価する")
    assert_fresh("another scheme")

    # A deadline: 令和6年度's actuals now due on 1 April 2025, so what waits for them is 未入力.
    set_deadline(2024, planner_user, datetime.date(2025, 4, 1))
    assert_fresh("a deadline")
    assert grade_of(EVACUATION)["key"] == "missing"


def build_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[flat.TEMPLATE_SHEET]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_deadline_passing_changes_the_status_read_not_the_rows():
    before = list(Grade.objects.order_by("pk").values())
    assert grade_of(TRAINING, today=datetime.date(2025, 6, 30))["key"] == "pending"
    assert grade_of(TRAINING, today=datetime.date(2025, 7, 1))["key"] == "missing"
    assert_fresh("after the deadline", today=datetime.date(2025, 7, 1))
    assert list(Grade.objects.order_by("pk").values()) == before


def test_regrade_rebuilds_every_row(planner_user):
    Grade.objects.all().delete()
    out = StringIO()
    call_command("regrade", if_empty=True, stdout=out)
    assert "評価を作り直しました" in out.getvalue()
    assert_fresh("regrade")
    out = StringIO()
    call_command("regrade", if_empty=True, stdout=out)
    assert out.getvalue() == ""  # grades exist: nothing to do


def test_a_refresh_rewrites_only_the_grades_that_change(planner_user, approver_user):
    before = dict(Grade.objects.values_list("pk", "indicator__code"))
    refresh_grades()
    assert dict(Grade.objects.values_list("pk", "indicator__code")) == before  # nothing changed, nothing written
    approve(Indicator.objects.get(code=TRAINING), 2024, planner_user, {"": 5}, approver=approver_user)
    after = dict(Grade.objects.values_list("pk", "indicator__code"))
    rewritten = {before[pk] for pk in set(before) - set(after)}
    assert rewritten == {TRAINING}
    assert_fresh("one approval")


def test_the_dashboard_counted_by_the_database_is_the_one_graded_in_python(planner_user, approver_user):
    approve(Indicator.objects.get(code=TRAINING), 2024, planner_user, {"": 3}, approver=approver_user)
    approve(Indicator.objects.get(code="G1-M09-V1-A1"), 2024, planner_user, {"": 140}, approver=approver_user)
    today = MAY_2025
    indicators = list(all_indicators())
    evaluator = Evaluator(indicators, today=today)
    stored_total, stored_goals = dashboard_goals(2024, evaluator.scheme, today, order=SHORTFALL)
    live_total, live_goals = evaluated_goals(indicators, evaluator, 2024, order=SHORTFALL)
    assert stored_total == live_total
    for stored_goal, live_goal in zip(stored_goals, live_goals, strict=True):
        assert stored_goal["tally"] == live_goal["tally"]
        assert [(r.measure.pk, r.tally, r.verdict) for r in stored_goal["rows"]] == [
            (r.measure.pk, r.tally, r.verdict) for r in live_goal["rows"]
        ]
        assert [[f.indicator.code for f in r.flagged] for r in stored_goal["rows"]] == [
            [f.indicator.code for f in r.flagged] for r in live_goal["rows"]
        ]
    assert stored_goals[0]["rows"][0].verdict == "behind"
    # The measure page's summary is the dashboard's line, and the Python roll-up of the indicators printed there.
    for row in (row for goal in stored_goals for row in goal["rows"]):
        shown = measure_context(row.measure, 2024, today, lambda indicator: False)["rollup"]
        listed = list(Indicator.objects.listed_under(row.measure))
        assert shown == row.tally == tally_of(evaluator.rollup(listed, 2024))

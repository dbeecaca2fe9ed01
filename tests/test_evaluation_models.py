"""Evaluation on the loaded plan: shipped schemes, approved actuals through the workflow, confirmed baselines,
scheme settings and the fixed number of queries. Values come from the printed plan (comments quote it)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction

from bench.plan_data import approve
from indicators.entry.workflow import set_deadline
from indicators.evaluation import (
    EvaluationError,
    Evaluator,
    Status,
    activate_scheme,
    active_scheme,
    confirm_baseline,
    install_shipped_schemes,
    update_scheme,
)
from indicators.models import ConfirmedBaseline, GradeLevel, GradingScheme, Indicator, Series
from setagaya_plan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC)
TRAINING = "G1-M01-V1-A3"  # 推進施策1 行動量3 研修: １回 → ５回 each year
EVACUATION = "G1-M10-V1-O5"  # 推進施策10 成果指標5 個別避難計画作成数 a)/b)
WEB_MAP = "G1-M02-V1-A2"  # 推進施策2 行動量2 在宅療養資源マップのWeb運用: 一部運用 → 全面運用 …
VISITS = "G1-M01-V4-A2"  # 推進施策1 行動量2 地域資源開発における団体訪問件数, 【再掲】 in 推進施策9


@pytest.fixture
def planner():
    return get_user_model().objects.create_superuser("planner", "p@example.jp", "pw")


def evaluator_for(*codes, **kwargs) -> tuple[Evaluator, dict[str, Indicator]]:
    indicators = list(Indicator.objects.with_structure().filter(code__in=codes))
    return Evaluator(indicators, today=datetime.date(2025, 9, 1), **kwargs), {i.code: i for i in indicators}


def test_migration_ships_three_schemes_the_default_active():
    schemes = list(GradingScheme.objects.with_levels())
    assert [s.code for s in schemes] == ["default", "five_level", "pace"]
    assert [s.code for s in schemes if s.is_active] == ["default"]
    levels = {s.code: [(level.label, level.min_rate) for level in s.levels.all()] for s in schemes}
    assert levels["default"] == [("達成", Decimal(100)), ("概ね達成", Decimal(80)), ("未達成", None)]
    assert [label for label, _ in levels["five_level"]] == [
        "目標を大きく上回って達成",
        "目標を上回って達成",
        "目標をほぼ達成",
        "目標を下回った",
        "目標を大きく下回った",
    ]
    assert [label for label, _ in levels["pace"]] == ["順調", "概ね順調", "やや遅れている", "遅れている"]
    assert GradingScheme.objects.get(code="pace").basis == "pace"
    assert GradingScheme.objects.get(code="default").survey_tolerance == Decimal(3)


def test_only_one_scheme_is_active():
    with pytest.raises(IntegrityError), transaction.atomic():
        GradingScheme.objects.filter(code="pace").update(is_active=True)


def test_without_stored_schemes_the_shipped_default_grades_and_can_be_installed(planner):
    GradeLevel.objects.all().delete()
    AuditEntry.objects.all().delete()
    GradingScheme.objects.all().delete()
    assert active_scheme().code == "default" and active_scheme().levels[0].label == "達成"
    created = install_shipped_schemes(planner)
    assert [s.code for s in created] == ["default", "five_level", "pace"]
    assert install_shipped_schemes(planner) == []  # idempotent
    assert GradingScheme.objects.get(is_active=True).code == "default"
    assert AuditEntry.objects.filter(action="install").count() == 3


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_only_approved_actuals_are_graded(planner):
    training = Indicator.objects.get(code=TRAINING)
    approve(training, 2024, planner, {"": 3}, submit=False)  # a draft: 3 of 5
    evaluator, found = evaluator_for(TRAINING)
    official = evaluator.grade(found[TRAINING], 2024)
    assert official.status == Status.MISSING and official.due and not official.approved
    provisional = evaluator.provisional(found[TRAINING], 2024)
    assert provisional.level.label == "未達成" and provisional.provisional

    approve(training, 2024, planner, {"": 3})
    evaluator, found = evaluator_for(TRAINING)
    grade = evaluator.grade(found[TRAINING], 2024)
    assert grade.level.label == "未達成" and grade.approved and grade.achievement == Decimal(60)
    assert evaluator.provisional(found[TRAINING], 2024) is None


@time_machine.travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), tick=False)
def test_missing_follows_the_deadline_set_by_planners(planner):
    evaluator, found = evaluator_for(TRAINING)
    evaluator = Evaluator(list(found.values()))
    assert evaluator.grade(found[TRAINING], 2024).status == Status.PENDING  # before 30 June 2025
    set_deadline(2024, planner, datetime.date(2025, 5, 31))
    evaluator = Evaluator(list(found.values()))
    assert evaluator.grade(found[TRAINING], 2024).status == Status.MISSING


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_text_target_takes_the_approved_self_assessment(planner):
    approve(Indicator.objects.get(code=WEB_MAP), 2024, planner, {"": "一部運用を開始した"}, self_grade="mostly")
    evaluator, found = evaluator_for(WEB_MAP)
    grade = evaluator.grade(found[WEB_MAP], 2024)
    assert grade.level.label == "概ね達成" and grade.series[0].by_self_grade


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_sub_series_from_the_database(planner):
    # a) 66 of 60 → 達成, b) 600 of 640 → 93.75% 概ね達成 → the indicator: 概ね達成
    approve(Indicator.objects.get(code=EVACUATION), 2024, planner, {"a": 66, "b": 600})
    evaluator, found = evaluator_for(EVACUATION)
    grade = evaluator.grade(found[EVACUATION], 2024)
    assert [(s.key, s.level.label) for s in grade.series] == [("a", "達成"), ("b", "概ね達成")]
    assert grade.level.label == "概ね達成"


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_confirmed_baseline_recomputes_grades_and_is_logged(planner):
    # The printed baselines a) 340 / b) 3,200 (令和5年度見込み) are counts to date; against the yearly 66 and 600
    # every year looks like 後退. The planner records the confirmed yearly counts: a) 55, b) 590.
    indicator = Indicator.objects.get(code=EVACUATION)
    approve(indicator, 2024, planner, {"a": 66, "b": 600})
    part_a = Series.objects.get(indicator=indicator, key="a")
    part_b = Series.objects.get(indicator=indicator, key="b")
    assert confirm_baseline(part_a, Decimal(55), "令和5年度実績（確定値）", "年間の作成数に修正", planner) == []
    changes = confirm_baseline(part_b, Decimal(590), "令和5年度実績（確定値）", "年間の作成数に修正", planner)
    assert [c.summary for c in changes] == ["令和6年度（2024年度）：概ね達成・後退 → 概ね達成"]

    confirmed = ConfirmedBaseline.objects.get(series=part_a)
    assert (confirmed.value, confirmed.note) == (Decimal(55), "令和5年度実績（確定値）")
    logged = AuditEntry.objects.for_subject(confirmed).get()
    assert (logged.action, logged.user, logged.comment) == ("baseline", planner, "年間の作成数に修正")
    assert logged.changes == {
        "多摩川洪水浸水想定区域内の現況値": ["340", "55"],
        "時点": ["令和5年度見込み", "令和5年度実績（確定値）"],
    }
    evaluator, found = evaluator_for(EVACUATION)
    grade = evaluator.grade(found[EVACUATION], 2024)
    assert not grade.regressed
    # 進捗率 a): (66 − 55) ÷ (60 − 55) = 220%
    assert grade.series[0].progress == Decimal(220)
    # The printed plan stays as printed, and load_plan leaves the confirmation alone.
    part_a.refresh_from_db()
    assert part_a.baseline_value == Decimal(340)
    call_command("load_plan", verbosity=0)
    assert ConfirmedBaseline.objects.count() == 2


def test_confirmed_baseline_needs_a_reason(planner):
    series = Series.objects.get(indicator__code=TRAINING)
    with pytest.raises(EvaluationError, match="理由を入力"):
        confirm_baseline(series, Decimal(2), "", "  ", planner)
    assert not ConfirmedBaseline.objects.exists()


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_switching_scheme_and_thresholds_regrades_and_is_logged(planner):
    approve(Indicator.objects.get(code=TRAINING), 2024, planner, {"": 3})  # 60%
    evaluator, found = evaluator_for(TRAINING)
    assert evaluator.grade(found[TRAINING], 2024).level.label == "未達成"

    five = GradingScheme.objects.get(code="five_level")
    activate_scheme(five, planner, "中間見直しに合わせる")
    evaluator, found = evaluator_for(TRAINING)
    assert evaluator.grade(found[TRAINING], 2024).level.label == "目標を下回った"  # 50% ≤ 60% < 80%

    changes = update_scheme(
        five,
        {"far_above": Decimal(120), "above": Decimal(100), "nearly": Decimal(60), "below": Decimal(40)},
        Decimal("2.5"),
        planner,
        "区の評価基準に合わせる",
    )
    assert changes == {
        "目標をほぼ達成のしきい値": ["80", "60"],
        "目標を下回ったのしきい値": ["50", "40"],
        "割合の許容幅": ["3", "2.5"],
    }
    evaluator, found = evaluator_for(TRAINING)
    assert evaluator.grade(found[TRAINING], 2024).level.label == "目標をほぼ達成"
    log = AuditEntry.objects.filter(action__in=["activate", "thresholds"]).order_by("at", "pk")
    assert list(log.values_list("action", "comment", "object_repr")) == [
        ("activate", "中間見直しに合わせる", five.name),
        ("thresholds", "区の評価基準に合わせる", five.name),
    ]


def test_thresholds_must_fall_from_the_best_level(planner):
    default = GradingScheme.objects.get(code="default")
    with pytest.raises(EvaluationError, match="上の段階ほど大きく"):
        update_scheme(default, {"met": Decimal(80), "mostly": Decimal(90)}, Decimal(3), planner)
    assert [level.min_rate for level in default.levels.all()] == [Decimal(100), Decimal(80), None]


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_relisted_indicator_counts_in_both_measures_and_once_in_the_goal(planner):
    # 地域資源開発における団体訪問件数: 6,358件（令和5年度見込み） → 6,600 in 令和6年度; printed in 推進施策1 and 9.
    approve(Indicator.objects.get(code=VISITS), 2024, planner, {"": 6700})
    indicators = list(Indicator.objects.with_structure())
    evaluator = Evaluator(indicators, today=datetime.date(2025, 9, 1))
    listed_9 = [i for i in indicators if any(m.number == 9 for m in i.listed_measures())]
    listed_1 = [i for i in indicators if any(m.number == 1 for m in i.listed_measures())]
    assert evaluator.rollup(listed_9, 2024).met == 1 and evaluator.rollup(listed_1, 2024).met == 1
    assert evaluator.rollup(listed_1 + listed_9, 2024, unique=True).met == 1


def test_evaluator_runs_a_fixed_number_of_queries(planner, django_assert_num_queries):
    approve(Indicator.objects.get(code=TRAINING), 2024, planner, {"": 5})
    approve(Indicator.objects.get(code=EVACUATION), 2024, planner, {"a": 60, "b": 640})
    indicators = list(Indicator.objects.with_structure())
    # reports, their actuals, confirmed baselines, year settings, the active scheme and its levels, and the values
    # each revision of the 実施計画 set (targets; 現況値 and 総量)
    with django_assert_num_queries(8):
        evaluator = Evaluator(indicators, today=datetime.date(2025, 9, 1))
        for indicator in indicators:
            for year in range(2024, 2028):
                evaluator.grade(indicator, year)

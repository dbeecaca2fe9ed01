"""indicators.entry.workflow on the review workflow of setagaya_plan.core.review: the only path that changes
actuals — states, locks, versions and the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from indicators.entry.workflow import (
    REPORT_REVIEW,
    SeriesValue,
    missing_for_submission,
    save_report,
    set_deadline,
    set_year_lock,
)
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting
from setagaya_plan.core.review import ReviewError, VersionConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("staff", password="pw")


@pytest.fixture
def approver():
    return get_user_model().objects.create_user("approver", password="pw")


def training():
    # 推進施策1 行動量3 地域包括ケアの地区展開に関する研修の実施及び動画公開: target 5回 each year.
    return Indicator.objects.get(code="G1-M01-V1-A3")


def save(indicator, user, value, version=None, **fields):
    return save_report(
        indicator=indicator,
        fiscal_year=2024,
        user=user,
        values={"": SeriesValue(None if value is None else Decimal(value))},
        fields=fields,
        expected_version=version,
    )


def test_full_cycle_is_audited_step_by_step(staff, approver):
    report = save(training(), staff, "5")
    assert report.status == Report.Status.DRAFT and report.version == 1
    report = save(training(), staff, "6", version=1)
    report = review.submit(REPORT_REVIEW, report, staff, report.version)
    report = review.send_back(REPORT_REVIEW, report, approver, report.version, "研修の回数の根拠を添えてください")
    assert report.status == Report.Status.RETURNED
    report = save(training(), staff, "6", version=report.version, comment="回数は研修記録のとおりです")
    report = review.submit(REPORT_REVIEW, report, staff, report.version)
    report = review.approve(REPORT_REVIEW, report, approver, report.version)
    assert report.status == Report.Status.APPROVED and report.approved_at

    log = list(AuditEntry.objects.for_subject(report).order_by("at", "pk"))
    assert [entry.action for entry in log] == ["create", "edit", "submit", "return", "edit", "submit", "approve"]
    assert [entry.user.username for entry in log] == [
        "staff",
        "staff",
        "staff",
        "approver",
        "staff",
        "staff",
        "approver",
    ]
    assert log[0].changes == {"実績": [None, "5"]}
    assert log[1].changes == {"実績": ["5", "6"]}
    assert log[3].comment == "研修の回数の根拠を添えてください"
    assert log[4].changes == {"確認コメント（庁内）": ["", "回数は研修記録のとおりです"]}


def test_two_saves_from_the_same_version_the_second_is_refused(staff, approver):
    report = save(training(), staff, "5")
    first = save(training(), staff, "6", version=report.version)
    with pytest.raises(VersionConflict) as conflict:
        save(training(), approver, "7", version=report.version)
    assert "staffさんが" in str(conflict.value) and "先に保存しました" in str(conflict.value)
    assert conflict.value.record.actuals.get().value == Decimal("6")  # the other person's value, to show
    first.refresh_from_db()
    assert first.actuals.get().value == Decimal("6") and first.version == 2
    assert AuditEntry.objects.for_subject(first).count() == 2


def test_two_new_reports_at_once_the_second_is_refused(staff, approver):
    """Both opened an empty form (version 0); the first save creates the report, the second must not overwrite it."""
    save_report(
        indicator=training(), fiscal_year=2024, user=staff, values={"": SeriesValue(Decimal(5))}, expected_version=0
    )
    with pytest.raises(VersionConflict):
        save_report(
            indicator=training(),
            fiscal_year=2024,
            user=approver,
            values={"": SeriesValue(Decimal(7))},
            expected_version=0,
        )
    assert Report.objects.get(indicator=training()).actuals.get().value == Decimal(5)


def test_missing_the_target_needs_why_and_what_next_before_submitting(staff):
    report = save(training(), staff, "3")
    assert missing_for_submission(report) == ["要因分析（目標に届かなかった理由）", "今後の方向性"]
    with pytest.raises(ReviewError, match="提出する前に入力してください：要因分析"):
        review.submit(REPORT_REVIEW, report, staff, report.version)
    report = save(
        training(),
        staff,
        "3",
        version=report.version,
        factor_analysis="講師の確保が遅れた",
        next_steps="年度当初に講師を確保する",
    )
    assert review.submit(REPORT_REVIEW, report, staff, report.version).status == Report.Status.SUBMITTED


def test_downward_indicator_misses_its_target_when_above_it(staff):
    # 孤立していると思われる区民の割合: aims down, 13.5% in 令和6年度.
    indicator = Indicator.objects.get(code="G1-M01-V3-O1")
    assert missing_for_submission(save(indicator, staff, "13.0")) == []
    assert "今後の方向性" in missing_for_submission(save(indicator, staff, "14.0", version=1))


def test_text_target_needs_a_self_assessment(staff):
    # 推進施策2 行動量2 在宅療養資源マップのWeb運用: 令和6年度 一部運用.
    indicator = Indicator.objects.get(code="G1-M02-V1-A2")
    report = save_report(
        indicator=indicator,
        fiscal_year=2024,
        user=staff,
        values={"": SeriesValue(text="一部運用を開始")},
        expected_version=None,
    )
    assert missing_for_submission(report) == ["自己評価"]
    report = save_report(
        indicator=indicator,
        fiscal_year=2024,
        user=staff,
        values={},
        fields={"self_grade": "met"},
        expected_version=report.version,
    )
    assert missing_for_submission(report) == []


def test_parts_each_need_their_actual(staff):
    # 個別避難計画作成数 a) and b).
    indicator = Indicator.objects.get(code="G1-M10-V1-O5")
    report = save_report(
        indicator=indicator, fiscal_year=2024, user=staff, values={"a": SeriesValue(Decimal(60))}, expected_version=None
    )
    assert missing_for_submission(report) == ["多摩川洪水浸水想定区域以外の実績"]


def test_deferred_year_expects_no_actual(staff):
    # 認知症高齢者グループホームの定員数: 令和9年度 is left to 第10期.
    indicator = Indicator.objects.get(code="G1-M05-V2-O1-1")
    report = save_report(indicator=indicator, fiscal_year=2027, user=staff, values={}, expected_version=None)
    assert missing_for_submission(report) == []


def test_staff_cannot_edit_submitted_or_approved(staff, approver):
    report = save(training(), staff, "5")
    report = review.submit(REPORT_REVIEW, report, staff, report.version)
    with pytest.raises(ReviewError, match="提出済の実績は変更できません"):
        save(training(), staff, "6", version=report.version)
    report = review.approve(REPORT_REVIEW, report, approver, report.version)
    with pytest.raises(ReviewError, match="承認済の実績は変更できません"):
        save(training(), staff, "6", version=report.version)
    assert report.actuals.get().value == Decimal(5)


def test_return_needs_a_reason_and_only_from_submitted(staff, approver):
    report = save(training(), staff, "5")
    with pytest.raises(ReviewError, match="提出済の実績だけが差し戻せます"):
        review.send_back(REPORT_REVIEW, report, approver, report.version, "理由")
    report = review.submit(REPORT_REVIEW, report, staff, report.version)
    with pytest.raises(ReviewError, match="差戻しの理由を入力してください"):
        review.send_back(REPORT_REVIEW, report, approver, report.version, "  ")
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_planner_reopens_an_approved_report(staff, approver):
    report = review.approve(
        REPORT_REVIEW, review.submit(REPORT_REVIEW, save(training(), staff, "5"), staff, 1), approver, 2
    )
    report = review.reopen(REPORT_REVIEW, report, approver, report.version, "実績の集計方法を見直したため")
    assert report.status == Report.Status.RETURNED and report.approved_at is None
    assert (
        AuditEntry.objects.for_subject(report).filter(action="reopen").get().comment == "実績の集計方法を見直したため"
    )


def test_locked_year_refuses_every_change(staff, approver):
    report = save(training(), staff, "5")
    set_year_lock(2024, approver, True, "令和6年度の実績を確定")
    with pytest.raises(ReviewError, match="令和6年度（2024年度）は締め切られているため変更できません"):
        save(training(), staff, "6", version=report.version)
    with pytest.raises(ReviewError, match="締め切られている"):
        review.submit(REPORT_REVIEW, report, staff, report.version)
    assert report.actuals.get().value == Decimal(5)
    lock = AuditEntry.objects.filter(action="lock", fiscal_year=2024).get()
    assert (lock.user, lock.object_repr, lock.changes) == (approver, "令和6年度（2024年度）", {"締切": [False, True]})
    set_year_lock(2024, approver, False)
    assert save(training(), staff, "6", version=report.version).actuals.get().value == Decimal(6)


def test_deadline_defaults_to_30_june_and_changes_are_logged(approver):
    assert FiscalYearSetting.for_year(2024).deadline == datetime.date(2025, 6, 30)
    set_deadline(2024, approver, datetime.date(2025, 7, 31))
    assert FiscalYearSetting.for_year(2024).deadline == datetime.date(2025, 7, 31)
    entry = AuditEntry.objects.get(action="deadline")
    assert entry.changes == {"提出期限": ["2025-06-30", "2025-07-31"]}


def test_saving_nothing_new_writes_no_log(staff):
    report = save(training(), staff, "5")
    save(training(), staff, "5", version=report.version)
    assert AuditEntry.objects.for_subject(report).count() == 1
    assert Report.objects.get(pk=report.pk).version == 1


def test_unknown_part_is_refused(staff):
    with pytest.raises(ReviewError, match="この指標にない内訳です：z"):
        save_report(
            indicator=training(),
            fiscal_year=2024,
            user=staff,
            values={"z": SeriesValue(Decimal(1))},
            expected_version=None,
        )
    assert not Report.objects.exists()

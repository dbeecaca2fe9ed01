"""consultations.workflow: the one audited path that changes consultation counts."""

from __future__ import annotations

import pytest

from consultations.models import (
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountReport,
    District,
    WindowType,
)
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from indicators.entry.workflow import set_year_lock
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry
from setagaya_plan.core.review import ReviewError, VersionConflict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]


@pytest.fixture
def ikejiri() -> Place:
    return Place(district=District.objects.get(code="ikejiri"))


def window(name: str) -> WindowType:
    return WindowType.objects.get(name=name)


def category(name: str) -> Category:
    return Category.objects.get(name=name)


def test_first_save_creates_the_report_at_version_1_and_logs_every_cell(ikejiri, entry_user):
    report = save_counts(
        place=ikejiri,
        fiscal_year=2024,
        month=5,
        user=entry_user,
        values={(window("まちづくりセンター"), category("高齢")): 12, (window("児童館"), category("不登校")): 0},
        expected_version=None,
    )
    assert (report.district.code, report.fiscal_year, report.month, report.version) == ("ikejiri", 2024, 5, 1)
    assert report.status == CountReport.Status.DRAFT
    assert report.updated_by == entry_user
    assert sorted(report.counts.values_list("count", flat=True)) == [0, 12]
    change = AuditEntry.objects.for_subject(report).get()
    assert change.action == AuditEntry.Action.CREATE
    assert change.user == entry_user
    assert change.source == "グリッド"  # the counts grid, as the section grid of actuals
    assert change.changes == {"まちづくりセンター・高齢": [None, 12], "児童館・不登校": [None, 0]}


def test_editing_logs_old_and_new_and_clearing_a_cell_deletes_it(ikejiri, entry_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    other = (window("社会福祉協議会"), category("障害"))
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 12, other: 3}, expected_version=None
    )
    report = save_counts(
        place=ikejiri,
        fiscal_year=2024,
        month=5,
        user=entry_user,
        values={cell: 15, other: None},
        expected_version=1,
        comment="集計漏れを訂正",
    )
    assert report.version == 2
    assert list(report.counts.values_list("count", flat=True)) == [15]
    change = AuditEntry.objects.for_subject(report).first()
    assert change.action == AuditEntry.Action.EDIT
    assert change.changes == {"まちづくりセンター・高齢": [12, 15], "社会福祉協議会・障害": [3, None]}
    assert change.comment == "集計漏れを訂正"


def test_saving_the_same_values_writes_nothing(ikejiri, entry_user):
    values = {(window("まちづくりセンター"), category("高齢")): 12}
    save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values=values, expected_version=None)
    report = save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values=values, expected_version=1)
    assert report.version == 1
    assert AuditEntry.objects.for_subject(report).count() == 1


def test_an_empty_grid_creates_no_report(ikejiri, entry_user):
    values = {(window("まちづくりセンター"), category("高齢")): None}
    assert (
        save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values=values, expected_version=None)
        is None
    )
    assert not CountReport.objects.exists()


def test_two_people_editing_the_same_month_do_not_overwrite_each_other(ikejiri, entry_user, planner_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 1}, expected_version=None)
    save_counts(place=ikejiri, fiscal_year=2024, month=5, user=planner_user, values={cell: 2}, expected_version=1)
    with pytest.raises(VersionConflict, match="plannerさんが"):
        save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 3}, expected_version=1)
    assert ConsultationCount.objects.get().count == 2
    # A grid opened before anyone created the month is also stale once someone has.
    with pytest.raises(VersionConflict):
        save_counts(place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 3}, expected_version=0)


def test_submit_approve_return_and_reopen(ikejiri, entry_user, approver_user, planner_user):
    cell = (window("あんしんすこやかセンター"), category("認知症"))
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=6, user=entry_user, values={cell: 7}, expected_version=None
    )
    report = review.submit(COUNT_REVIEW, report, entry_user, report.version)
    assert report.status == CountReport.Status.SUBMITTED and report.submitted_at
    with pytest.raises(ReviewError, match="提出済の件数は変更できません"):
        save_counts(
            place=ikejiri, fiscal_year=2024, month=6, user=entry_user, values={cell: 8}, expected_version=report.version
        )
    with pytest.raises(ReviewError, match="差戻しの理由を入力してください"):
        review.send_back(COUNT_REVIEW, report, approver_user, report.version, "  ")
    report = review.send_back(COUNT_REVIEW, report, approver_user, report.version, "児童館の欄が空です")
    assert (report.status, report.return_reason) == (CountReport.Status.RETURNED, "児童館の欄が空です")
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=6, user=entry_user, values={cell: 8}, expected_version=report.version
    )
    report = review.submit(COUNT_REVIEW, report, entry_user, report.version)
    report = review.approve(COUNT_REVIEW, report, approver_user, report.version, "確認しました")
    assert report.status == CountReport.Status.APPROVED and report.approved_at
    with pytest.raises(VersionConflict):
        review.reopen(COUNT_REVIEW, report, planner_user, report.version - 1, "訂正")
    with pytest.raises(ReviewError, match="再開する理由を入力してください"):
        review.reopen(COUNT_REVIEW, report, planner_user, report.version, "")
    report = review.reopen(COUNT_REVIEW, report, planner_user, report.version, "集計方法の変更")
    assert report.status == CountReport.Status.RETURNED and report.approved_at is None
    assert list(AuditEntry.objects.for_subject(report).order_by("at", "pk").values_list("action", flat=True)) == [
        "create",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
        "reopen",
    ]


def test_only_approved_reports_can_be_reopened_and_only_submitted_ones_reviewed(ikejiri, entry_user, planner_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 1}, expected_version=None
    )
    with pytest.raises(ReviewError, match="承認済の報告だけが再開できます"):
        review.reopen(COUNT_REVIEW, report, planner_user, report.version, "訂正")
    with pytest.raises(ReviewError, match="提出済の報告だけが承認できます"):
        review.approve(COUNT_REVIEW, report, planner_user, report.version)
    with pytest.raises(ReviewError, match="提出済の報告だけが差し戻せます"):
        review.send_back(COUNT_REVIEW, report, planner_user, report.version, "理由")


def test_an_empty_report_cannot_be_submitted(ikejiri, entry_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 1}, expected_version=None
    )
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: None}, expected_version=1
    )
    with pytest.raises(ReviewError, match="件数が一つも入力されていません"):
        review.submit(COUNT_REVIEW, report, entry_user, report.version)


def test_an_import_may_change_an_approved_month_which_goes_back_to_draft(ikejiri, entry_user, planner_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    report = save_counts(
        place=ikejiri, fiscal_year=2024, month=5, user=entry_user, values={cell: 1}, expected_version=None
    )
    report = review.approve(
        COUNT_REVIEW, review.submit(COUNT_REVIEW, report, entry_user, report.version), planner_user, report.version + 1
    )
    report = save_counts(
        place=ikejiri,
        fiscal_year=2024,
        month=5,
        user=planner_user,
        values={cell: 4},
        expected_version=None,
        source="ファイル取込：counts.xlsx",
        allow_reviewed=True,
    )
    assert report.status == CountReport.Status.DRAFT and report.approved_at is None
    change = AuditEntry.objects.for_subject(report).first()
    assert change.action == AuditEntry.Action.IMPORT
    assert change.source == "ファイル取込：counts.xlsx"
    assert change.changes == {"まちづくりセンター・高齢": [1, 4], "状態": ["承認済", "下書き"]}


@pytest.mark.parametrize(
    ("fiscal_year", "month", "message"),
    [
        (2024, 3, "令和6年度（2024年度） 2025年3月はまだ始まっていません"),
        (2025, 4, "まだ始まっていません"),
        (2016, 4, "令和6年度|平成29年度（2017年度）より前の年度は入力できません"),
        (2024, 13, "月は1から12までです"),
    ],
)
def test_months_that_cannot_be_entered(ikejiri, entry_user, fiscal_year, month, message):
    values = {(window("まちづくりセンター"), category("高齢")): 1}
    with pytest.raises(ReviewError, match=message):
        save_counts(
            place=ikejiri, fiscal_year=fiscal_year, month=month, user=entry_user, values=values, expected_version=None
        )
    assert not CountReport.objects.exists()


def test_a_closed_year_refuses_changes(ikejiri, entry_user, planner_user):
    set_year_lock(2024, planner_user, True)
    with pytest.raises(ReviewError, match="締め切られているため変更できません"):
        save_counts(
            place=ikejiri,
            fiscal_year=2024,
            month=5,
            user=entry_user,
            values={(window("まちづくりセンター"), category("高齢")): 1},
            expected_version=None,
        )


@pytest.mark.parametrize(
    ("place", "source", "message"),
    [
        ("area", "まちづくりセンター", "まちづくりセンターの件数は地区ごとに入力してください"),
        ("district", "地域障害者相談支援センター「ぽーと」", "地域ごとに入力してください"),
        ("ward", "地域障害者相談支援センター「ぽーと」", "地域ごとに入力してください"),
        ("district", "ぷらっとホーム世田谷", "全区で一つに入力してください"),
        ("district", "あんしんすこやかセンター", "相談窓口「あんしんすこやかセンター」として地区ごとに"),
    ],
)
def test_a_source_is_counted_where_its_sites_are(entry_user, place, source, message):
    places = {
        "district": Place(district=District.objects.get(code="ikejiri")),
        "area": Place(area=Area.objects.get(code="setagaya")),
        "ward": Place(),
    }
    found = WindowType.objects.filter(name=source).first() if place == "area" else None
    cell_source = found or Agency.objects.get(name=source)
    with pytest.raises(ReviewError, match=message):
        save_counts(
            place=places[place],
            fiscal_year=2024,
            month=5,
            user=entry_user,
            values={(cell_source, category("障害")): 1},
            expected_version=None,
        )


def test_agencies_are_counted_per_area_and_for_the_ward(planner_user):
    port = Agency.objects.get(name="地域障害者相談支援センター「ぽーと」")
    platform = Agency.objects.get(name="ぷらっとホーム世田谷")
    area_report = save_counts(
        place=Place(area=Area.objects.get(code="kinuta")),
        fiscal_year=2024,
        month=5,
        user=planner_user,
        values={(port, category("障害")): 31},
        expected_version=None,
    )
    ward_report = save_counts(
        place=Place(),
        fiscal_year=2024,
        month=5,
        user=planner_user,
        values={(platform, category("生活困窮")): 40},
        expected_version=None,
    )
    assert (area_report.place_label, ward_report.place_label) == ("砧地域", "全区")
    assert ConsultationCount.objects.count() == 2


def test_a_year_is_kept_month_by_month_or_as_a_whole_never_both(ikejiri, planner_user):
    cell = (window("まちづくりセンター"), category("高齢"))
    save_counts(place=ikejiri, fiscal_year=2023, month=0, user=planner_user, values={cell: 500}, expected_version=None)
    with pytest.raises(ReviewError, match="年度計で入力済みのため、月別には入力できません"):
        save_counts(
            place=ikejiri, fiscal_year=2023, month=4, user=planner_user, values={cell: 5}, expected_version=None
        )
    save_counts(place=ikejiri, fiscal_year=2024, month=4, user=planner_user, values={cell: 5}, expected_version=None)
    with pytest.raises(ReviewError, match="月別に入力済みのため、年度計では入力できません"):
        save_counts(
            place=ikejiri, fiscal_year=2024, month=0, user=planner_user, values={cell: 500}, expected_version=None
        )


@pytest.mark.parametrize("bad", [-1, 10_000_000])
def test_counts_out_of_range_are_refused(ikejiri, entry_user, bad):
    with pytest.raises(ReviewError, match="件数は"):
        save_counts(
            place=ikejiri,
            fiscal_year=2024,
            month=5,
            user=entry_user,
            values={(window("まちづくりセンター"), category("高齢")): bad},
            expected_version=None,
        )
    assert not CountReport.objects.exists()

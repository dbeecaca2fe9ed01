"""Monthly grid entry by a 地区's staff (their own 地区 only), review by the section, permissions on every request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from consultations.forms import GridCell
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
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry, Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]


@pytest.fixture
def ikejiri(section) -> District:
    """池尻地区: entered by the 入力担当 of `section`; its 地域 (世田谷) is reviewed by the approvers of `section`."""
    district = District.objects.get(code="ikejiri")
    district.section = section
    district.save()
    Area.objects.filter(code="setagaya").update(reviewing_section=section)
    return District.objects.get(code="ikejiri")


@pytest.fixture
def taishido(other_section) -> District:
    """太子堂地区, another 地区 of the same 地域, entered by the other section's staff."""
    district = District.objects.get(code="taishido")
    district.section = other_section
    district.save()
    return district


def grid_url(code="ikejiri", year=2024, month=5) -> str:
    return reverse("consultations:grid", args=[code, year, month])


def field(window: str, category: str) -> str:
    return GridCell(WindowType.objects.get(name=window), Category.objects.get(name=category)).name


def grid_post(version=0, action="save", **cells) -> dict:
    data = {"version": str(version), "action": action, "comment": ""}
    for key, value in cells.items():
        window, category = key.split("__")
        data[field(window, category)] = value
    return data


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_staff_enter_a_month_in_full_width_digits(client, ikejiri, entry_user):
    client.force_login(entry_user)
    response = client.post(
        grid_url(),
        grid_post(
            **{
                "まちづくりセンター__高齢": "１２",
                "あんしんすこやかセンター__認知症": "１，２０３件",
                "児童館__不登校": "0",
            }
        ),
    )
    assert response.status_code == 302
    report = CountReport.objects.get(district=ikejiri, fiscal_year=2024, month=5)
    counts = {(c.window.name, c.category.name): c.count for c in report.counts.select_related("window", "category")}
    assert counts == {
        ("まちづくりセンター", "高齢"): 12,
        ("あんしんすこやかセンター", "認知症"): 1203,
        ("児童館", "不登校"): 0,
    }
    assert report.updated_by == entry_user
    assert AuditEntry.objects.for_subject(report).get().changes["まちづくりセンター・高齢"] == [None, 12]
    page = client.get(grid_url()).content.decode()
    assert "保存しました。" in page
    assert "data-grand-total>1,215</td>" in page


def test_save_and_submit_then_the_grid_is_read_only_for_staff(client, ikejiri, entry_user):
    client.force_login(entry_user)
    response = client.post(grid_url(), grid_post(action="submit", **{"まちづくりセンター__高齢": "3"}))
    assert response.status_code == 302
    report = CountReport.objects.get()
    assert report.status == CountReport.Status.SUBMITTED
    page = client.get(grid_url()).content.decode()
    assert "提出済です" in page
    assert f'name="{field("まちづくりセンター", "高齢")}"' not in page
    response = client.post(grid_url(), grid_post(version=report.version, **{"まちづくりセンター__高齢": "9"}))
    assert response.status_code == 200
    assert "提出済の件数は変更できません" in response.content.decode()
    assert ConsultationCount.objects.get().count == 3


def test_submitting_an_empty_grid_is_refused(client, ikejiri, entry_user):
    client.force_login(entry_user)
    response = client.post(grid_url(), grid_post(action="submit"))
    assert response.status_code == 200
    assert "件数が一つも入力されていません" in response.content.decode()
    assert not CountReport.objects.exists()


# Real-looking mistakes, each with the Japanese message the person sees next to the box.
BAD_INPUTS = [
    ("12.5", "「件」の数は整数で入力してください"),
    ("１２．５", "「件」の数は整数で入力してください"),
    ("-3", "マイナスの値は入力できません"),
    ("△2", "マイナスの値は入力できません"),
    ("abc", "数値で入力してください"),
    ("十二", "数値で入力してください"),
    ("1,23", "桁区切りのカンマの位置が正しくありません"),
    # Its own wording: a grid of counts is no indicator.
    (
        "12人",
        "相談件数は「件」で数えます（「人」ではありません）。数値だけ、または「件」を付けて入力してください（例：12、12件）。",
    ),
    ("1.2.3", "「件」の数は整数で入力してください"),
    ("12345678", "件数は9,999,999件までです"),
    ("999999999999999", "桁数が多すぎます"),
    ("x" * 41, "40 文字以下"),
]


@pytest.mark.parametrize(("typed", "message"), BAD_INPUTS, ids=[typed[:12] for typed, _ in BAD_INPUTS])
def test_bad_input_is_refused_with_a_message_linked_to_the_box_and_nothing_is_saved(
    client, ikejiri, entry_user, typed, message
):
    client.force_login(entry_user)
    response = client.post(grid_url(), grid_post(**{"まちづくりセンター__高齢": typed, "児童館__障害": "5"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    name = field("まちづくりセンター", "高齢")
    assert f'aria-describedby="id_{name}-error"' in page
    assert f'id="id_{name}-error"' in page
    assert 'aria-invalid="true"' in page
    assert f'href="#id_{name}"' in page  # the summary links to the box
    assert "何も保存していません" in page
    assert not CountReport.objects.exists() and not ConsultationCount.objects.exists()


def test_a_stale_grid_is_refused_and_keeps_the_newer_values(client, ikejiri, entry_user, planner_user):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    save_counts(
        place=Place(district=ikejiri),
        fiscal_year=2024,
        month=5,
        user=planner_user,
        values={cell: 8},
        expected_version=None,
    )
    client.force_login(entry_user)
    response = client.post(grid_url(), grid_post(version=0, **{"まちづくりセンター__高齢": "1"}))
    assert response.status_code == 200
    assert "先に保存しました" in response.content.decode()
    assert ConsultationCount.objects.get().count == 8


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        ("anonymous", 302, 302),
        ("entry", 200, 302),
        ("approver", 200, 403),  # reviews 世田谷地域 but does not enter
        ("viewer", 200, 403),
        ("planner", 200, 302),
        ("other_entry", 403, 403),  # another 地区's staff
    ],
)
def test_permission_matrix_of_the_grid(client, ikejiri, taishido, users_by_role, who, get_status, post_status):
    as_user(client, users_by_role[who])
    response = client.get(grid_url())
    assert response.status_code == get_status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    response = client.post(grid_url(), grid_post(**{"まちづくりセンター__高齢": "4"}))
    assert response.status_code == post_status
    saved = ConsultationCount.objects.filter(report__district=ikejiri).count()
    assert saved == (1 if post_status == 302 and who != "anonymous" else 0)


def test_staff_of_another_district_can_enter_theirs_but_not_ikejiri(client, ikejiri, taishido, other_entry_user):
    client.force_login(other_entry_user)
    assert client.post(grid_url("taishido"), grid_post(**{"社会福祉協議会__障害": "2"})).status_code == 302
    assert client.post(grid_url("ikejiri"), grid_post(**{"社会福祉協議会__障害": "2"})).status_code == 403
    assert list(ConsultationCount.objects.values_list("report__district__code", flat=True)) == ["taishido"]
    page = client.get(reverse("consultations:entry"), {"year": 2024}).content.decode()
    assert "太子堂地区" in page and "池尻地区" not in page


def test_unknown_district_month_or_method(client, ikejiri, entry_user):
    client.force_login(entry_user)
    assert client.get(grid_url("nowhere")).status_code == 404
    assert client.get(grid_url(month=13)).status_code == 404
    assert client.get(grid_url(year=2030)).status_code == 404
    assert client.put(grid_url()).status_code == 405
    assert client.delete(grid_url()).status_code == 405
    response = client.post(grid_url(), {**grid_post(), "action": "delete"})
    assert response.status_code == 400
    assert "操作が正しくありません" in response.content.decode()


def test_a_month_not_yet_begun_shows_why_and_refuses_entry(client, ikejiri, entry_user):
    client.force_login(entry_user)
    page = client.get(grid_url(month=3)).content.decode()
    assert "2025年3月はまだ始まっていません" in page
    assert 'name="action" value="save"' not in page
    response = client.post(grid_url(month=3), grid_post(**{"まちづくりセンター__高齢": "1"}))
    assert "まだ始まっていません" in response.content.decode()
    assert not CountReport.objects.exists()


def test_approver_of_the_area_approves_and_returns(client, ikejiri, entry_user, approver_user):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    report = save_counts(
        place=Place(district=ikejiri),
        fiscal_year=2024,
        month=5,
        user=entry_user,
        values={cell: 5},
        expected_version=None,
    )
    report = review.submit(COUNT_REVIEW, report, entry_user, report.version)
    client.force_login(approver_user)
    assert "2024年5月" in client.get(reverse("consultations:review")).content.decode()
    response = client.post(grid_url(), {"action": "return", "version": report.version, "reason": ""})
    assert response.status_code == 200
    assert "差戻しの理由を入力してください" in response.content.decode()
    response = client.post(grid_url(), {"action": "return", "version": report.version, "reason": "児童館が未入力"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CountReport.Status.RETURNED
    page = as_user(client, entry_user).get(grid_url()).content.decode()
    assert "差戻し理由：</strong>児童館が未入力" in page
    report = review.submit(COUNT_REVIEW, report, entry_user, report.version)
    as_user(client, approver_user)
    assert (
        client.post(grid_url(), {"action": "approve", "version": report.version, "reason": "確認"}).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == CountReport.Status.APPROVED
    assert AuditEntry.objects.for_subject(report).first().user == approver_user


def test_entry_staff_and_other_approvers_cannot_review(client, ikejiri, entry_user, other_section):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    report = save_counts(
        place=Place(district=ikejiri),
        fiscal_year=2024,
        month=5,
        user=entry_user,
        values={cell: 5},
        expected_version=None,
    )
    report = review.submit(COUNT_REVIEW, report, entry_user, report.version)
    client.force_login(entry_user)
    assert client.post(grid_url(), {"action": "approve", "version": report.version}).status_code == 403
    outsider = get_user_model().objects.create_user("approver_b")
    Membership.objects.create(user=outsider, section=other_section, role=Membership.Role.APPROVER)
    client.force_login(outsider)
    assert client.post(grid_url(), {"action": "approve", "version": report.version}).status_code == 403
    assert "2024年5月" not in client.get(reverse("consultations:review")).content.decode()
    report.refresh_from_db()
    assert report.status == CountReport.Status.SUBMITTED


def test_only_planners_reopen_an_approved_month(client, ikejiri, entry_user, approver_user, planner_user):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    report = save_counts(
        place=Place(district=ikejiri),
        fiscal_year=2024,
        month=5,
        user=entry_user,
        values={cell: 5},
        expected_version=None,
    )
    report = review.approve(
        COUNT_REVIEW, review.submit(COUNT_REVIEW, report, entry_user, report.version), approver_user, report.version + 1
    )
    client.force_login(approver_user)
    assert client.post(grid_url(), {"action": "reopen", "version": report.version, "reason": "訂正"}).status_code == 403
    client.force_login(planner_user)
    assert client.post(grid_url(), {"action": "reopen", "version": report.version, "reason": "訂正"}).status_code == 302
    report.refresh_from_db()
    assert report.status == CountReport.Status.RETURNED


def test_review_of_a_month_without_a_report_is_404(client, ikejiri, approver_user):
    client.force_login(approver_user)
    assert client.post(grid_url(), {"action": "approve", "version": 1}).status_code == 404


def test_area_and_ward_grids_are_for_planners(client, ikejiri, entry_user, planner_user):
    url = reverse("consultations:grid", args=["area-kinuta", 2024, 5])
    client.force_login(entry_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("consultations:grid", args=["ward", 2024, 5])).status_code == 403
    client.force_login(planner_user)
    page = client.get(url).content.decode()
    assert "地域障害者相談支援センター「ぽーと」" in page and "まちづくりセンター" not in page.split("<table")[1]
    port = Agency.objects.get(name="地域障害者相談支援センター「ぽーと」")
    name = GridCell(port, Category.objects.get(name="障害")).name
    assert client.post(url, {"version": "0", "action": "save", name: "２０"}).status_code == 302
    assert ConsultationCount.objects.get(report__area__code="kinuta").count == 20
    assert client.get(reverse("consultations:grid", args=["area-nowhere", 2024, 5])).status_code == 404


def test_entry_calendar_shows_status_in_words(client, ikejiri, entry_user, django_assert_max_num_queries):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    report = save_counts(
        place=Place(district=ikejiri),
        fiscal_year=2024,
        month=4,
        user=entry_user,
        values={cell: 5},
        expected_version=None,
    )
    review.submit(COUNT_REVIEW, report, entry_user, report.version)
    client.force_login(entry_user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("consultations:entry"), {"year": 2024}).content.decode()
    assert "池尻地区 4月：" in page and "提出済" in page and "未入力" in page
    assert "未到来" in page  # March 2025


def test_someone_without_a_district_is_told_how_to_get_one(client, ikejiri, other_entry_user):
    client.force_login(get_user_model().objects.create_user("newcomer"))
    page = client.get(reverse("consultations:entry")).content.decode()
    assert "入力できる地区がありません" in page


def test_changes_are_shown_as_history_with_old_and_new(client, ikejiri, entry_user):
    client.force_login(entry_user)
    client.post(grid_url(), grid_post(**{"まちづくりセンター__高齢": "5"}))
    client.post(grid_url(), grid_post(version=1, **{"まちづくりセンター__高齢": "6"}))
    page = client.get(grid_url()).content.decode()
    assert "まちづくりセンター・高齢：5 → 6" in page
    assert "まちづくりセンター・高齢：（なし） → 5" in page  # an empty cell as on the indicator history
    assert AuditEntry.objects.filter(user=entry_user).count() == 2


def test_a_grid_posted_without_its_version_is_refused(client, ikejiri, entry_user):
    client.force_login(entry_user)
    data = grid_post(**{"まちづくりセンター__高齢": "4"})
    del data["version"]
    response = client.post(grid_url(), data)
    assert response.status_code == 200
    assert "画面を開き直してください" in response.content.decode()
    assert not CountReport.objects.exists()


def test_a_refused_submission_saves_nothing(client, ikejiri, entry_user):
    # Clearing the only saved cell and submitting: the submission is refused, so the clearing is not kept either.
    client.force_login(entry_user)
    client.post(grid_url(), grid_post(**{"まちづくりセンター__高齢": "4"}))
    response = client.post(grid_url(), grid_post(version=1, action="submit", **{"まちづくりセンター__高齢": ""}))
    assert response.status_code == 200
    assert "件数が一つも入力されていません" in response.content.decode()
    report = CountReport.objects.get()
    assert (report.version, report.status, report.counts.get().count) == (1, CountReport.Status.DRAFT, 4)

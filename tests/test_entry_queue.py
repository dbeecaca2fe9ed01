"""実績入力 as a work queue: what needs this person across every open year, and where each role lands after login.

Indicators of the section (tests/conftest.py): 研修の実施及び動画公開 (TRAINING), 孤立していると思われる区民の割合
(ISOLATION) and three more; ティーンズプロジェクトの実施回数 (TEENS) is another section's.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from consultations.models import District
from indicators.entry.queue import work_queue
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator
from setagaya_plan.core import review
from setagaya_plan.core.models import FiscalYearSetting, Membership, Section
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TRAINING = "G1-M01-V1-A3"  # 地域包括ケアの地区展開に関する研修の実施及び動画公開
ISOLATION = "G1-M01-V3-O1"  # 孤立していると思われる区民の割合
TEENS = "G1-M09-V1-A1"  # ティーンズプロジェクトの実施回数 (子ども・若者支援課)
SUPPORT = "G1-M04-V1-A3"  # the other indicator of 子ども・若者支援課
MAY_2026 = datetime.datetime(2026, 5, 1, 9)  # 令和7年度 has ended: the page opens on it


def submitted(code, user, year=2024, value=5):
    report = save_report(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=year,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )
    return review.submit(REPORT_REVIEW, report, user, report.version)


def returned(code, user, approver, reason="調査の出典を確認してください", year=2024, value=5):
    report = submitted(code, user, year, value)
    return review.send_back(REPORT_REVIEW, report, approver, report.version, reason)


def queue_of(page: str) -> str:
    return page.split('id="queue-title"')[1].split("</section>")[0]


def names_in(queue: str) -> list[str]:
    return re.findall(r'<a href="/entry/[^"]+">([^<]+)</a>', queue)


def test_an_approver_sees_last_years_submission_first_on_the_default_page(client, entry_user, approver_user):
    submitted(TRAINING, entry_user, year=2024)
    client.force_login(approver_user)
    with time_machine.travel(MAY_2026, tick=False):
        response = client.get(reverse("entry:my_indicators"))
    page = response.content.decode()
    assert response.context["year"] == 2025  # the default page is 令和7年度 ...
    queue = queue_of(page)
    assert "まず対応が必要なもの（1件）" in page  # ... and the 令和6年度 submission is the approver's one item
    assert names_in(queue) == ["地域包括ケアの地区展開に関する研修の実施及び動画公開"]
    assert f'href="/entry/{TRAINING}/2024/"' in queue
    assert "令和6年度（2024年度）" in queue and "承認待ちです" in queue
    # Counted per open year, each year a link to its page.
    assert '<a href="?year=2024">令和6年度（2024年度）</a>：<span class="count">1件</span>' in queue
    assert '令和7年度（2025年度）</a>：<span class="count">0件</span>' in queue
    assert '令和8年度（2026年度）</a>：<span class="count">0件</span>' in queue


def test_staff_see_returned_then_overdue_then_not_submitted(client, entry_user, approver_user):
    returned(ISOLATION, entry_user, approver_user)
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 7, 1, 9), tick=False):
        page = client.get(reverse("entry:my_indicators"), {"year": 2025}).content.decode()
    queue = queue_of(page)
    assert "まず対応が必要なもの（5件）" in page
    assert names_in(queue)[0] == "孤立していると思われる区民の割合"  # returned first
    assert "差戻し理由：調査の出典を確認してください" in queue
    assert queue.count("期限超過") == 4  # the other four of 令和6年度 were due on 30 June 2025
    assert "令和7年度（2025年度）" in queue  # 令和7年度 is running: nothing of it is due yet
    assert queue.count(">令和6年度（2024年度）</span>") == 5


def test_before_the_deadline_the_rest_is_not_yet_submitted_not_overdue(client, entry_user):
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 6, 30, 12), tick=False):
        page = client.get(reverse("entry:my_indicators")).content.decode()
    queue = queue_of(page)
    assert "期限超過" not in page
    assert queue.count("まだ提出されていません") == 5


def test_an_approver_who_also_enters_sees_approvals_first(
    entry_user, other_entry_user, planner_user, section, other_section, member
):
    both = member("both", section, Membership.Role.APPROVER)
    Membership.objects.create(user=both, section=other_section, role=Membership.Role.ENTRY)
    returned(TEENS, other_entry_user, planner_user, year=2024, value=133)
    submitted(TRAINING, entry_user, year=2025)
    items = work_queue(both, datetime.date(2026, 5, 1)).items
    assert [(item.kind, item.indicator.code, item.fiscal_year) for item in items[:2]] == [
        ("approve", TRAINING, 2025),
        ("returned", TEENS, 2024),
    ]
    # Then the other section's work: past the deadline of 令和6年度 (30 June 2025) before 令和7年度, which has
    # ended but is due only on 30 June 2026.
    assert [(item.kind, item.indicator.code, item.fiscal_year) for item in items[2:]] == [
        ("overdue", SUPPORT, 2024),
        ("not_submitted", SUPPORT, 2025),
        ("not_submitted", TEENS, 2025),
    ]


def test_a_closed_year_is_not_in_the_queue(client, entry_user, approver_user, planner_user):
    submitted(TRAINING, entry_user, year=2024)
    FiscalYearSetting.objects.create(fiscal_year=2024, deadline=datetime.date(2025, 6, 30), locked=True)
    queue = work_queue(approver_user, datetime.date(2026, 5, 1))
    assert queue.items == []
    assert [entry.fiscal_year for entry in queue.years] == [2025, 2026]


def test_a_viewer_has_nothing_to_do_and_staff_nothing_of_another_section(
    client, entry_user, viewer_user, other_entry_user
):
    submitted(TRAINING, entry_user)
    today = datetime.date(2025, 5, 1)
    assert work_queue(viewer_user, today).items == []
    assert all(item.indicator.code != TRAINING for item in work_queue(other_entry_user, today).items)
    assert {item.kind for item in work_queue(entry_user, today).items} == {"not_submitted"}


def test_a_planner_is_asked_to_approve_every_sections_submissions(entry_user, other_entry_user, planner_user):
    submitted(TRAINING, entry_user)
    submitted(TEENS, other_entry_user, value=133)
    items = work_queue(planner_user, datetime.date(2026, 5, 1)).items
    assert [(item.kind, item.indicator.code) for item in items] == [("approve", TRAINING), ("approve", TEENS)]


def test_the_queue_takes_a_fixed_number_of_queries(
    entry_user, approver_user, planner_user, django_assert_max_num_queries
):
    submitted(TRAINING, entry_user)
    returned(ISOLATION, entry_user, approver_user)
    for user in (entry_user, planner_user):
        user = type(user).objects.get(pk=user.pk)  # memberships not cached yet
        # plan, memberships, year settings, indicators, series, targets, reports, and for an approver the audit
        # trail of the submissions (who entered or submitted them), one query for all
        with django_assert_max_num_queries(8):
            work_queue(user, datetime.date(2026, 5, 1))


def test_status_counts_leave_out_statuses_at_zero(client, entry_user):
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9), tick=False):
        page = client.get(reverse("entry:my_indicators"), {"year": 2024}).content.decode()
    counts = page.split('aria-label="状態ごとの件数"')[1].split("</ul>")[0]
    assert "未入力" in counts and "5件" in counts
    assert "差戻し" not in counts and "0件" not in counts


# --- where each role lands after login ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, landing",
    [
        ("entry", "entry:my_indicators"),
        ("approver", "entry:my_indicators"),
        ("planner", "progress:dashboard"),
        ("viewer", "progress:dashboard"),
    ],
)
def test_each_role_lands_on_its_own_work(client, users_by_role, role, landing):
    response = client.post(reverse("login"), {"username": users_by_role[role].username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("landing")
    assert client.get(response.url).url == reverse(landing)


def test_a_user_without_a_role_lands_on_the_plan_and_a_next_page_wins(client, django_user_model, entry_user):
    django_user_model.objects.create_user("newcomer", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "newcomer", "password": PASSWORD})
    assert client.get(response.url).url == reverse("home")
    client.logout()
    response = client.post(reverse("login") + "?next=/consultations/", {"username": "staff_a", "password": PASSWORD})
    assert response.url == "/consultations/"


def test_a_districts_own_staff_land_on_their_counts(client, django_user_model):
    from_district = Section.objects.create(name="池尻まちづくりセンター")  # owns no indicator
    District.objects.filter(code="ikejiri").update(section=from_district)
    user = django_user_model.objects.create_user("ikejiri_staff", password=PASSWORD)
    Membership.objects.create(user=user, section=from_district, role=Membership.Role.ENTRY)
    client.force_login(user)
    assert client.get(reverse("landing")).url == reverse("consultations:entry")


def test_the_landing_page_asks_for_a_login(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- separation of duties: what an approver entered or submitted waits for another approver -------------------------

TRAINING_NAME = "地域包括ケアの地区展開に関する研修の実施及び動画公開"
ISOLATION_NAME = "孤立していると思われる区民の割合"
WAITING = "ご自身が入力・提出したため、ほかの承認者の承認を待っています"


def waiting_of(queue: str) -> str:
    return queue.split('id="queue-waiting-title"')[1] if 'id="queue-waiting-title"' in queue else ""


def planners_queue(client, planner_user) -> str:
    client.force_login(planner_user)
    with time_machine.travel(MAY_2026, tick=False):
        return queue_of(client.get(reverse("entry:my_indicators")).content.decode())


def test_what_the_approver_submitted_comes_after_what_they_can_approve_and_says_why(client, entry_user, planner_user):
    submitted(TRAINING, planner_user)  # a 計画担当 may approve any section: they entered and submitted this one
    submitted(ISOLATION, entry_user)
    queue = planners_queue(client, planner_user)
    assert names_in(queue) == [ISOLATION_NAME, TRAINING_NAME]
    assert "まず対応が必要なもの（1件）" in queue  # only what they can act on is counted ...
    assert '令和6年度（2024年度）</a>：<span class="count">1件</span>' in queue  # ... in the year's count too
    waiting = waiting_of(queue)
    assert "ほかの承認者の承認を待っているもの（1件）" in waiting and WAITING in waiting
    assert names_in(waiting) == ["地域包括ケアの地区展開に関する研修の実施及び動画公開"]
    assert "承認待ちです" not in waiting


def test_who_only_entered_what_someone_else_submitted_waits_too(client, entry_user, planner_user):
    report = save_report(
        indicator=Indicator.objects.get(code=TRAINING),
        fiscal_year=2024,
        user=planner_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=None,
    )
    review.submit(REPORT_REVIEW, report, entry_user, report.version)
    queue = planners_queue(client, planner_user)
    assert "まず対応が必要なもの（0件）" in queue and "いま対応が必要なものはありません。" in queue
    assert WAITING in waiting_of(queue)


def test_an_approver_who_did_not_enter_it_is_asked_first(client, entry_user, planner_user, approver_user):
    submitted(TRAINING, planner_user)
    submitted(ISOLATION, entry_user)
    client.force_login(approver_user)
    with time_machine.travel(MAY_2026, tick=False):
        queue = queue_of(client.get(reverse("entry:my_indicators")).content.decode())
    assert "まず対応が必要なもの（2件）" in queue
    assert names_in(queue)[0] == "地域包括ケアの地区展開に関する研修の実施及び動画公開"  # the plan's order
    assert queue.count("承認待ちです") == 2 and WAITING not in queue


def test_when_self_approval_is_allowed_the_submitter_is_asked_first_again(client, entry_user, planner_user, settings):
    settings.ALLOW_SELF_APPROVAL = True
    submitted(TRAINING, planner_user)
    submitted(ISOLATION, entry_user)
    queue = planners_queue(client, planner_user)
    assert names_in(queue) == [TRAINING_NAME, ISOLATION_NAME]
    assert "まず対応が必要なもの（2件）" in queue and WAITING not in queue


def test_after_an_approval_and_reopening_a_new_cycle_is_the_approvers_again(
    client, entry_user, planner_user, approver_user
):
    report = submitted(TRAINING, planner_user)
    report = review.approve(REPORT_REVIEW, report, approver_user, report.version)
    report = review.reopen(REPORT_REVIEW, report, planner_user, report.version, "出典の年度を直すため")
    review.submit(REPORT_REVIEW, report, entry_user, report.version)  # resubmitted unchanged by the section
    queue = planners_queue(client, planner_user)
    assert "まず対応が必要なもの（1件）" in queue and WAITING not in queue


def test_the_separation_check_is_one_query_for_any_number_of_submissions(
    entry_user, planner_user, other_entry_user, django_assert_max_num_queries
):
    for code in (TRAINING, ISOLATION):
        submitted(code, planner_user)
    submitted(TEENS, other_entry_user, value=133)
    submitted(TRAINING, entry_user, year=2025)
    submitted(ISOLATION, entry_user, year=2025)
    planner = type(planner_user).objects.get(pk=planner_user.pk)
    with django_assert_max_num_queries(8):  # as for one submission (test_the_queue_takes_a_fixed_number_of_queries)
        items = work_queue(planner, datetime.date(2026, 5, 1)).items
    assert [(item.kind, item.indicator.code, item.fiscal_year) for item in items] == [
        ("approve", TEENS, 2024),
        ("approve", TRAINING, 2025),
        ("approve", ISOLATION, 2025),
        ("other_approver", TRAINING, 2024),
        ("other_approver", ISOLATION, 2024),
    ]

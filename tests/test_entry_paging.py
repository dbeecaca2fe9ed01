"""実績入力 costs what it shows: the year's status in SQL is the rule of `Indicator.year_status`, the status counts and
the work queue's counts are exact without loading every indicator, the section table is paged, and the page runs
the same queries on the real plan as on a plan ten times larger (bench/plan_data.py builds it, as the bench does).

Indicators of the sections (tests/conftest.py): TRAINING, ISOLATION and three more are 地域包括ケア推進課's; TEENS
and SUPPORT 子ども・若者支援課's.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Count, F
from django.urls import reverse

from bench.plan_data import approve_sample, multiply_plan
from indicators.entry.queue import QUEUE_SHOWN, work_queue
from indicators.entry.views import ENTRY_PAGE_ROWS
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Series, Target, YearStatus
from setagaya_plan.core import review
from setagaya_plan.core.models import Membership
from tests.query_counts import queries_per_page

pytestmark = pytest.mark.django_db

TRAINING = "G1-M01-V1-A3"
ISOLATION = "G1-M01-V3-O1"
TEENS = "G1-M09-V1-A1"
SUPPORT = "G1-M04-V1-A3"
GROUP_HOMES = "認知症高齢者グループホームの新規整備数"  # 令和6–8年度 one merged cell, 令和9年度 left to another plan
MAY_2026 = datetime.datetime(2026, 5, 1, 9)  # 令和6年度 is past its deadline, 令和7年度 has ended


def draft(code, user, year=2024, value=5):
    return save_report(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=year,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        # Whatever the value and target, a submission never misses its texts (目標未達 and text targets need them).
        fields={"factor_analysis": "要因の記載", "next_steps": "方向性の記載", "self_grade": "met"},
        expected_version=None,
    )


def submitted(code, user, year=2024, value=5):
    report = draft(code, user, year, value)
    return review.submit(REPORT_REVIEW, report, user, report.version)


def statuses_by_rule(year: int) -> dict[int, str]:
    indicators = Indicator.objects.for_entry().with_year_report(year)
    return {
        indicator.pk: indicator.year_status(year, indicator.year_reports[0] if indicator.year_reports else None)
        for indicator in indicators
    }


def test_the_year_status_in_sql_is_the_rule_for_every_indicator_and_year(entry_user, other_entry_user, planner_user):
    # What the rule turns on is in the real plan: years left to another plan, and merged multi-year cells.
    group_homes = Indicator.objects.get(name=GROUP_HOMES)
    assert Target.objects.filter(series__indicator=group_homes, fiscal_year=2027).exclude(deferred_to="").exists()
    assert Target.objects.filter(series__indicator=group_homes, fiscal_year=2024, end_fiscal_year=2026).exists()
    # One part left to another plan while the other still expects an actual: due.
    two_parts = (
        Indicator.objects.annotate(n=Count("series")).filter(n=2, series__targets__fiscal_year=2025).distinct().first()
    )
    first_part = two_parts.series.order_by("position").first()
    Target.objects.filter(series=first_part).filter(fiscal_year__lte=2025, end_fiscal_year__gte=2025).update(
        deferred_to="別の計画"
    )
    # An indicator without series (not yet transcribed) expects nothing.
    no_series = Indicator.objects.get(code=SUPPORT)
    Series.objects.filter(indicator=no_series).delete()
    # Reports in every status, one of them in a year left to another plan.
    draft(TRAINING, entry_user)
    submitted(ISOLATION, entry_user)
    returned = submitted(TEENS, other_entry_user, value=133)
    review.send_back(REPORT_REVIEW, returned, planner_user, returned.version, "出典を確認してください")
    approved = submitted(TRAINING, entry_user, year=2025)
    review.approve(REPORT_REVIEW, approved, planner_user, approved.version)
    save_report(indicator=group_homes, fiscal_year=2027, user=planner_user, values={}, expected_version=None)

    seen = set()
    for year in range(2023, 2033):  # before the plan, every year of it (merged cells, deferred years), after it
        in_sql = dict(Indicator.objects.with_year_status(year).values_list("pk", "status_in_year"))
        assert in_sql == statuses_by_rule(year), year
        seen |= set(in_sql.values())
    assert seen == set(YearStatus.values)
    assert statuses_by_rule(2027)[group_homes.pk] == YearStatus.DRAFT
    assert statuses_by_rule(2026)[group_homes.pk] == YearStatus.MISSING
    assert statuses_by_rule(2025)[two_parts.pk] == YearStatus.MISSING
    assert statuses_by_rule(2024)[no_series.pk] == YearStatus.NOT_DUE


def test_the_status_counts_are_the_rule_s_counts(client, planner_user):
    client.force_login(planner_user)
    for year in (2024, 2026, 2027):  # a merged cell's first and last year; a year left to another plan
        counts = client.get(reverse("entry:my_indicators"), {"year": year}).context["counts"]
        expected = Counter(statuses_by_rule(year).values())
        assert {status: n for status, n, _ in counts if n} == dict(expected)
    assert expected[YearStatus.NOT_DUE] > 0


# --- a section of hundreds: the table a page at a time, the queue its first items -------------------------------------


@pytest.fixture
def big_section(section, planner_user):
    """Every indicator of a plan ten times the real one in the section under test (as the bench does), with every
    ninth 令和6年度 actual approved."""
    multiply_plan(10)
    Indicator.objects.update(section=section)
    approve_sample(list(Indicator.objects.with_structure().in_plan_order()), 2024, planner_user, every=9)
    return section


def test_the_section_table_is_paged_and_page_links_keep_year_and_section(client, entry_user, big_section):
    client.force_login(entry_user)
    url = reverse("entry:my_indicators")
    query = {"year": 2024, "section": big_section.pk}
    response = client.get(url, query)
    assert len(response.context["rows"]) == ENTRY_PAGE_ROWS
    pages = response.context["pages"]
    assert len(pages) == 8 and pages[0].label == "指標 1〜100／800" and pages[-1].label == "指標 701〜800／800"
    page = response.content.decode()
    assert f'href="?year=2024&amp;section={big_section.pk}&amp;page=2"' in page
    assert 'id="entry-pages-top"' in page and 'id="entry-pages-bottom"' in page

    last = client.get(url, {**query, "page": 8})
    rows = last.context["rows"]
    assert len(rows) == 100 and rows[-1].indicator == Indicator.objects.in_plan_order().last()
    # The status counts are the whole section's, on every page.
    assert sum(n for _, n, _ in last.context["counts"]) == 800
    assert dict((s, n) for s, n, _ in last.context["counts"])[YearStatus.APPROVED] == 89


def test_a_status_filter_shows_only_that_status_paged(client, entry_user, big_section):
    client.force_login(entry_user)
    response = client.get(reverse("entry:my_indicators"), {"year": 2024, "status": "approved"})
    assert response.context["table_count"] == 89
    assert {row.status for row in response.context["rows"]} == {YearStatus.APPROVED}
    page = response.content.decode()
    assert "状態が「承認済」の指標だけを表示しています（89件）" in page
    assert '<a href="?year=2024#indicator-table">すべての状態を表示</a>' in page
    assert 'href="?year=2024&amp;status=approved#indicator-table" aria-current="true"' in page
    # Choosing another year or section keeps the status filter; without one, the form sends none.
    assert '<input type="hidden" name="status" value="approved">' in page
    unfiltered = client.get(reverse("entry:my_indicators"), {"year": 2024}).content.decode()
    assert 'name="status"' not in unfiltered


def test_the_queue_shows_its_first_items_and_counts_the_rest(client, entry_user, big_section):
    client.force_login(entry_user)
    with time_machine.travel(MAY_2026, tick=False):
        response = client.get(reverse("entry:my_indicators"))
    queue = response.context["queue"]
    # 800 indicators: 令和6年度 past its deadline (all but the 89 approved and those not due), 令和7年度 ended.
    due_2024 = sum(1 for status in statuses_by_rule(2024).values() if status in ("missing", "draft", "returned"))
    due_2025 = sum(1 for status in statuses_by_rule(2025).values() if status in ("missing", "draft", "returned"))
    assert [(entry.fiscal_year, entry.count) for entry in queue.years] == [
        (2024, due_2024),
        (2025, due_2025),
        (2026, 0),
    ]
    assert len(queue) == due_2024 + due_2025 and len(queue.actionable) == QUEUE_SHOWN
    assert queue.more == len(queue) - QUEUE_SHOWN
    assert [item.kind for item in queue.actionable] == ["overdue"] * QUEUE_SHOWN
    page = response.content.decode()
    assert f"まず対応が必要なもの（{len(queue):,}件）" in page or f"まず対応が必要なもの（{len(queue)}件）" in page
    more = page.split('class="work-queue__more"')[1].split("</p>")[0]
    assert f"ほか{queue.more}件" in more
    next_item = queue.next_item
    assert next_item.fiscal_year == 2024 and next_item.kind == "overdue"
    assert f'href="?year=2024&amp;status={next_item.status}#indicator-table"' in more
    # The first items are the full queue's first items.
    full = work_queue(entry_user, MAY_2026.date(), shown=10_000)
    assert [(i.indicator.pk, i.fiscal_year) for i in full.actionable[: QUEUE_SHOWN + 1]] == [
        (i.indicator.pk, i.fiscal_year) for i in queue.actionable
    ] + [(next_item.indicator.pk, next_item.fiscal_year)]
    assert len(full.actionable) == len(queue)


def test_the_waiting_list_is_capped_and_counted(planner_user, entry_user):
    for code, value in ((TRAINING, 5), (ISOLATION, 5), (TEENS, 133)):
        submitted(code, planner_user, value=value)
    submitted(SUPPORT, entry_user, value=3)
    queue = work_queue(planner_user, MAY_2026.date(), shown=2)
    assert [item.indicator.code for item in queue.waiting] == [TRAINING, ISOLATION]  # the plan's order
    assert queue.waiting_count == 3 and queue.more_waiting == 1
    assert [item.indicator.code for item in queue.actionable] == [SUPPORT] and len(queue) == 1


# --- the same queries at 1× and 10× ---------------------------------------------------------------------------------


def urls(section) -> dict[str, str]:
    url = reverse("entry:my_indicators")
    return {
        "default page": url,
        "a year and section": f"{url}?year=2024&section={section.pk}",
        "a status": f"{url}?year=2024&status=missing",
    }


# Pinned: a change here means the page started querying per row (or found a way to save one). Each count includes
# saving the session, the user and their memberships, the plan's years, the sections; the status counts (one GROUP BY);
# the page's indicators with their series, targets, reports and actuals; the work queue's year settings, the
# submissions and audit trail of the separation of duties (approvers), its counts, its listing and its reports.
PINNED = {
    ("entry", "default page"): 20,
    ("entry", "a year and section"): 20,
    ("entry", "a status"): 19,  # 未入力 only: no report on the page, so no actuals to read
    ("approver", "default page"): 22,
    ("approver", "a year and section"): 22,
    ("approver", "a status"): 21,
}


def counted_queries(client, users, section) -> dict:
    counts = {}
    for role, user in users.items():
        client.force_login(user)
        for name, n in queries_per_page(client, urls(section)).items():
            counts[(role, name)] = n
    return counts


@time_machine.travel(MAY_2026, tick=False)
def test_the_page_runs_the_same_queries_on_a_plan_ten_times_larger(
    client, section, entry_user, approver_user, planner_user
):
    Indicator.objects.update(section=section)
    indicators = list(Indicator.objects.with_structure().in_plan_order())
    approve_sample(indicators, 2024, planner_user, every=3)
    submitted(TRAINING, approver_user, year=2025)  # waits for another approver
    submitted(ISOLATION, entry_user, year=2025)  # the approver's to approve
    users = {"entry": entry_user, "approver": approver_user}
    small = counted_queries(client, users, section)
    assert small == PINNED

    assert multiply_plan(10) == 800
    Indicator.objects.update(section=section)
    copies = list(Indicator.objects.with_structure().filter(vision__measure__goal__number__gt=10).in_plan_order())
    approve_sample(copies, 2024, planner_user, every=9)
    plain = [copy for copy in copies if [series.key for series in copy.series.all()] == [""]]
    for copy in plain[: QUEUE_SHOWN + 10]:
        submitted(copy.code, approver_user, year=2025, value=1)
    large = counted_queries(client, users, section)
    assert large == small

    client.force_login(approver_user)
    page = client.get(reverse("entry:my_indicators")).content.decode()
    assert "ほかの承認者の承認を待っているもの（" in page and 'class="work-queue__more"' in page


@time_machine.travel(MAY_2026, tick=False)
def test_the_planners_summaries_count_in_sql_on_a_plan_ten_times_larger(client, planner_user):
    """入力状況 counts per section and 推進施策 in the database; 期限超過 loads only the outstanding indicators."""
    summaries = {
        "completeness": reverse("entry:completeness") + "?year=2025",
        "overdue": reverse("entry:overdue") + "?year=2025",
    }
    client.force_login(planner_user)
    small = queries_per_page(client, summaries)
    multiply_plan(10)
    assert queries_per_page(client, summaries) == small
    page = client.get(summaries["completeness"]).content.decode()
    assert "基本目標19－推進施策10" in page


# --- odd values never give a server error -----------------------------------------------------------------------------

ODD_PAGES = ["", "0", "-1", "1", "2", "abc", "²", "２", "9" * 30, "1.5", "1e3", "1_0", " 1 "]
ODD_YEARS = ["", "2024", "1999", "2099", "abc", "9" * 30, "令和6年度", "R6", "２０２４", "-2024"]
ODD_STATUSES = ["", "missing", "approved", "APPROVED", "none", "x" * 300]


# Named so as not to be taken for pytest-playwright's `page` fixture (which would parametrize the test by browser).
@pytest.mark.parametrize("page_value", ODD_PAGES)
@pytest.mark.parametrize("year_value", ODD_YEARS)
def test_odd_page_and_year_give_a_page(client, entry_user, page_value, year_value):
    client.force_login(entry_user)
    response = client.get(reverse("entry:my_indicators"), {"page": page_value, "year": year_value})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


@pytest.mark.parametrize(
    "which, status, expected",
    [
        ("", "", 200),
        ("own", "", 200),
        ("own", "missing", 200),
        ("none", "", 404),  # 所管課未設定 is the planners' choice only
        ("abc", "", 404),
        ("999999", "", 404),
        ("9" * 30, "", 404),
        ("other", "", 404),  # another section's: not this person's to choose
        *(("own", status, 200) for status in ODD_STATUSES),
    ],
)
def test_odd_sections_and_statuses_give_a_page_or_not_found(client, entry_user, other_section, which, status, expected):
    client.force_login(entry_user)
    chosen = {"own": str(entry_user_section(entry_user)), "other": str(other_section.pk)}.get(which, which)
    response = client.get(reverse("entry:my_indicators"), {"section": chosen, "status": status, "page": "x"})
    assert response.status_code == expected


def entry_user_section(user) -> int:
    return Membership.objects.get(user=user).section_id


def test_a_planner_may_choose_the_unassigned_with_any_page(client, planner_user):
    client.force_login(planner_user)
    for page in ODD_PAGES:
        response = client.get(reverse("entry:my_indicators"), {"section": "none", "page": page})
        assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and all(row.indicator.section_id is None for row in rows)


def test_plan_order_of_the_queue_follows_the_plan(entry_user):
    items = work_queue(entry_user, MAY_2026.date()).actionable
    keys = [
        (
            item.fiscal_year,
            *Indicator.objects.filter(pk=item.indicator.pk)
            .values_list(
                F("vision__measure__goal__number"),
                F("vision__measure__number"),
                F("vision__number"),
                "kind",
                "position",
            )
            .get(),
        )
        for item in items
    ]
    assert keys == sorted(keys) and len(items) == 10  # five indicators, 令和6年度 overdue and 令和7年度 not submitted
    assert re.fullmatch(r"(overdue ){5}(not_submitted ){5}", "".join(f"{i.kind} " for i in items))

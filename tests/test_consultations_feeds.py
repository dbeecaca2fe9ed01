"""A fed indicator proposes its actual from APPROVED consultation counts, with a breakdown (consultations.feeds)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from bench.plan_data import second_person
from consultations.feeds import proposal_for, proposals
from consultations.models import Agency, Area, Category, District, IndicatorFeed, WindowType
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from indicators.entry.proposals import Proposal
from indicators.models import Indicator
from setagaya_plan.core import review

pytestmark = pytest.mark.django_db

DEMENTIA_INDICATOR = "G1-M03-V1-O1"  # あんしんすこやかセンターの認知症に関する相談件数 (推進施策3 成果指標1)


@pytest.fixture(autouse=True)
def _in_2025():
    with time_machine.travel(datetime.datetime(2025, 5, 20, 10, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False):
        yield


def enter(user, code, fiscal_year, month, cells, approved=True):
    values = {
        (WindowType.objects.get(name=window), Category.objects.get(name=category)): count
        for (window, category), count in cells.items()
    }
    place = Place(district=District.objects.get(code=code))
    report = save_counts(
        place=place, fiscal_year=fiscal_year, month=month, user=user, values=values, expected_version=None
    )
    if approved:
        report = review.approve(
            COUNT_REVIEW, review.submit(COUNT_REVIEW, report, user, report.version), second_person(), report.version + 1
        )
    return report


@pytest.fixture
def counts(planner_user):
    """令和6年度 (2024). Approved あんしんすこやかセンター × 認知症 (what the indicator counts), by hand:

    池尻 (世田谷) April 40 + May 35, 梅丘 (北沢) April 25, 烏山 (烏山) whole year 300  → 400
    Not counted: a draft (池尻 June 50), another category (高齢 99), another window (まちづくりセンター 認知症 7),
    another year (FY2023 池尻 April 1,000).
    """
    enter(
        planner_user,
        "ikejiri",
        2024,
        4,
        {("あんしんすこやかセンター", "認知症"): 40, ("あんしんすこやかセンター", "高齢"): 99},
    )
    enter(
        planner_user,
        "ikejiri",
        2024,
        5,
        {("あんしんすこやかセンター", "認知症"): 35, ("まちづくりセンター", "認知症"): 7},
    )
    enter(planner_user, "ikejiri", 2024, 6, {("あんしんすこやかセンター", "認知症"): 50}, approved=False)
    enter(planner_user, "umegaoka", 2024, 4, {("あんしんすこやかセンター", "認知症"): 25})
    enter(planner_user, "karasuyama", 2024, 0, {("あんしんすこやかセンター", "認知症"): 300})
    enter(planner_user, "ikejiri", 2023, 4, {("あんしんすこやかセンター", "認知症"): 1000})


def test_the_fed_indicator_proposes_the_approved_total_with_its_breakdown(counts):
    proposal = proposal_for(Indicator.objects.get(code=DEMENTIA_INDICATOR), 2024)
    assert isinstance(proposal, Proposal)
    assert proposal.value == Decimal(400)
    assert proposal.unit == "件"
    assert proposal.source_label == "令和6年度（2024年度） あんしんすこやかセンターの相談件数（認知症）"
    assert proposal.breakdown == [
        ("世田谷地域", Decimal(75)),
        ("北沢地域", Decimal(25)),
        ("烏山地域", Decimal(300)),
    ]
    # 池尻 April, May; 梅丘 April; 烏山's whole year = 12 months: 15 of 28 × 12 = 336, and a draft is waiting.
    assert "地区×月 336 のうち承認済 15" in proposal.note
    assert "年度の途中の値です" in proposal.note
    assert "未承認の報告が 1 件あり、含んでいません" in proposal.note


def test_another_year_proposes_its_own_counts(counts):
    assert proposal_for(Indicator.objects.get(code=DEMENTIA_INDICATOR), 2023).value == Decimal(1000)


def test_no_proposal_without_a_feed_without_approved_counts_or_when_switched_off(counts):
    assert proposal_for(Indicator.objects.get(code="G1-M01-V1-A3"), 2024) is None
    assert proposal_for(Indicator.objects.get(code=DEMENTIA_INDICATOR), 2022) is None
    IndicatorFeed.objects.filter(indicator__code=DEMENTIA_INDICATOR).update(active=False)
    assert proposal_for(Indicator.objects.get(code=DEMENTIA_INDICATOR), 2024) is None


def test_a_feed_over_several_windows_and_categories_breaks_down_by_category_too(counts, planner_user):
    indicator = Indicator.objects.get(code="G1-M01-V2-O1")
    feed = IndicatorFeed.objects.create(indicator=indicator)
    feed.windows.set(WindowType.objects.filter(name__in=["あんしんすこやかセンター", "まちづくりセンター"]))
    feed.categories.set(Category.objects.filter(name__in=["認知症", "高齢"]))
    proposal = proposal_for(indicator, 2024)
    # 400 (あんすこ 認知症) + 99 (あんすこ 高齢) + 7 (まちづくりセンター 認知症)
    assert proposal.value == Decimal(506)
    assert ("分類：高齢", Decimal(99)) in proposal.breakdown
    assert ("分類：認知症", Decimal(407)) in proposal.breakdown
    assert proposal.source_label.endswith("まちづくりセンター・あんしんすこやかセンターの相談件数（高齢・認知症）")


def test_an_agency_counted_for_the_ward_appears_as_its_own_line(planner_user):
    indicator = Indicator.objects.get(code="G1-M01-V2-O1")
    feed = IndicatorFeed.objects.create(indicator=indicator)
    platform = Agency.objects.get(name="ぷらっとホーム世田谷")
    port = Agency.objects.get(name="地域障害者相談支援センター「ぽーと」")
    feed.agencies.set([platform, port])
    for place, agency, count in [(Place(), platform, 12), (Place(area=Area.objects.get(name="砧")), port, 8)]:
        report = save_counts(
            place=place,
            fiscal_year=2024,
            month=4,
            user=planner_user,
            values={(agency, Category.objects.get(name="生活困窮")): count},
            expected_version=None,
        )
        review.approve(
            COUNT_REVIEW,
            review.submit(COUNT_REVIEW, report, planner_user, report.version),
            second_person(),
            report.version + 1,
        )
    proposal = proposal_for(indicator, 2024)
    assert proposal.value == Decimal(20)
    assert proposal.breakdown == [("砧地域", Decimal(8)), ("全区（地域に分けない機関）", Decimal(12))]


def test_the_entry_page_include_shows_the_value_source_and_breakdown(counts):
    proposal = proposal_for(Indicator.objects.get(code=DEMENTIA_INDICATOR), 2024)
    html = render_to_string("consultations/includes/actual_proposal.html", {"proposal": proposal})
    assert "相談件数からの提案値" in html
    assert 'data-proposal-value="400"' in html and "400件" in html
    assert "あんしんすこやかセンターの相談件数（認知症）" in html
    assert "烏山地域" in html and "300件" in html
    assert "理由を確認コメントに書いてください" in html
    assert render_to_string("consultations/includes/actual_proposal.html", {"proposal": None}).strip() == ""


def test_the_entry_page_shows_the_proposal_through_the_extension_point(counts, client, planner_user):
    # indicators asks its registry of proposal providers; consultations registered its own in ready().
    client.force_login(planner_user)
    page = client.get(reverse("entry:indicator", args=[DEMENTIA_INDICATOR, 2024])).content.decode()
    assert "相談件数からの提案値" in page and 'data-proposal-value="400"' in page
    other = client.get(reverse("entry:indicator", args=["G1-M01-V1-A3", 2024])).content.decode()
    assert "data-proposal-value" not in other


def test_consultations_propose_for_a_whole_list_in_queries_that_do_not_grow_with_it(
    counts, django_assert_max_num_queries
):
    indicators = list(Indicator.objects.filter(vision__measure__number__in=[1, 3]))
    with django_assert_max_num_queries(12):
        found = proposals(indicators, 2024)
    assert list(found) == [Indicator.objects.get(code=DEMENTIA_INDICATOR).pk]
    assert found[Indicator.objects.get(code=DEMENTIA_INDICATOR).pk].value == Decimal(400)

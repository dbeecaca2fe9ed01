"""A plan of many 基本目標 is shown on the dashboard and the public home a page of 基本目標 at a time, cut between
基本目標: each page costs the 推進施策 lines it shows, and the plan's total stays the whole plan's. The real plan
(17 推進施策) is one page. The plan is grown here the way bench/ grows it (copies of 基本目標1 as 11, 12, …)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bench.plan_data import multiply_plan
from indicators.progress import overview
from indicators.progress.overview import goal_pages
from tests.query_counts import queries_per_page

pytestmark = pytest.mark.django_db


def goal_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="goal-(\d+)"', html)


def test_the_real_plan_is_one_page(client, planner_user):
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": 2024})
    assert len(response.context["pages"]) == 1
    assert "進捗状況のページ" not in response.content.decode()


@pytest.fixture
def three_pages(monkeypatch):
    """基本目標1 (10 推進施策) and 2 on the first page, 11 and 12 on one each: 15 lines per page."""
    multiply_plan(3)
    monkeypatch.setattr(overview, "DASHBOARD_ROWS", 15)
    pages = goal_pages()
    assert [[goal.number for goal in page.goals] for page in pages] == [[1, 2], [11], [12]]
    return pages


@pytest.mark.parametrize("url_name", ["progress:dashboard", "public:home"])
def test_each_page_shows_its_goals_and_the_whole_plan_s_total(client, planner_user, settings, three_pages, url_name):
    settings.PUBLIC_SITE_ENABLED = True
    client.force_login(planner_user)
    url = reverse(url_name)
    seen = []
    for page in three_pages:
        response = client.get(url, {"year": 2024, "page": page.number})
        html = response.content.decode()
        assert goal_headings(html) == [str(goal.number) for goal in page.goals]
        assert response.context["total"].total == 240  # the plan's 240 indicators on every page
        assert f"{page.number}／3ページ：{page.label}" in html
        seen += goal_headings(html)
    assert seen == ["1", "2", "11", "12"]


def test_page_links_keep_the_chosen_view(client, planner_user, three_pages):
    client.force_login(planner_user)
    html = client.get(reverse("progress:dashboard"), {"year": 2024, "sort": "shortfall", "page": 2}).content.decode()
    assert 'href="?year=2024&amp;sort=shortfall&amp;page=3"' in html
    assert 'href="?year=2024&amp;sort=shortfall&amp;page=2" title="基本目標11" aria-current="page"' in html


def test_every_page_runs_the_same_queries(client, planner_user, three_pages):
    client.force_login(planner_user)
    url = reverse("progress:dashboard") + "?year=2024"
    counts = queries_per_page(client, {str(page.number): f"{url}&page={page.number}" for page in three_pages})
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("odd", ["abc", "0", "-1", "９", "9" * 30, "1.5", "%00", ""])
def test_an_unreadable_page_number_shows_a_page(client, planner_user, three_pages, odd):
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": 2024, "page": odd})
    assert response.status_code == 200 and response.context["page"] in three_pages

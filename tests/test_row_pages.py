"""A 推進施策 with more printed rows than a page holds is shown a window of rows at a time, on the measure page (staff
and public) and in the annual report: every row exactly once across its pages, in printed order, each page loading
only its rows. The page size is made small here so that the real plan's 推進施策 need several pages."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from indicators.progress import paging
from indicators.progress.report import report_pages
from measures.models import Measure

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC)


def printed_rows(context) -> list[tuple[int, str, bool]]:
    """(めざす姿, indicator code, 【再掲】) of every indicator row a measure page shows, in order."""
    return [
        (block["vision"].number, row.indicator.code, row.relisted)
        for block in context["visions"]
        if block["on_page"]
        for table in block["tables"]
        for row in table.rows
        if row.first_of_indicator
    ]


def busiest_measure() -> Measure:
    """The 推進施策 with the most printed rows and more than one めざす姿."""
    measures = [m for m in Measure.objects.in_plan_order() if m.visions.count() > 1]
    return max(measures, key=lambda measure: len(paging.row_keys(measure)))


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("url_name", ["progress:measure", "public:measure"])
def test_a_measure_page_shows_every_row_once_a_window_at_a_time(client, planner_user, monkeypatch, settings, url_name):
    settings.PUBLIC_SITE_ENABLED = True
    client.force_login(planner_user)
    measure = busiest_measure()
    url = reverse(url_name, args=[measure.goal.number, measure.number])
    whole = client.get(url, {"year": 2024})
    assert whole.context["window"] is None and "指標の表のページ" not in whole.content.decode()
    every_row = printed_rows(whole.context)
    assert len(every_row) == len(paging.row_keys(measure)) > 6

    monkeypatch.setattr(paging, "PAGE_ROWS", 4)
    first = client.get(url, {"year": 2024})
    window = first.context["window"]
    assert window.paginator.num_pages == -(-len(every_row) // 4)
    shown, headings = [], []
    for number in window.paginator.page_range:
        page = client.get(url, {"year": 2024, "page": number})
        html = page.content.decode()
        rows = printed_rows(page.context)
        assert len(rows) == (4 if number < window.paginator.num_pages else len(every_row) - 4 * (number - 1))
        assert f"{number}／{window.paginator.num_pages}ページ" in html
        assert f"指標の行 {4 * (number - 1) + 1}〜" in html
        assert re.search(rf'<a href="\?year=2024&amp;page={number}"[^>]*aria-current="page">', html)
        headings += re.findall(r'<h3 id="vision-(\d+)">', html)
        shown += rows
    assert shown == every_row  # each row once, in printed order
    # Every めざす姿 is printed, and one cut by a page is printed again, marked 続き, where it continues.
    assert {int(number) for number in headings} == {block["vision"].number for block in whole.context["visions"]}
    # The summary counts the whole 推進施策 on every page.
    assert first.context["rollup"].total == whole.context["rollup"].total


@time_machine.travel(NOW, tick=False)
def test_a_window_loads_and_grades_only_its_rows(client, planner_user, monkeypatch):
    client.force_login(planner_user)
    measure = busiest_measure()
    url = reverse("progress:measure", args=[measure.goal.number, measure.number])
    monkeypatch.setattr(paging, "PAGE_ROWS", 2)
    for number in range(1, -(-len(paging.row_keys(measure)) // 2) + 1):
        context = client.get(url, {"year": 2024, "page": number}).context
        assert 1 <= len(context["evaluator"].data) <= 2
        assert {code for _vision, code, _relisted in printed_rows(context)} == {
            indicator.code for indicator in context["evaluator"].indicators
        }


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("odd", ["abc", "0", "-1", "９", "9" * 30, "1.5", "%00", ""])
def test_an_unreadable_page_number_shows_a_page(client, planner_user, monkeypatch, odd):
    client.force_login(planner_user)
    monkeypatch.setattr(paging, "PAGE_ROWS", 3)
    response = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024, "page": odd})
    assert response.status_code == 200 and response.context["window"].number >= 1


@time_machine.travel(NOW, tick=False)
def test_the_report_gives_a_large_measure_pages_of_its_own(client, planner_user, monkeypatch):
    client.force_login(planner_user)
    measure = busiest_measure()
    rows = len(paging.row_keys(measure))
    monkeypatch.setattr(paging, "PAGE_ROWS", rows - 1)
    pages = report_pages()
    own = [page for page in pages if measure in page.measures]
    assert len(own) == 2 and all(page.measures == [measure] for page in own)
    assert [page.parts[0].label for page in own] == [f"{measure.label}（1／2）", f"{measure.label}（2／2）"]
    assert sum(page.rows for page in own) == rows
    codes = []
    for page in own:
        response = client.get(reverse("progress:report", args=[2024]), {"page": page.number})
        html = response.content.decode()
        assert f"推進施策{measure.number}　{measure.title}（{page.parts[0].part}／2）" in html
        codes += [
            (row.indicator.code, row.relisted)
            for item in response.context["measures"]
            for block in item.visions
            for table in block["tables"]
            for row in table.rows
            if row.first_of_indicator
        ]
    assert len(codes) == len(set(codes)) == rows
    # Every other 推進施策 is on exactly one page, never beside a cut one.
    others = [m for page in pages if measure not in page.measures for m in page.measures]
    assert sorted(m.pk for m in others) == sorted(m.pk for m in Measure.objects.exclude(pk=measure.pk))

"""Pages that show many rows cost what they show: the measure page, the annual report (paged by 推進施策) and its
workbook run the same queries on the real plan as on one four times larger (bench/plan_data.py copies 基本目標1 and
re-lists every copy under 推進施策1), and the workbook of a large plan is prepared in the background."""

from __future__ import annotations

import datetime
import io
import re
import time

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from bench.plan_data import approve, approve_sample, multiply_plan, relist_into
from indicators.models import Indicator
from indicators.progress import prepared
from indicators.progress.paging import PAGE_ROWS
from indicators.progress.report import report_pages
from tests.query_counts import queries_per_page

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 9, 1)


def _urls() -> dict[str, str]:
    return {
        "measure page": reverse("progress:measure", args=[1, 1]) + "?year=2024",
        "annual report, first page": reverse("progress:report", args=[2024]),
        "annual report workbook": reverse("progress:report_xlsx", args=[2024]),
    }


# Pinned: each includes the session's 3 queries and the plan's years. The first page of the report adds the
# summary of the whole plan (read from the stored grades) to the indicators printed on it. The measure page reads its
# summary from the stored grades, and its rows' keys (to choose its window) and year columns in one query each. The
# evaluator reads the values each revision of the 実施計画 set in 2 more.
PINNED = {
    "measure page": 31,
    "annual report, first page": 36,
    "annual report workbook": 29,
}


def _larger_plan(user) -> list[Indicator]:
    multiply_plan(4)
    copies = list(Indicator.objects.with_structure().filter(vision__measure__goal__number__gt=10).in_plan_order())
    relist_into(copies, goal=1, measure=1, vision=1)
    approve_sample(copies, 2024, user, every=9)
    return copies


@time_machine.travel(NOW, tick=False)
def test_the_same_queries_on_a_plan_four_times_larger(client, planner_user, monkeypatch):
    monkeypatch.setattr(prepared, "DIRECT_ROWS", 10**6)  # the workbook written in the request at both sizes
    client.force_login(planner_user)
    approve_sample(list(Indicator.objects.with_structure().in_plan_order()), 2024, planner_user, every=3)
    small = queries_per_page(client, _urls())
    assert small == PINNED
    _larger_plan(planner_user)
    large = queries_per_page(client, _urls())
    # 推進施策1 now prints 253 rows, more than a page holds: the report's first page is a window of them, which reads
    # the rows' keys in one query more (indicators.progress.paging); otherwise the same.
    assert report_pages()[0].parts[0].parts == 2
    assert large == {**small, "annual report, first page": small["annual report, first page"] + 1}
    # The measure page really shows every copy, a page of rows at a time.
    first = client.get(reverse("progress:measure", args=[1, 1]))
    assert first.context["window"].paginator.count > 240  # three copies of 80 re-listed, and its own


@time_machine.travel(NOW, tick=False)
def test_the_report_is_cut_between_measures_and_each_measure_is_on_one_page(client, planner_user):
    client.force_login(planner_user)
    url = reverse("progress:report", args=[2024])
    single = client.get(url)
    assert len(single.context["pages"]) == 1 and "概要" in single.content.decode()  # the real plan: one page
    multiply_plan(6)
    pages = report_pages()
    assert len(pages) > 1
    assert all(page.rows <= PAGE_ROWS or len(page.measures) == 1 for page in pages)
    headings = []
    for page in pages:
        response = client.get(url, {"page": page.number})
        html = response.content.decode()
        assert ("概要" in html) == (page.number == 1)  # the summary heads the first page only
        assert f"{page.number}／{len(pages)}ページ" in html
        headings += re.findall(r'<h2 id="measure-\d+">(.*?)</h2>', html)
    assert len(headings) == len(set(headings)) == sum(len(page.measures) for page in pages)
    for odd in ("abc", "0", "-1", "９", "9" * 30):
        assert client.get(url, {"page": odd}).status_code == 200


@pytest.fixture
def large(monkeypatch):
    """Any plan counts as large: its workbook is prepared in the background."""
    monkeypatch.setattr(prepared, "DIRECT_ROWS", 0)
    cache.clear()


@time_machine.travel(NOW, tick=False)
def test_a_large_workbook_is_prepared_in_the_background_then_downloaded(
    client, planner_user, entry_user, approver_user, large, django_capture_on_commit_callbacks
):
    client.force_login(planner_user)
    url = reverse("progress:report_xlsx", args=[2024])
    with django_capture_on_commit_callbacks() as started:
        waiting = client.get(url)
    assert waiting.status_code == 202 and "作成しています" in waiting.content.decode()
    assert len(started) == 1  # the thread starts once the request's transaction is over
    with django_capture_on_commit_callbacks() as again:
        assert client.get(url).status_code == 202
    assert again == []  # one preparation, however often the page asks
    # What the thread runs: the workbook, beating at each step and 推進施策.
    key = prepared.workbook_key(2024, TODAY)
    prepared.prepare(key, 2024, TODAY, prepared.status(key).token)
    ready = client.get(url)
    assert ready.status_code == 200 and "progress_report_2024.xlsx" in ready["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(ready.content))
    assert workbook.sheetnames[:2] == ["概要", "指標一覧"]
    # Data changed since: a fresh preparation, never the stale file.
    approve(Indicator.objects.get(code="G1-M01-V1-A3"), 2024, entry_user, {"": 3}, approver=approver_user)
    with django_capture_on_commit_callbacks() as restarted:
        assert client.get(url).status_code == 202
    assert len(restarted) == 1


@time_machine.travel(NOW, tick=False)
def test_a_preparation_whose_server_went_away_is_started_again(
    client, planner_user, large, django_capture_on_commit_callbacks
):
    client.force_login(planner_user)
    key = prepared.workbook_key(2024, TODAY)
    stale = time.time() - prepared.STALE_SECONDS - 1
    cache.set(key, {"state": "running", "done": 3, "total": 11, "beat": stale, "token": "old"})
    with django_capture_on_commit_callbacks() as started:
        response = client.get(reverse("progress:report_xlsx", args=[2024]))
    assert response.status_code == 202 and len(started) == 1
    # The old thread, should it still run, stops at its next beat and leaves the new one alone.
    prepared.prepare(key, 2024, TODAY, "old")
    assert prepared.status(key).state == "running" and prepared.status(key).token != "old"
    assert prepared.prepared_file(key) is None
    cache.set(key, {"state": "failed", "done": 0, "total": 0, "beat": time.time(), "token": "x"})
    failed = client.get(reverse("progress:report_xlsx", args=[2024]))
    assert "作成できませんでした" in failed.content.decode()

"""The indicator list's filter lists every 推進施策 and めざす姿 of a plan of ordinary size; once a plan has more than
`CHOICES_AT_ONCE` of them it lists the 推進施策 of the chosen 基本目標 and the めざす姿 of the chosen 推進施策, always
with the one already chosen. The limit is made small here so that the real plan (10 推進施策, 15 めざす姿) passes it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indicators.models import Indicator
from indicators.progress import filters
from measures.models import Goal, Measure, Vision

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>(.*?)</option>", select)


def listing(client, **query) -> str:
    response = client.get(reverse("progress:indicator_list"), {"year": 2024, **query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_plan_of_ordinary_size_lists_every_choice(client, planner_user):
    client.force_login(planner_user)
    html = listing(client)
    assert len(options(html, "measure")) == 1 + Measure.objects.count() == 11
    assert len(options(html, "vision")) == 1 + Vision.objects.count() == 16
    assert "基本目標を選ぶと" not in html


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(filters, "CHOICES_AT_ONCE", 5)


@pytest.mark.usefixtures("large")
def test_a_large_plan_lists_the_chosen_goal_s_measures_and_the_chosen_measure_s_visions(client, planner_user):
    client.force_login(planner_user)
    html = listing(client)
    assert options(html, "measure") == ["すべて"] and options(html, "vision") == ["すべて"]
    assert 'aria-describedby="id_measure-help"' in html and "基本目標を選ぶと、その推進施策から選べます。" in html

    goal = Goal.objects.get(number=1)
    html = listing(client, goal=goal.pk)
    assert len(options(html, "measure")) == 1 + 10 and options(html, "vision") == ["すべて"]

    measure = Measure.objects.get(goal=goal, number=5)
    html = listing(client, goal=goal.pk, measure=measure.pk)
    assert len(options(html, "vision")) == 1 + measure.visions.count()


@pytest.mark.usefixtures("large")
def test_a_link_naming_a_measure_alone_still_filters_by_it(client, planner_user):
    """The dashboard links to 「ほか N件」 with ?measure= and no 基本目標."""
    client.force_login(planner_user)
    measure = Measure.objects.get(goal__number=1, number=1)
    response = client.get(reverse("progress:indicator_list"), {"year": 2024, "measure": measure.pk})
    html = response.content.decode()
    assert options(html, "measure") == ["すべて", f"{measure.label} {measure.title}"]
    assert f'<option value="{measure.pk}" selected>' in html
    assert not response.context["form"].errors
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    assert shown and shown <= set(Indicator.objects.listed_under(measure).values_list("pk", flat=True))


@pytest.mark.usefixtures("large")
@pytest.mark.parametrize("query", [{"goal": "abc"}, {"measure": "999999"}, {"goal": "-1", "vision": "９"}])
def test_odd_choices_get_a_message_not_an_error_page(client, planner_user, query):
    client.force_login(planner_user)
    html = listing(client, **query)
    assert "絞り込み" in html

"""indicators.progress.filters.FilterSelect writes a <select> from its choices without the template engine: the
markup must be exactly what Django's own Select widget renders, for every field of the indicator list's filter and
for selected, unknown, empty and grouped values and labels that need escaping."""

from __future__ import annotations

import pytest
from django import forms

from indicators.evaluation import active_scheme
from indicators.models import Indicator
from indicators.progress.filters import FilterSelect, IndicatorFilter
from measures.models import Measure

pytestmark = pytest.mark.django_db

YEARS = [(2024, "令和6年度（2024年度）"), (2025, "令和7年度（2025年度）")]


def django_select(widget: forms.Select) -> forms.Select:
    plain = forms.Select(attrs=widget.attrs)
    plain.choices = widget.choices
    return plain


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"year": "2025", "kind": "action", "grade": "attention"},
        {"year": "abc", "goal": "999999", "measure": "x", "vision": "-1"},
        {"year": "2024", "section": "", "plan_item": "%00"},
    ],
)
def test_every_filter_select_is_django_s_markup(data):
    measure = Measure.objects.in_plan_order().first()
    filterset = IndicatorFilter(
        {**data, "measure": data.get("measure", str(measure.pk))},
        queryset=Indicator.objects.all(),
        scheme=active_scheme(),
        years=YEARS,
    )
    form = filterset.form
    form.is_valid()
    selects = [name for name, field in form.fields.items() if isinstance(field.widget, FilterSelect)]
    assert len(selects) == 8
    for name in selects:
        bound = form[name]
        assert str(bound) == bound.as_widget(widget=django_select(bound.field.widget)), name


@pytest.mark.parametrize("value", [None, "", "b", ["a", "b"], "<&>"])
def test_grouped_choices_and_escaping_are_django_s_markup(value):
    choices = [("", "すべて"), ("a", "A <b>&"), ("群", [("b", "B"), ("<&>", "\"'")]), ("b", "B again")]
    ours = FilterSelect(attrs={"id": "x", "data-note": 'a"b'}, choices=choices)
    theirs = forms.Select(attrs={"id": "x", "data-note": 'a"b'}, choices=choices)
    assert ours.render("field", value) == theirs.render("field", value)

"""改定名 and 決定日 on every form that may change targets: a refusal lands on the field it is about."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from indicators.models import PlanRevision
from indicators.revision_forms import decided_field, resolve_revision, revision_field

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("latest_revision")]


class RevisionOnlyForm(forms.Form):
    revision = revision_field()
    decided = decided_field()

    def clean(self):
        cleaned = super().clean()
        self.plan_revision = resolve_revision(self)
        return cleaned


@pytest.fixture
def latest_revision():
    PlanRevision.objects.original()
    return PlanRevision.objects.create(number=1, name="令和8年度改定", decided=datetime.date(2026, 6, 1))


@pytest.mark.parametrize(
    ("revision", "decided", "field", "words"),
    [
        ("令和9年度改定", "", "decided", "決定日を指定してください"),
        ("令和9年度改定", "2027/13/40", "decided", "決定日を 2026-06-01 の形で"),
        ("令和9年度改定", "来年六月", "decided", "決定日を 2026-06-01 の形で"),
        ("令和9年度改定", "2026-01-01", "decided", "決定日の順に登録してください"),
        ("令和8年度改定", "2026-07-01", "decided", "決定日は2026-06-01です"),
        ("当初", "", "revision", "変更を加えられません"),
        ("改" * 101, "2027-06-01", "revision", "100"),
    ],
)
def test_a_refused_revision_names_the_field_it_is_about(revision, decided, field, words):
    form = RevisionOnlyForm({"revision": revision, "decided": decided})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert words in form.errors[field][0]
    assert PlanRevision.objects.count() == 2


@pytest.mark.parametrize(
    ("revision", "decided", "expected"),
    [
        ("", "", None),
        ("  ", "2027-06-01", None),
        ("令和8年度改定", "", "令和8年度改定"),
        ("令和8年度改定", "2026-06-01", "令和8年度改定"),
        ("令和9年度改定", "2027/6/1", "令和9年度改定"),
    ],
)
def test_a_usable_revision_is_found_or_prepared_unsaved(revision, decided, expected):
    form = RevisionOnlyForm({"revision": revision, "decided": decided})
    assert form.is_valid(), form.errors
    found = form.plan_revision
    assert (found.name if found else None) == expected
    assert PlanRevision.objects.count() == 2

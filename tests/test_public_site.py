"""/public/: off by default (404 everywhere); when on, approved data only, no staff names, no internal comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from bench.plan_data import approve
from indicators.models import Indicator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("after_the_2024_deadline")]

TRAINING = "G1-M01-V1-A3"
ISOLATED = "G1-M01-V3-O1"
URLS = [("public:home", []), ("public:measure", [1, 1]), ("public:indicator", [TRAINING])]


@pytest.fixture
def reports(entry_user, approver_user):
    approve(
        Indicator.objects.get(code=TRAINING),
        2024,
        entry_user,
        {"": 3},
        factor_analysis="講師の確保が遅れた。",
        next_steps="年度当初に確保する。",
        comment="庁内限りの確認メモ",
        approver=approver_user,
    )
    # Submitted, not approved: must not appear anywhere in public.
    approve(Indicator.objects.get(code=ISOLATED), 2024, entry_user, {"": Decimal("12.7")}, approve_it=False)


@pytest.mark.parametrize("name, args", URLS)
def test_public_site_is_off_by_default(client, settings, name, args):
    assert settings.PUBLIC_SITE_ENABLED is False
    assert client.get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize("name, args", URLS)
def test_public_site_opens_without_login_when_on(client, settings, name, args, reports):
    settings.PUBLIC_SITE_ENABLED = True
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize("name, args", URLS)
def test_public_site_is_read_only(client, settings, name, args):
    settings.PUBLIC_SITE_ENABLED = True
    assert client.post(reverse(name, args=args)).status_code == 405


def test_public_pages_show_approved_data_without_names_or_internal_comments(client, settings, reports):
    settings.PUBLIC_SITE_ENABLED = True
    pages = [
        client.get(reverse("public:home"), {"year": 2024}).content.decode(),
        client.get(reverse("public:measure", args=[1, 1]), {"year": 2024}).content.decode(),
        client.get(reverse("public:indicator", args=[TRAINING])).content.decode(),
        client.get(reverse("public:indicator", args=[ISOLATED])).content.decode(),
    ]
    home, measure, training, _isolated = pages
    assert "推進施策1　地区で相談を受け止め、つながり続ける仕組み" in home
    assert '<span class="actual">3回</span>' in measure and "未達成" in measure
    assert "講師の確保が遅れた。" in training and "年度当初に確保する。" in training
    for page in pages:
        assert "staff_a" not in page and "approver_a" not in page  # no staff names
        assert "庁内限りの確認メモ" not in page  # Report.comment is internal
        assert "12.7%" not in page and 'class="provisional"' not in page  # unapproved stays out
        assert "ログアウト" not in page
    # Links stay inside the public site.
    assert reverse("public:indicator", args=[TRAINING]) in measure
    assert reverse("progress:indicator", args=[TRAINING]) not in measure


def test_unknown_public_pages_are_404(client, settings):
    settings.PUBLIC_SITE_ENABLED = True
    assert client.get(reverse("public:measure", args=[1, 99])).status_code == 404
    assert client.get(reverse("public:indicator", args=["G9-M99-V9-A9"])).status_code == 404

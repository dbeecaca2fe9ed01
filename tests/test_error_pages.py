"""Error pages speak Japanese and say what to do next."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_not_found_page_is_japanese(client, settings):
    settings.DEBUG = False
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_forbidden_page_is_japanese_and_names_the_reason(entry_user):
    client = Client()
    client.force_login(entry_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # admin sends non-staff to its own login
    response = client.get(reverse("entry:fiscal_years"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "この操作を行う権限がありません" in page and "計画担当のみ" in page


def test_csrf_failure_page_is_japanese(entry_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(entry_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in response.content.decode()

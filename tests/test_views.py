from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_plan_overview_needs_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_plan_overview_shows_goals_measures_and_counts(client, django_assert_max_num_queries):
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))
    with django_assert_max_num_queries(11):  # includes saving the session (idle timeout) and the footer's plan period
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "世田谷区地域保健医療福祉総合計画" in page
    assert "令和6年度（2024年度）～令和13年度（2031年度）" in page
    assert "基本目標1　世田谷版地域包括ケアシステムを強化する" in page
    assert "推進施策10　防犯・防災" in page
    assert "基本目標2　世田谷版地域包括ケアシステムを支える基盤整備" in page
    assert "この基本目標の推進施策はまだ登録されていません" in page
    assert '<html lang="ja">' in page


def test_login_page_is_japanese_and_wrong_password_says_why(client):
    get_user_model().objects.create_user("staff", password="correct-horse")
    page = client.get(reverse("login")).content.decode()
    assert "ユーザー名" in page and "パスワード" in page
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    response = client.post(reverse("login"), {"username": "staff", "password": "correct-horse"})
    assert response.status_code == 302


def test_pages_load_nothing_from_the_internet(client):
    client.force_login(get_user_model().objects.create_user("staff", password="pw"))
    for url in [reverse("home"), reverse("login")]:
        page = client.get(url).content.decode()
        assert "http://" not in page and "https://" not in page


def test_demo_users_are_created_with_the_demo_password(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    user = get_user_model().objects.get(username="demo_planner")
    assert user.check_password("demo-pass-123")
    assert "demo_planner / demo-pass-123" in out.getvalue()


def test_demo_users_are_never_created_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG が有効な開発環境でのみ"):
        call_command("create_demo_users")
    assert not get_user_model().objects.filter(username="demo_planner").exists()

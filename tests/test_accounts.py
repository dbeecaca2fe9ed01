"""Password change for every user, the password rules in Japanese, and `create_user` for the first real users."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from setagaya_plan.core.models import AuditEntry, Membership, Section
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "setagaya-welfare-2031"


def test_every_logged_in_page_links_to_the_password_change(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in page and "パスワード変更" in page


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["entry", "approver", "viewer", "planner"])
def test_each_role_changes_its_own_password_and_stays_logged_in(who, users_by_role):
    user = users_by_role[who]
    client = Client()
    client.force_login(user)
    page = client.get(reverse("password_change")).content.decode()
    assert (
        "パスワードの変更" in page and "パスワードは最低 10 文字以上必要です。" in page
    )  # the rules, shown before typing
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "パスワードを変更しました" in client.get(response["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "old, new1, new2, message",
    [
        ("wrong-old-password", NEW_PASSWORD, NEW_PASSWORD, "元のパスワードが間違っています"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "確認用パスワードが一致しません"),
        (PASSWORD, "tk-2024", "tk-2024", "このパスワードは短すぎます。最低 10 文字以上必要です。"),
        (PASSWORD, "password123", "password123", "このパスワードは一般的すぎます。"),
        (PASSWORD, "20242031202420", "20242031202420", "このパスワードは数字しか使われていません。"),
        (PASSWORD, "staff_a_2024x", "staff_a_2024x", "このパスワードは ユーザー名 と似すぎています。"),
    ],
)
def test_refused_passwords_are_explained_in_japanese_and_nothing_changes(client, entry_user, old, new1, new2, message):
    client.force_login(entry_user)
    response = client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    entry_user.refresh_from_db()
    assert entry_user.check_password(PASSWORD)


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def _login_works(username: str, password: str) -> bool:
    return authenticate(RequestFactory().post("/login/"), username=username, password=password) is not None


def test_create_user_with_section_and_role_and_an_initial_password():
    Section.objects.create(name="保健福祉政策課")
    out = run("yamada", "--section", "保健福祉政策課", "--role", "planner", "--admin", "--name", "山田", "--no-input")
    user = get_user_model().objects.get(username="yamada")
    assert user.last_name == "山田" and user.is_staff and user.is_superuser
    assert [(m.section.name, m.role) for m in Membership.objects.filter(user=user)] == [("保健福祉政策課", "planner")]
    assert "ユーザー「yamada」を作りました: 保健福祉政策課の計画担当（管理画面も可）。" in out
    password = out.split("初期パスワード: ")[1].split()[0]
    assert len(password) >= 12 and _login_works("yamada", password)
    logged = list(AuditEntry.objects.filter(source="create_user").order_by("pk"))
    assert [(entry.action, entry.object_repr, entry.user) for entry in logged] == [
        ("add", "yamada", None),
        ("add", "yamada 保健福祉政策課（計画担当）", None),
    ]
    assert logged[0].changes["パスワード"] == [None, "（非表示）"] and password not in str(logged[0].changes)


def test_create_user_takes_the_role_in_japanese_and_asks_the_password(monkeypatch):
    section = Section.objects.create(name="高齢福祉課")
    typed = iter(["a", "b", "short", "short", NEW_PASSWORD, NEW_PASSWORD])  # mismatch, too short, good
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    err = io.StringIO()
    call_command(
        "create_user", "sato", "--section", "高齢福祉課", "--role", "入力担当", stdout=io.StringIO(), stderr=err
    )
    assert "2回の入力が一致しません" in err.getvalue() and "このパスワードは短すぎます" in err.getvalue()
    user = get_user_model().objects.get(username="sato")
    assert not user.is_staff
    assert Membership.objects.get(user=user).section == section and Membership.objects.get(user=user).role == "entry"
    assert _login_works("sato", NEW_PASSWORD)


def test_create_user_makes_a_new_section_only_when_asked():
    with pytest.raises(CommandError, match="所管課「障害保健福祉課」がありません。いまある所管課: （まだありません）"):
        run("kato", "--section", "障害保健福祉課", "--role", "approver", "--no-input")
    assert not get_user_model().objects.filter(username="kato").exists()
    out = run("kato", "--section", "障害保健福祉課", "--role", "approver", "--create-section", "--no-input")
    assert "所管課「障害保健福祉課」を作りました。" in out
    created = AuditEntry.objects.filter(source="create_user").order_by("pk").first()
    assert (created.object_repr, created.changes) == ("障害保健福祉課", {"所管課名": [None, "障害保健福祉課"]})
    assert Membership.objects.get(user__username="kato").section.name == "障害保健福祉課"


@pytest.mark.parametrize(
    "args, message",
    [
        (["x1", "--section", "保健福祉政策課", "--role", "admin"], "役割「admin」はありません。"),
        (["staff_a", "--section", "保健福祉政策課", "--role", "viewer"], "ユーザー「staff_a」はすでにあります。"),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(entry_user, args, message):
    Section.objects.get_or_create(name="保健福祉政策課")
    users = get_user_model().objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args, "--no-input")
    assert get_user_model().objects.count() == users

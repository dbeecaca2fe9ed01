"""Login lockout (django-axes + setagaya_plan.accounts.lockout) on /login/ and /admin/login/, and its unlocking.

Settings as shipped: an account after 10 failures from anywhere, a client address after 100 failures across all
accounts, 30 minutes. Tests that need the address limit lower it, to keep the number of POSTs small.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from setagaya_plan.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URLS = ["/login/", "/admin/login/"]
LOCKED_TEXT = "このユーザー名またはこの端末からのログインを30分間停止しています"
START = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff_user(entry_user):
    """The entry user, also allowed into the admin, so one account serves both login pages."""
    entry_user.is_staff = True
    entry_user.save(update_fields=["is_staff"])
    return entry_user


def attempt(url: str, username: str, password: str, *, address: str = "192.0.2.10", agent: str = "Edge/131"):
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post(url, {"username": username, "password": password, "next": "/"})
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(url: str, username: str, times: int, **where) -> list[int]:
    return [attempt(url, username, "wrong-password", **where)[1].status_code for _ in range(times)]


@pytest.mark.parametrize("url", LOGIN_URLS)
@time_machine.travel(START, tick=False)
def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(url, staff_user):
    statuses = fail(url, "staff_a", 20)
    assert statuses[:9] == [200] * 9  # the form again, with the usual message
    assert statuses[9:] == [429] * 11  # the 10th failure locks

    client, response = attempt(url, "staff_a", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインを一時的に停止しています" in page and LOCKED_TEXT in page
    assert "正しいパスワードでもログインできません" in page
    assert not logged_in(client)


@pytest.mark.parametrize("url", LOGIN_URLS)
@time_machine.travel(START, tick=False)
def test_a_failure_before_the_limit_does_not_stop_the_right_password(url, staff_user):
    fail(url, "staff_a", 9)
    client, response = attempt(url, "staff_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    # A successful login starts the count again.
    assert not AccessAttempt.objects.filter(username="staff_a").exists()


@time_machine.travel(START, tick=False)
def test_the_lockout_page_does_not_tell_whether_the_account_exists(staff_user):
    fail("/login/", "staff_a", 10)
    fail("/login/", "no_such_user", 10)
    known = attempt("/login/", "staff_a", PASSWORD)[1]
    unknown = attempt("/login/", "no_such_user", PASSWORD)[1]
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content
    # Before the lock, too, the form says the same for both.
    first_known = attempt("/login/", "approver_x", "wrong-password")[1].content.decode()
    assert "ユーザー名またはパスワードが正しくありません" in first_known


@time_machine.travel(START, tick=False)
def test_the_lock_ends_after_the_cool_off_and_tries_while_locked_do_not_extend_it(staff_user):
    fail("/login/", "staff_a", 10)
    with time_machine.travel(START + datetime.timedelta(minutes=20), tick=False):
        assert fail("/login/", "staff_a", 3) == [429] * 3
        assert attempt("/login/", "staff_a", PASSWORD)[1].status_code == 429
    with time_machine.travel(START + datetime.timedelta(minutes=30, seconds=1), tick=False):
        client, response = attempt("/login/", "staff_a", PASSWORD)
        assert response.status_code == 302 and logged_in(client)


@time_machine.travel(START, tick=False)
def test_changing_address_or_browser_does_not_escape_the_account_lock(staff_user):
    for n in range(10):
        fail("/login/", "staff_a", 1, address=f"198.51.100.{n}", agent=f"Bot/{n}")
    client, response = attempt("/login/", "staff_a", PASSWORD, address="203.0.113.77", agent="Firefox/133")
    assert response.status_code == 429 and not logged_in(client)


@time_machine.travel(START, tick=False)
def test_colleagues_behind_one_address_are_not_locked_out_by_each_others_typing(staff_user, approver_user, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 30
    for name in ["tanaka", "suzuki", "sato"]:  # 27 failures from the office's one address, 9 per person
        assert fail("/login/", name, 9) == [200] * 9
    client, response = attempt("/login/", "approver_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


@time_machine.travel(START, tick=False)
def test_an_address_trying_many_accounts_is_locked_for_every_account(staff_user, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 30
    statuses = [attempt("/login/", f"guess{n}", "Password1")[1].status_code for n in range(30)]
    assert statuses == [200] * 29 + [429]
    # Every account from that address, the right password too …
    assert attempt("/admin/login/", "staff_a", PASSWORD)[1].status_code == 429
    # … but not from elsewhere.
    client, response = attempt("/login/", "staff_a", PASSWORD, address="192.0.2.99")
    assert response.status_code == 302 and logged_in(client)


@time_machine.travel(START, tick=False)
def test_unlock_with_the_axes_command(staff_user):
    fail("/admin/login/", "staff_a", 10)
    out = io.StringIO()
    call_command("axes_reset_username", "staff_a", stdout=out)
    client, response = attempt("/admin/login/", "staff_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


@time_machine.travel(START, tick=False)
def test_a_planner_sees_the_locks_and_unlocks_an_account_and_an_address(staff_user, planner_user, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 20
    fail("/login/", "staff_a", 10, address="192.0.2.50")
    fail("/login/", "someone", 10, address="192.0.2.10")
    fail("/login/", "another", 10, address="192.0.2.10")  # 20 from this address: it is locked too
    planner = Client()
    planner.force_login(planner_user)
    page = planner.get(reverse("accounts:lockouts")).content.decode()
    assert all(name in page for name in ["staff_a", "someone", "another", "192.0.2.10"])
    assert "192.0.2.50" not in page  # 10 failures from there: under the address limit
    assert "接続元アドレス" in page and "2025年6月2日 18:30" in page  # 30 minutes on, in Japan time

    response = planner.post(reverse("accounts:unlock"), {"kind": "username", "value": "staff_a"})
    assert response.status_code == 302
    assert "ユーザー名「staff_a」のログイン停止を解除しました" in planner.get(response["Location"]).content.decode()
    lifted = AuditEntry.objects.for_subject(staff_user).get(action="login_unlock")
    assert (lifted.user, lifted.changes) == (planner_user, {"ユーザー名「staff_a」のログイン停止": ["停止中", "解除"]})
    client, response = attempt("/login/", "staff_a", PASSWORD, address="192.0.2.50")
    assert response.status_code == 302 and logged_in(client)
    # The locked address stays locked for everybody until its own lock is lifted.
    assert attempt("/login/", "staff_a", PASSWORD, address="192.0.2.10")[1].status_code == 429
    planner.post(reverse("accounts:unlock"), {"kind": "ip_address", "value": "192.0.2.10"})
    assert AuditEntry.objects.filter(action="login_unlock").latest("pk").changes == {
        "接続元アドレス「192.0.2.10」のログイン停止": ["停止中", "解除"]
    }
    client, response = attempt("/login/", "staff_a", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302 and logged_in(client)
    page = planner.get(reverse("accounts:lockouts")).content.decode()
    assert "いま停止しているユーザー名・接続元はありません" in page


def test_unlocking_what_is_not_locked_says_so(planner_user):
    planner = Client()
    planner.force_login(planner_user)
    response = planner.post(reverse("accounts:unlock"), {"kind": "username", "value": "nobody"}, follow=True)
    assert "停止されていません" in response.content.decode()
    response = planner.post(reverse("accounts:unlock"), {"kind": "session", "value": "x"}, follow=True)
    assert "一覧から選び直してください" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "entry", "approver", "viewer"])
def test_only_planners_see_and_lift_locks(who, users_by_role):
    client = Client()
    if users_by_role[who]:
        client.force_login(users_by_role[who])
    AccessAttempt.objects.create(
        username="staff_a", ip_address="192.0.2.1", user_agent="x", failures_since_start=10, get_data="", post_data=""
    )
    for response in [
        client.get(reverse("accounts:lockouts")),
        client.post(reverse("accounts:unlock"), {"kind": "username", "value": "staff_a"}),
    ]:
        assert response.status_code == (302 if who == "anonymous" else 403)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    assert AccessAttempt.objects.filter(username="staff_a").exists()


def test_unlock_is_post_only(planner_user):
    client = Client()
    client.force_login(planner_user)
    assert client.get(reverse("accounts:unlock")).status_code == 405


@time_machine.travel(START, tick=False)
def test_unlock_in_the_admin_by_deleting_the_failed_attempts(staff_user):
    fail("/login/", "staff_a", 10)
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "pw"))
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "staff_a" in admin.get(changelist).content.decode()
    ids = list(AccessAttempt.objects.filter(username="staff_a").values_list("pk", flat=True))
    admin.post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    client, response = attempt("/login/", "staff_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


@time_machine.travel(START, tick=False)
def test_behind_the_wards_proxy_the_address_it_saw_counts_not_one_the_browser_wrote(staff_user, settings):
    # What LOGIN_PROXY_COUNT=1 sets (settings.py): the right-most X-Forwarded-For entry, added by the proxy.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    for n, forwarded in enumerate(["203.0.113.9", "198.51.100.1, 203.0.113.9", "10.9.9.9, 8.8.8.8, 203.0.113.9"]):
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
        client.post("/login/", {"username": f"user{n}", "password": "wrong"})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@time_machine.travel(START, tick=False)
def test_without_a_proxy_a_forwarded_header_is_ignored(staff_user):
    client = Client(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.post("/login/", {"username": "someone", "password": "wrong"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]


@pytest.mark.parametrize("url", LOGIN_URLS)
@time_machine.travel(START, tick=False)
def test_a_user_name_longer_than_any_account_is_a_failed_login_not_a_500(url):
    # Django's login form authenticates without checking the name's length; the count of failures is kept for the
    # name cut to what its column holds (PostgreSQL refused the whole name with a server error).
    long_name = "x" * 300
    assert fail(url, long_name, 2) == [200, 200]
    [counted] = AccessAttempt.objects.all()
    assert counted.username == "x" * 255 and counted.failures_since_start == 2

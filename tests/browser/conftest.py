"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, installed by ./dev test).

Never a downloaded browser. Without Chromium these tests fail — they must not skip in CI.

Fixtures build on each other: the loaded plan → the demo logins (or a member of a given section and role) → a page
logged in through the login form.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from setagaya_plan.core.models import Membership, Section

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
PASSWORD = "demo-pass-for-browser"  # every login of the browser tests

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside one unless told.
# Tests only: the app itself never runs that way.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} がありません: apt-get install chromium（./dev test が入れます）")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def plan_loaded(transactional_db):
    """Live-server tests run in a flushed database: load the plan as `./dev run` does."""
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request):
    """Every browser test also checks that the pages it used broke no rule of the Content-Security-Policy."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield
    assert violations == []


@pytest.fixture
def demo_users(plan_loaded, settings, monkeypatch):
    """The demo logins of `./dev run` (demo_staff, demo_approver, demo_planner, demo_viewer), as the command makes."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    settings.DEBUG = True  # the command refuses to make demo logins in production
    call_command("create_demo_users", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture
def password() -> str:
    """The password of every login the browser tests make, for a test that types it itself."""
    return PASSWORD


@pytest.fixture
def member(plan_loaded):
    """member(username, section, role): a user with one role in a section, who logs in with the tests' password."""

    def make(username: str, section: Section, role: str):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=user, section=section, role=role)
        return user

    return make


@pytest.fixture
def log_in(live_server, page: Page):
    """log_in(username, start="/login/"): sign in through the login form (reached from `start`) and wait for it."""

    def sign_in(username: str, start: str = "/login/") -> Page:
        page.goto(f"{live_server.url}{start}")
        expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_role("button", name=f"ログアウト（{username}）")).to_be_visible()
        return page

    return sign_in


@pytest.fixture
def log_out(page: Page):
    def sign_out(username: str) -> None:
        page.get_by_role("button", name=f"ログアウト（{username}）").click()
        expect(page.get_by_role("heading", name="ログイン")).to_be_visible()

    return sign_out

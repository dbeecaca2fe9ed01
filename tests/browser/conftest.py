"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, installed by ./dev test).

Never a downloaded browser. Without Chromium these tests fail — they must not skip in CI.

Fixtures build on each other: the loaded plan → the demo logins (or a member of a given section and role) → a page
logged in through the login form.
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from bench.plan_data import approve
from indicators.entry.workflow import REPORT_REVIEW
from indicators.models import Indicator
from setagaya_plan.core import review
from setagaya_plan.core.fiscal_years import default_fiscal_year
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
def year_of_work(demo_users, django_user_model):
    """The year pages open on, as in May: approved actuals (a shortfall with its 要因分析, a 進捗率 of −3,300 %),
    a report waiting for approval and one returned to the section."""
    year = default_fiscal_year()
    users = {name: django_user_model.objects.get(username=name) for name in ("demo_planner", "demo_staff")}
    approver = django_user_model.objects.get(username="demo_approver")

    def indicator(code):
        return Indicator.objects.get(code=code)

    planner = users["demo_planner"]
    approve(indicator("G1-M01-V1-A3"), year, planner, {"": 3}, factor_analysis="講師の確保が遅れた。")
    # 現況値 13.8% → 目標 13.0%: 40.2% is a 進捗率 of −3,300 %, shown as 範囲外.
    approve(indicator("G1-M01-V3-O1"), year, planner, {"": Decimal("40.2")}, next_steps="見守りを広げる。")
    approve(indicator("G1-M05-V2-A2"), year, planner, {"yearly": 0, "cumulative": 5})
    approve(indicator("G1-M09-V1-A1"), year, planner, {"": 140})
    staff = users["demo_staff"]
    approve(indicator("G1-M04-V1-A3"), year, staff, {"": 20}, approve_it=False)
    returned = approve(indicator("G1-M10-V1-O5"), year, staff, {"a": 10, "b": 700}, approve_it=False)
    review.send_back(REPORT_REVIEW, returned, approver, returned.version, "b) の値を確認してください。")
    return year


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

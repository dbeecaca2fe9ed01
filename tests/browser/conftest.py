"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, installed by ./dev test).

Never a downloaded browser. Without Chromium these tests fail — they must not skip in CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

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

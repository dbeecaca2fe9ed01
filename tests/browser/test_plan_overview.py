from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_logs_in_and_reads_the_plan(plan_loaded, live_server, page: Page):
    get_user_model().objects.create_user("demo_viewer", password="pass-for-test-1")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    page.get_by_label("ユーザー名").fill("demo_viewer")
    page.get_by_label("パスワード").fill("pass-for-test-1")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("世田谷区地域保健医療福祉総合計画")
    expect(page.get_by_role("heading", name="推進施策5　住まい")).to_be_visible()
    # Keyboard users first reach the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_viewer_logs_in_and_reads_the_plan(demo_users, log_in, page: Page):
    log_in("demo_viewer", start="/")  # the plan overview asks for a login first
    expect(page.get_by_role("heading", level=1)).to_have_text("世田谷区地域保健医療福祉総合計画")
    expect(page.get_by_role("heading", name="推進施策5　住まい")).to_be_visible()
    # Keyboard users first reach the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()

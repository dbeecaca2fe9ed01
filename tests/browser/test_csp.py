"""The admin and the app's scripted pages work in Chromium under the Content-Security-Policy (no violation is
reported: tests/browser/conftest.py checks that for every browser test)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Indicator
from setagaya_plan.core.models import Membership, Section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planner(member):
    """A 計画担当 who is also a superuser, so that the admin opens."""
    user = member("csp_planner", Section.objects.create(name="保健福祉政策課"), Membership.Role.PLANNER)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_the_admin_works_under_the_policy(planner, password, live_server, page: Page):
    base = live_server.url
    response = page.goto(f"{base}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("ユーザー名").fill("csp_planner")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="管理メニュー")).to_be_visible()

    # An indicator: autocomplete (select2 fetching JSON), the two-box chooser and inline rows are all scripts.
    indicator = Indicator.objects.get(code="G1-M01-V1-A3")
    page.goto(f"{base}/admin/indicators/indicator/{indicator.pk}/change/")
    expect(page.locator("#id_plan_items_from")).to_be_visible()  # SelectFilter2 built the chooser
    page.locator(".field-section .select2-selection").click()
    page.locator(".select2-search__field").fill("保健")
    expect(page.locator(".select2-results__option", has_text="保健福祉政策課")).to_be_visible()
    page.keyboard.press("Escape")
    rows = page.locator("#relistings-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#relistings-group .add-row a").click()
    expect(rows).to_have_count(before + 1)

    # A list with the date drill-down and filters, and the dark/light theme toggle (admin/js/theme.js).
    page.goto(f"{base}/admin/auth/user/")
    expect(page.get_by_role("link", name="csp_planner")).to_be_visible()
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") in {"dark", "light", "auto"}


def test_the_entry_grid_script_works_under_the_policy(planner, log_in, live_server, page: Page):
    base = live_server.url
    log_in("csp_planner")
    page.goto(f"{base}/entry/grid/?year=2024")
    expect(page.get_by_role("heading", level=1)).to_contain_text("一括入力")
    page.goto(f"{base}/progress/")
    expect(page.locator(".bar__segment").first).to_be_visible()

"""Every page reachable from the menu, for each role, at 1366 px and at 375 px (a phone): axe-core reports no
violation, and at 375 px the page does not scroll sideways (a wide table scrolls inside its own box).

Reachable: the menu's links, then the links in the main content of those pages and of the pages they lead to, one
page per URL pattern (a measure page stands for all 推進施策). Left out: downloads, logout, and Django's admin
(its own pages, not the app's). The year worked on holds approved actuals with 要因分析, one out-of-range 進捗率, a
report waiting for approval and one returned to its section (`year_of_work` in conftest.py), so the pages show what
they show in May.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

from tests.browser.accessibility import axe_violations, settle, sideways_overflow

pytestmark = pytest.mark.django_db(transaction=True)

WIDE, PHONE = 1366, 375
DEPTH = 2  # menu page → a page it links to → a page that one links to

# Views a link may lead to that are not pages: files to download, and leaving.
NOT_PAGES = {
    "logout",
    "progress:indicator_export",
    "progress:report_xlsx",
    "consultations:export",
    "imports:template",
    "imports:printed",
    "imports:actuals",
}


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def _links(page: Page, selector: str, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    return [href.split("#")[0] for href in hrefs if href.startswith(origin)]


def _check(page: Page, url: str) -> list[str]:
    """The page at both widths: what axe finds, and sideways scrolling on the phone."""
    problems = []
    page.set_viewport_size({"width": WIDE, "height": 768})
    page.goto(url)
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": 768 if width == WIDE else 812})
        settle(page)
        problems += [f"{url} {width}px: {violation}" for violation in axe_violations(page)]
        if width == PHONE and (overflow := sideways_overflow(page)):
            problems.append(f"{url} {width}px: 横にスクロールします（{overflow}px はみ出し）")
    return problems


def _sweep(page: Page, origin: str, starts: list[str]) -> tuple[list[str], list[str]]:
    """Visit every page reachable from `starts` (one per URL pattern); the names visited and the problems."""
    seen: set[str] = set()
    problems: list[str] = []
    queue = [(url, 0) for url in starts]
    while queue:
        url, depth = queue.pop(0)
        name = _view_name(url)
        if name is None or name in seen or name in NOT_PAGES or name.startswith("admin:"):
            continue
        seen.add(name)
        problems += _check(page, url)
        if depth < DEPTH:
            queue += [(link, depth + 1) for link in _links(page, "main a[href]", origin)]
    return sorted(seen), problems


def _menu(page: Page, origin: str) -> list[str]:
    page.goto(f"{origin}/")
    return _links(page, "nav[aria-label='メインメニュー'] a[href]", origin)


@pytest.mark.usefixtures("year_of_work")
@pytest.mark.parametrize("username", ["demo_staff", "demo_approver", "demo_planner"])
def test_every_menu_page_of_a_role_passes_axe_and_fits_a_phone(log_in, live_server, page, username):
    log_in(username)
    visited, problems = _sweep(page, live_server.url, _menu(page, live_server.url))
    assert problems == []
    # The sweep reached the pages of the role's work, not only the menu.
    assert {"entry:my_indicators", "entry:indicator", "progress:measure", "progress:indicator"} <= set(visited)
    if username == "demo_planner":
        assert {"progress:report", "progress:settings", "entry:grid", "consultations:statistics"} <= set(visited)


@pytest.mark.usefixtures("year_of_work")
def test_every_public_page_passes_axe_and_fits_a_phone(live_server, page, settings):
    settings.PUBLIC_SITE_ENABLED = True
    visited, problems = _sweep(page, live_server.url, [*_menu(page, live_server.url), f"{live_server.url}/public/"])
    assert problems == []
    assert {"home", "login", "public:home", "public:measure", "public:indicator"} <= set(visited)

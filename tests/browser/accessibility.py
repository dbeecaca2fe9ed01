"""axe-core in the browser tests: run the vendored engine (tests/browser/vendor/axe-core) in a page and read its
violations, and measure whether a page scrolls sideways.

The engine is evaluated through the DevTools protocol (page.evaluate), not added as a <script>: the app's
Content-Security-Policy refuses inline scripts, and the tests check that it does.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# The standards the product promises (WCAG 2.1 AA) plus axe's best practices (landmarks, headings, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def settle(page: Page) -> None:
    """Two animation frames: scripts reacting to a resize (static/js/tables.js) have run."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def axe_violations(page: Page) -> list[str]:
    """One line per rule the page breaks (rule, impact, help, the first elements), none when it passes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(_RUN, AXE_TAGS)


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: it does not scroll sideways)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")

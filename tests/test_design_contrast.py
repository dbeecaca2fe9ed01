"""Status badges meet WCAG 2.1 AA contrast (4.5:1 for their text) with the colours of the デジタル庁 design tokens.

The colours are read from the stylesheets as the browser would resolve them: a rule's var(--token, fallback) is
looked up in the vendored tokens.css (and app.css's own aliases).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"
TOKEN_FILES = [STATIC / "vendor" / "digital-go-jp-design-tokens" / "tokens.css", STATIC / "css" / "app.css"]


def _tokens() -> dict[str, str]:
    found = {}
    for path in TOKEN_FILES:
        found.update(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", path.read_text(encoding="utf-8")))
    return found


def resolve(value: str, tokens: dict[str, str]) -> str:
    value = value.strip()
    for _ in range(10):
        match = re.fullmatch(r"var\((--[\w-]+)(?:\s*,\s*([^)]+))?\)", value)
        if not match:
            return value
        value = tokens.get(match[1], match[2] or "").strip()
    raise AssertionError(value)


def rule(css: Path, selector: str) -> dict[str, str]:
    body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css.read_text(encoding="utf-8"))
    assert body, f"{selector} not in {css.name}"
    return dict((k.strip(), v.strip()) for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body[1]))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted([luminance(one), luminance(other)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    "css, selector",
    [
        ("entry.css", ".status--returned"),
        ("entry.css", ".status--submitted"),
        ("entry.css", ".status--approved"),
        ("entry.css", ".status--draft"),
        ("entry.css", ".status--overdue"),
        ("consultations.css", ".status--returned"),
    ],
)
def test_status_badges_have_text_contrast_of_at_least_4_5(css, selector):
    tokens = _tokens()
    declared = rule(STATIC / "css" / css, selector)
    text = resolve(declared["color"], tokens)
    background = resolve(declared.get("background", "var(--color-neutral-white)"), tokens)
    assert contrast(text, background) >= 4.5, (selector, text, background, round(contrast(text, background), 2))


def test_the_measure_is_the_wcag_one():
    assert round(contrast("#ec0000", "#fdeeee"), 2) == 4.08  # the 差戻し badge as it was
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0

"""Consultations tell status by words and drawn icons, like the rest of the app — never by emoji, which a font
without the glyph shows as an empty box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consultations.models import CountReport
from consultations.templatetags.consultation_tags import status_badge

ROOT = Path(__file__).resolve().parent.parent
# Emoji and pictographs (⏳ 🔒 …) and the dingbats the pages used as status marks (✔ ✎ ↩ ○).
PICTOGRAPHS = re.compile("[\u2300-\u23ff\u2700-\u27bf\U0001f300-\U0001faff\u21a9\u25cb]")


EMOJI = re.compile("[\u23f0-\u23ff\U0001f300-\U0001faff]")  # ⏳ 🔒 …, which many fonts lack


@pytest.mark.parametrize(
    "path",
    [
        *sorted((ROOT / "templates" / "consultations").rglob("*.html")),
        ROOT / "consultations/templatetags/consultation_tags.py",
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_pictograph_for_status_in_consultations(path):
    assert PICTOGRAPHS.findall(path.read_text(encoding="utf-8").replace("✖", "")) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_emoji_in_any_page(path):
    assert EMOJI.findall(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "status, label",
    [("", "未入力"), *((status.value, status.label) for status in CountReport.Status)],
)
def test_a_status_badge_is_a_drawn_icon_and_words(status, label):
    badge = str(status_badge(status))
    assert '<svg class="icon' in badge and 'aria-hidden="true"' in badge
    assert badge.endswith(f" {label}</span>")

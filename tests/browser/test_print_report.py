"""The annual report printed to PDF in the browser (A4 landscape, as a planner prints it): it carries the 要因分析
and 今後の方向性 written with the year's actuals, no page but the last is more than half empty, and no page ends on
a heading whose content went to the next page."""

from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from setagaya_plan.core.fiscal_years import fiscal_year_label

pytestmark = pytest.mark.django_db(transaction=True)

MARGIN_PT = 12 / 25.4 * 72  # @page margin: 12mm (static/css/progress.css)


def _plain(text: str) -> str:
    """PDF text as the page says it: the reader gives some kanji as their radicals (⽥ for 田); no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _lines(page) -> list[tuple[float, str]]:
    """The page's lines of text, top to bottom, each with the height of its baseline above the page's foot."""
    runs: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))

    page.extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in runs:
        key = next((known for known in lines if abs(known - y) < 2), y)
        lines.setdefault(key, []).append((x, text))
    return [(y, _plain("".join(t for _, t in sorted(lines[y])))) for y in sorted(lines, reverse=True)]


def test_the_printed_report_has_the_analyses_and_no_half_empty_page_or_heading_at_a_page_foot(
    year_of_work, log_in, live_server, page: Page, tmp_path
):
    log_in("demo_planner")
    page.goto(f"{live_server.url}/progress/report/{year_of_work}/")
    headings = [
        _plain(text)
        for text in page.eval_on_selector_all(
            "main h1, main h2, main h3, main h4, main caption, .report-analysis__name",
            "nodes => nodes.map(n => n.innerText)",
        )
    ]
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)

    reader = PdfReader(pdf)
    pages = [_lines(p) for p in reader.pages]
    assert len(pages) > 10  # every 推進施策 of the plan
    text = "".join(line for lines in pages for _, line in lines)
    assert _plain(f"{fiscal_year_label(year_of_work)}の要因分析と今後の方向性") in text
    assert _plain("要因分析講師の確保が遅れた。") in text and _plain("今後の方向性見守りを広げる。") in text

    height = float(reader.pages[0].mediabox.height)
    middle = height / 2
    for number, lines in enumerate(pages[:-1], start=1):
        lowest, last_line = lines[-1]
        # More than half empty: nothing printed in the lower half of the page's content area.
        assert lowest < middle, f"{number}ページ目の下半分が空白です（最後の行：{last_line}）"
        # A heading alone at the page's foot: the page's last line is (the start of) a heading.
        alone = [h for h in headings if len(last_line) >= 4 and (h.startswith(last_line) or last_line.startswith(h))]
        assert not alone, f"{number}ページ目が見出し「{alone[0]}」で終わっています"
    assert MARGIN_PT < pages[0][0][0] < height

"""Bar charts as inline SVG, drawn on the server: they work on the ward's closed network and print as they show.

Every bar carries its value as text, so nothing is told by colour alone, and the chart names itself to screen
readers (role="img" with a title and a description); pages put the same figures in a table beside it. Charts
are small multiples — one series per chart — because the plan's lines differ by orders of magnitude (149,183件
beside 1,588件) and a shared axis would flatten the small ones.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)

BAR_AREA_TOP = 28
BAR_AREA_HEIGHT = 160
LABEL_BAND = 44
LEFT = 56
RIGHT = 12


def nice_ceiling(value: float) -> float:
    """The next round number at or above value (1, 2, 2.5, 5 × 10^n), so gridlines fall on readable values."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _n(value: float) -> str:
    """A coordinate: format_html escapes its arguments to strings first, so numbers are formatted here."""
    return f"{value:.1f}"


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    title: str,
    bars: list[tuple[str, Decimal | int | None, str]],
    *,
    unit: str = "",
    maximum: float | None = None,
) -> SafeString:
    """bars: (label under the bar, value or None for no figure, text printed above the bar).

    `maximum` fixes the scale (100 for rates) so charts of the same kind compare at a glance.
    """
    chart_id = f"chart-{next(_ids)}"
    values = [float(v) for _, v, _ in bars if v is not None]
    top = maximum if maximum is not None else nice_ceiling(max(values, default=0))
    count = max(len(bars), 1)
    # A slot per bar wide enough for its label, so few bars make a narrow chart rather than tiny text.
    slot = 88 if count <= 6 else 48
    width = LEFT + RIGHT + slot * count
    bar_width = min(slot * 0.6, 48)
    height = BAR_AREA_TOP + BAR_AREA_HEIGHT + LABEL_BAND
    baseline = BAR_AREA_TOP + BAR_AREA_HEIGHT

    grid = []
    for step in range(5):
        grid_value = top * step / 4
        y = baseline - BAR_AREA_HEIGHT * step / 4
        grid.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                width - RIGHT,
                _n(y),
                LEFT - 6,
                _n(y + 4),
                _plain(grid_value),
            )
        )

    shapes = []
    small_labels = count > 8
    for index, (label, value, text) in enumerate(bars):
        x_center = LEFT + slot * index + slot / 2
        label_y = baseline + 18
        if value is None:
            shapes.append(
                format_html(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x_center),
                    _n(baseline - 6),
                    text or "―",
                )
            )
        else:
            bar_height = BAR_AREA_HEIGHT * float(value) / top if top else 0
            shapes.append(
                format_html(
                    '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                    '<text class="chart-value{}" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x_center - bar_width / 2),
                    _n(baseline - bar_height),
                    _n(bar_width),
                    _n(bar_height),
                    " chart-value--small" if small_labels else "",
                    _n(x_center),
                    _n(baseline - bar_height - 6),
                    text,
                )
            )
        shapes.append(
            format_html(
                '<text class="chart-label{}" x="{}" y="{}" text-anchor="middle">{}</text>',
                " chart-label--small" if small_labels else "",
                _n(x_center),
                _n(label_y),
                label,
            )
        )

    description = "、".join(f"{label} {text or '―'}" for label, _, text in bars)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}"
        '<line class="chart-baseline" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        "{}"
        '<text class="chart-unit" x="{}" y="14" text-anchor="end">（{}）</text>'
        "</svg>",
        width,
        height,
        int(width * 1.25),
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((g,) for g in grid)),
        LEFT,
        baseline,
        width - RIGHT,
        baseline,
        format_html_join("", "{}", ((s,) for s in shapes)),
        LEFT - 6,
        unit or "値",
    )


HBAR_LABEL = 170
HBAR_PLOT = 220
HBAR_ROW = 30


def hbar_chart(title: str, bars: list[tuple[str, Decimal | int | None, str]], *, unit: str = "") -> SafeString:
    """Horizontal bars for a breakdown (one period, many items with long names): name, bar, value as text."""
    chart_id = f"chart-{next(_ids)}"
    values = [float(v) for _, v, _ in bars if v is not None]
    top = max(values, default=0) or 1
    width = HBAR_LABEL + HBAR_PLOT + 80
    height = HBAR_ROW * len(bars) + 24
    rows = []
    for index, (label, value, text) in enumerate(bars):
        y = 20 + HBAR_ROW * index
        length = HBAR_PLOT * float(value) / top if value is not None else 0
        rows.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                HBAR_LABEL - 8,
                _n(y + 15),
                label,
                HBAR_LABEL,
                _n(y + 4),
                _n(length),
                HBAR_ROW - 10,
                _n(HBAR_LABEL + length + 6),
                _n(y + 15),
                text or "―",
            )
        )
    description = "、".join(f"{label} {text or '―'}" for label, _, text in bars)
    return format_html(
        '<svg class="chart chart--horizontal" viewBox="0 0 {} {}" width="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line class="chart-baseline" x1="{}" y1="16" x2="{}" y2="{}"></line>'
        "{}"
        '<text class="chart-unit" x="{}" y="12" text-anchor="end">（{}）</text>'
        "</svg>",
        width,
        height,
        int(width * 1.25),
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        HBAR_LABEL,
        HBAR_LABEL,
        height - 4,
        format_html_join("", "{}", ((r,) for r in rows)),
        width - 4,
        unit or "値",
    )

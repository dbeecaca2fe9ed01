"""The SVG chart of one series on the indicator page, computed on the server (no script, prints, works offline)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from setagaya_plan.lib.numerals import format_value


@dataclass
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    year_label: str
    provisional: bool


def chart_geometry(points: list[dict], baseline: Decimal | None, unit: str) -> dict | None:
    """An SVG chart of one series: actual bars, the target line and the baseline, computed on the server.

    `points` is one dict per year: {"year", "target" (Decimal|None), "actual" (Decimal|None), "provisional"}.
    Works offline and prints; the table beside it carries the same numbers for screen readers.
    """
    values = [p["target"] for p in points if p["target"] is not None]
    values += [p["actual"] for p in points if p["actual"] is not None]
    if baseline is not None:
        values.append(baseline)
    if not values:
        return None
    width, height = 640, 300
    left, right, top, bottom = 72, 16, 16, 48
    top_value = max(values)
    step = _nice_step(top_value / 4 if top_value > 0 else Decimal(1))
    axis_max = step * ((top_value / step).to_integral_value(rounding="ROUND_CEILING") or 1)
    if axis_max <= top_value:
        axis_max += step
    plot_h = height - top - bottom
    plot_w = width - left - right
    slot = plot_w / max(len(points), 1)

    def y_of(value: Decimal) -> float:
        return round(top + plot_h - float(value / axis_max) * plot_h, 1)

    bars, target_points = [], []
    for index, point in enumerate(points):
        center = left + slot * index + slot / 2
        if point["actual"] is not None:
            y = y_of(point["actual"])
            bars.append(
                ChartBar(
                    x=round(center - slot * 0.25, 1),
                    y=y,
                    width=round(slot * 0.5, 1),
                    height=round(top + plot_h - y, 1),
                    label=format_value(point["actual"], unit),
                    year_label=point["label"],
                    provisional=point["provisional"],
                )
            )
        if point["target"] is not None:
            target_points.append(
                {"x": round(center, 1), "y": y_of(point["target"]), "label": format_value(point["target"], unit)}
            )
    ticks = []
    value = Decimal(0)
    while value <= axis_max:
        ticks.append({"y": y_of(value), "label": format_value(value, unit)})
        value += step
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": top + plot_h,
        "bars": bars,
        "target_points": target_points,
        "target_path": " ".join(f"{p['x']},{p['y']}" for p in target_points),
        "baseline_y": y_of(baseline) if baseline is not None else None,
        "baseline_label": format_value(baseline, unit) if baseline is not None else "",
        "ticks": ticks,
        "x_labels": [
            {"x": round(left + slot * i + slot / 2, 1), "label": p["short_label"]} for i, p in enumerate(points)
        ],
    }


def _nice_step(raw: Decimal) -> Decimal:
    """1, 2 or 5 × 10^k, the smallest at least `raw`: axis ticks people read at a glance."""
    exponent = raw.adjusted()
    for base in (1, 2, 5, 10):
        step = Decimal(base).scaleb(exponent)
        if step >= raw:
            return step
    return Decimal(10).scaleb(exponent)  # pragma: no cover

"""What the import preview says beside a changed value: the value with its unit, the year's target, and a warning
for a change that is more likely a slip than news.

Warned (never refused — a real change can be large):
- a change of kind: a number replaced by words ("133回" → "abc") or words by a number;
- a change of more than ±50 % of the stored number (a digit too many or too few, a wrong unit).

Kept apart from the row importers so that each importer only asks for a Change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators.entry.forms import target_display
from indicators.models import Series
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import format_decimal, format_value

LARGE_CHANGE = Decimal(50)  # percent of the stored number
NONE_SHOWN = "（なし）"


@dataclass(frozen=True)
class Change:
    """One field of a row, old → new as the preview shows them, and a warning for the person confirming."""

    field: str
    old: str
    new: str
    warning: str = ""


def with_unit(value: Decimal | None, text: str, unit: str) -> str:
    """133 回 → 133回; words as they are; nothing → （なし）."""
    if value is not None:
        return format_value(value, unit) + (f"（{text}）" if text else "")
    return text or NONE_SHOWN


def change_warning(old_value: Decimal | None, old_text: str, new_value: Decimal | None, new_text: str) -> str:
    """A warning for a number that became words or words that became a number, or a change beyond ±50 %."""
    old_number, new_number = old_value is not None, new_value is not None
    old_words, new_words = bool(old_text) and not old_number, bool(new_text) and not new_number
    if old_number and new_words:
        return "数値が文章に変わります。数値の欄に文章を入れていないか確認してください。"
    if old_words and new_number:
        return "文章が数値に変わります。文章で書く欄ではないか確認してください。"
    if old_number and new_number and old_value != 0:
        change = (new_value - old_value) / abs(old_value) * 100
        if abs(change) > LARGE_CHANGE:
            sign = "+" if change > 0 else "−"
            return (
                f"{sign}{abs(change):,.1f}%の変更です（±50%を超えています）。桁や単位の誤りがないか確認してください。"
            )
    return ""


def actual_change(field: str, series: Series, old, new) -> Change:
    """An actual's old → new (SeriesValue) with the series' unit and a warning where one is due."""
    unit = series.effective_unit
    return Change(
        field,
        with_unit(old.value, old.text, unit),
        with_unit(new.value, new.text, unit),
        warning=change_warning(old.value, old.text, new.value, new.text),
    )


def target_change(field: str, unit: str, old, new) -> Change:
    """A target's old → new (plan_rows.TargetSpec, None for none) with the unit and a warning where one is due."""

    def shown(spec) -> str:
        if spec is None:
            return NONE_SHOWN
        text = spec.shown()
        return (
            text.replace(format_decimal(spec.value), format_value(spec.value, unit), 1)
            if spec.value is not None
            else text
        )

    warning = ""
    if old is not None and new is not None and not (old.deferred_to or new.deferred_to):
        warning = change_warning(old.value, old.text, new.value, new.text)
    return Change(field, shown(old), shown(new), warning=warning)


def target_note(series: Series, fiscal_year: int) -> str:
    """The year's target beside an imported actual: 令和6年度（2024年度）の目標：133回."""
    return f"{fiscal_year_label(fiscal_year)}の目標：{target_display(series.target_for(fiscal_year), series)}"

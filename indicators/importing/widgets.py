"""django-import-export widgets for the template's columns.

Every `clean` raises ValueError with a Japanese message for bad input: django-import-export turns only a
ValueError raised in a widget into a message about that field (a decimal.InvalidOperation would not be), so every
parse error below, whatever its origin, leaves as ValueError.
"""

from __future__ import annotations

import unicodedata

from import_export import widgets

from indicators.importing.cells import CellError, ValueCell, parse_value_cell, plain_number, plan_refs_from_text
from indicators.importing.cells import unescape_formula as _unescape
from indicators.importing.datasets import ABSENT
from indicators.models import Indicator
from setagaya_plan.core.fiscal_years import FiscalYearError, parse_fiscal_year
from setagaya_plan.core.models import Section
from setagaya_plan.lib.numerals import to_half_width


def _text(value) -> str:
    if value is None or value is ABSENT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "as_tuple"):
        return plain_number(value)
    lines = [line.rstrip() for line in _unescape(str(value)).strip().splitlines()]
    return "\n".join(lines).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class NumberWidget(widgets.Widget):
    """A positive whole number: 基本目標, 推進施策, めざす姿 (５ and 5 alike)."""

    def __init__(self, what: str):
        super().__init__()
        self.what = what

    def clean(self, value, row=None, **kwargs) -> int | None:
        text = "".join(to_half_width(_text(value)).split())
        if not text:
            return None
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"{self.what}は1以上の数字で入力してください（「{_text(value)}」）。")
        return int(text)


class ChoiceWidget(widgets.Widget):
    """A choice written as its Japanese label (増加をめざす) or its stored code (up)."""

    def __init__(self, choices, aliases: dict[str, str] | None = None, *, allow_blank: bool = False):
        super().__init__()
        self.choices = list(choices)
        self.allow_blank = allow_blank
        self.lookup = {self._key(label): value for value, label in self.choices}
        self.lookup.update({self._key(value): value for value, _ in self.choices})
        self.lookup.update({self._key(alias): value for alias, value in (aliases or {}).items()})

    @staticmethod
    def _key(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()

    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value)
        if not text:
            if self.allow_blank:
                return ""
            raise ValueError(f"{'・'.join(f'「{label}」' for _, label in self.choices)}のいずれかを入力してください。")
        found = self.lookup.get(self._key(text))
        if found is None:
            labels = "・".join(f"「{label}」" for _, label in self.choices)
            raise ValueError(f"「{text}」は使えません。{labels}のいずれかを入力してください。")
        return found


# Blank is allowed: 種別 comes from the code when there is one, and a blank 方向 / 総量の種類 keeps the stored one.
KIND = ChoiceWidget(Indicator.Kind.choices, allow_blank=True)
DIRECTION = ChoiceWidget(
    Indicator.Direction.choices, {"増加": "up", "減少": "down", "↑": "up", "↓": "down"}, allow_blank=True
)
TOTAL_KIND = ChoiceWidget(
    Indicator.TotalKind.choices,
    {"合計": "sum", "最終年度": "last", "なし": "none", "累計値": "cumulative"},
    allow_blank=True,
)
PART_TOTAL_KIND = ChoiceWidget(
    Indicator.TotalKind.choices,
    {"合計": "sum", "最終年度": "last", "なし": "none", "累計値": "cumulative"},
    allow_blank=True,
)


class PartKeyWidget(widgets.Widget):
    """内訳: empty for the whole indicator, a / b, yearly / cumulative."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = "".join(unicodedata.normalize("NFKC", _text(value)).split()).lower().rstrip(")")
        if text and not (text.isascii() and text[0].isalpha() and text.replace("_", "").isalnum() and len(text) <= 20):
            raise ValueError(f"内訳「{_text(value)}」は英小文字で入力してください（a、b、yearly、cumulative など）。")
        return text


class ValueCellWidget(widgets.Widget):
    """A value cell: a number (with unit or note), a text, 他計画：…, ← or ―."""

    def clean(self, value, row=None, **kwargs) -> ValueCell:
        if value is ABSENT:
            value = None
        try:
            return parse_value_cell(value)
        except CellError as error:
            raise ValueError(str(error)) from None


class PlanRefsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> tuple[str, ...]:
        text = _text(value)
        refs = plan_refs_from_text(text)
        if text and not refs:
            raise ValueError(f"実施計画 施策「{text}」は「9-1」のように番号で入力してください（複数は「、」区切り）。")
        return refs


class SectionWidget(widgets.Widget):
    """A registered section by name. An import gives it the sections read once (`by_name`), so that a row costs no
    query; without them (the admin's column list) it asks the database."""

    def __init__(self, by_name: dict[str, Section] | None = None):
        super().__init__()
        self.by_name = by_name

    def clean(self, value, row=None, **kwargs) -> Section | None:
        name = _text(value)
        if not name:
            return None
        if self.by_name is not None:
            section = self.by_name.get(name)
        else:
            section = Section.objects.filter(name=name).first()
        if section is None:
            raise ValueError(
                f"所管課「{name}」は登録されていません。管理画面で所管課を登録するか、名称を確認してください。"
            )
        return section


class FiscalYearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> int | None:
        if not _text(value):
            return None
        try:
            return parse_fiscal_year(value)
        except FiscalYearError as error:
            raise ValueError(error.message) from None

"""Reading the cells of the plan's printed tables: values with units and notes, a)/b) and compound values, names.

The printed tables put several things into one cell, on several lines, in full or half width:

    ２８０人（令和５年度見込み）           → 280, unit 人, note 令和5年度見込み
    整備数 １箇所 / 累計整備数 ４９箇所     → two labelled values (the 整備数 / 累計整備数 parts)
    a)340 件 / b)3,200 件（令和５年度見込み）→ the a) and b) parts, one note for both
    延べ ５３０名, ４３０件（重複あり）      → qualifiers that belong to the indicator
    ４８件（累計）                        → a running total (its printed text is kept)
    第 10 期世田谷区高齢者保健福祉計画・…に基づく取組み → a year left to another plan
    ―                                    → no value

Numbers go through setagaya_plan.lib.value_input.parse_value, the one rule for typed numbers, so a malformed
number gets the same Japanese message here as in the entry screens. Text that is not a value is kept as text
(a text target such as 一部運用), with the line breaks and stray spaces of the PDF-style layout removed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from setagaya_plan.lib.numerals import plain_decimal, to_half_width
from setagaya_plan.lib.spreadsheet import FORMULA_TRIGGERS
from setagaya_plan.lib.value_input import ValueRules, number_from_cell, parse_value

DASHES = frozenset("―－-—‐ー−─")
CONTINUE_MARK = "←"
DEFERRED_PREFIX = "他計画："
QUALIFIERS = ("重複あり", "延べ")
CUMULATIVE = "累計"

_NUM = r"\d[\d,]*(?:\.\d+)?"
_UNIT = r"[^\d\s(),.:;、。~〜]{1,4}"
_LABEL = r"[぀-ヿ一-鿿々〆ー・]{1,10}"
_VALUE_LINE = re.compile(
    rf"^(?P<label>(?:{_LABEL})?)(?P<nobe>延べ)?(?P<num>{_NUM})(?P<unit>{_UNIT})?(?P<remarks>(?:\([^()]*\))*)$"
)
_PART_MARKER = re.compile(r"^(?P<key>[a-z])\)(?P<rest>.*)$")
_REMARK_LINE = re.compile(r"^(?:\([^()]*\))+$")
_REMARK = re.compile(r"\(([^()]*)\)")
_NOTE = re.compile(r"(令和|平成)(\d+|元)年|見込み|時点")
_DEFERRED = re.compile(r"計画に基づく")
_BRACKET = re.compile(r"【([^】]*)】")
_PLAN_REF = re.compile(r"(\d+)-(\d+)")
_NAME_PART = re.compile(r"^\s*([a-zａ-ｚ])\s*[)）]\s*(?P<label>.+)$")
_FOOTNOTE_MARK = re.compile(r"※[0-9０-９]*")
_NUMBER_LIKE = re.compile(r"^([\d,.]*\d[\d,.]*)[^\d]{0,4}$")
_NEGATIVE = re.compile(r"^[-−－△▲][\d０-９]")
_HYPHENS = re.compile(r"[‐‑‒–—―−ー－]")
_SPACE_BESIDE_WIDE = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000]+|[ \t\u3000]+(?=[^\x00-\x7f])")


class CellError(ValueError):
    """A cell that looks like a value but is not a valid one; the message says what to fix, in Japanese."""


EMPTY, DASH, NUMBER, TEXT, DEFERRED, CONTINUE, PARTS = (
    "empty",
    "dash",
    "number",
    "text",
    "deferred",
    "continue",
    "parts",
)


@dataclass(frozen=True)
class PartValue:
    key: str  # "a" / "b" for a)/b); "" when the value carries a label instead (整備数, 累計整備数 …)
    label: str
    value: Decimal
    unit: str
    note: str = ""
    qualifier: str = ""
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValueCell:
    kind: str
    value: Decimal | None = None
    unit: str = ""
    note: str = ""
    qualifier: str = ""
    remarks: tuple[str, ...] = ()  # parenthesised remarks that are neither note nor qualifier: 累計 …
    text: str = ""
    parts: tuple[PartValue, ...] = field(default=())

    @property
    def cumulative(self) -> bool:
        return CUMULATIVE in self.remarks

    def printed_total_text(self) -> str:
        """The text a 総量 keeps when it carries a remark: 48件（累計）. Empty for a bare number."""
        if self.kind != NUMBER or not self.remarks:
            return ""
        return plain_number(self.value) + self.unit + "".join(f"（{remark}）" for remark in self.remarks)


@dataclass(frozen=True)
class NameCell:
    name: str
    plan_refs: tuple[str, ...] = ()
    relisted: bool = False
    part_labels: dict[str, str] = field(default_factory=dict)


def parse_value_cell(raw) -> ValueCell:
    """One printed value cell. Raises CellError for a malformed number; anything that is not a value is TEXT."""
    native = _native_cell(raw)
    if native is not None:
        return native
    text = unescape_formula(str(raw))
    compact = "".join(text.split())
    marked = _marked_cell(text, compact)
    if marked is not None:
        return marked
    if _NEGATIVE.match(compact):
        # A minus before a number: parse_value's message (counts are never negative).
        _number(re.sub(r"[^\d０-９]+$", "", compact), "")
    try:
        return _parse_values(text)
    except _NotAValue:
        normal = _normal(text)
        if _NUMBER_LIKE.match(normal):
            # Digits and separators only ("1.2.3", "1,2,3"): a mistyped number, not a text target.
            _number(_NUMBER_LIKE.match(normal).group(1), "")
            raise CellError(f"「{join_lines(text)}」を数値として読み取れません。") from None
        return ValueCell(TEXT, text=join_lines(text))


def _native_cell(raw) -> ValueCell | None:
    """A cell that is not text: empty, a number Excel stored, a date (refused); None for text."""
    if raw is None:
        return ValueCell(EMPTY)
    if isinstance(raw, bool):
        return ValueCell(TEXT, text=str(raw))
    if isinstance(raw, int | float | Decimal):
        return ValueCell(NUMBER, value=decimal_from_number(raw))
    if isinstance(raw, datetime.date | datetime.time):
        raise CellError("日付として入力されています。数値または文字で入力してください。")
    return None


def _marked_cell(text: str, compact: str) -> ValueCell | None:
    """Text that is a mark rather than a value: blank, ―, the continuation mark, a year left to another plan."""
    if not compact:
        return ValueCell(EMPTY)
    if all(char in DASHES for char in compact):
        return ValueCell(DASH, text=compact)
    if compact == CONTINUE_MARK:
        return ValueCell(CONTINUE)
    if compact.startswith((DEFERRED_PREFIX, "他計画:")):
        return ValueCell(DEFERRED, text=join_lines(text.split("：", 1)[-1] if "：" in text else text.split(":", 1)[-1]))
    if _DEFERRED.search(compact):
        return ValueCell(DEFERRED, text=join_lines(text))
    return None


class _NotAValue(Exception):
    pass


@dataclass
class _Found:
    key: str = ""
    label: str = ""
    nobe: bool = False
    num: str = ""
    unit: str = ""
    remarks: list[str] = field(default_factory=list)


@dataclass
class _ValueLines:
    """The lines of a value cell read one by one: values (with a)/b) keys or 整備数-like labels) and remarks.

    A line that is none of these makes the whole cell a text (raises _NotAValue).
    """

    found: list[_Found] = field(default_factory=list)
    cell_remarks: list[str] = field(default_factory=list)
    pending_label: str = ""  # 「整備数」 on a line of its own, naming the value on the next line
    pending_nobe: bool = False  # 「延べ」 on a line of its own

    def read(self, line: str) -> None:
        normal = _normal(line)
        if _REMARK_LINE.match(normal):
            self.cell_remarks += _REMARK.findall(normal)
            return
        key = ""
        marker = _PART_MARKER.match(normal)
        if marker:
            key, normal = marker.group("key"), marker.group("rest")
            if not normal:
                raise _NotAValue
        match = _VALUE_LINE.match(normal)
        if match:
            self._value(line, key, match)
        elif key or re.search(r"\d", normal):
            raise _NotAValue
        else:
            self._word(normal)

    def _value(self, line: str, key: str, match: re.Match) -> None:
        if match.group("label") and match.group("label") != "延べ":
            # 「修了人数 ８０人」: a label on the value's line stands apart from it; 「年２回開催」 is a sentence.
            spaced = unicodedata.normalize("NFKC", line).strip()
            if not re.match(rf"^(?:[a-z]\))?\s*{re.escape(match.group('label'))}\s", spaced):
                raise _NotAValue
        label = match.group("label") or self.pending_label
        if label == "延べ":
            label, self.pending_nobe = "", True
        self.found.append(
            _Found(
                key=key,
                label=label,
                nobe=bool(match.group("nobe")) or self.pending_nobe,
                num=match.group("num"),
                unit=match.group("unit") or "",
                remarks=_REMARK.findall(match.group("remarks")),
            )
        )
        self.pending_label, self.pending_nobe = "", False

    def _word(self, normal: str) -> None:
        """A line without digits: 延べ, a unit on its own line, or the label of the next value."""
        last = self.found[-1] if self.found else None
        if normal == "延べ":
            self.pending_nobe = True
        elif last and not last.unit and not self.pending_label and len(normal) <= 4 and re.fullmatch(_UNIT, normal):
            last.unit = normal  # "１，８１６" then "箇所" on the next line
        elif re.fullmatch(_LABEL, normal) and not self.pending_label:
            self.pending_label = normal
        else:
            raise _NotAValue


def _parse_values(text: str) -> ValueCell:
    lines = _ValueLines()
    for line in _logical_lines(text):
        lines.read(line)
    if not lines.found or lines.pending_label:
        raise _NotAValue
    note, qualifier, remarks = _classify(lines.cell_remarks)
    found = lines.found
    if len(found) == 1 and not found[0].key and not found[0].label:
        only = _part_value(found[0], note, qualifier, remarks)
        return ValueCell(
            NUMBER,
            value=only.value,
            unit=only.unit,
            note=only.note,
            qualifier=only.qualifier,
            remarks=only.remarks,
        )
    parts = tuple(_part_value(item, note, qualifier, remarks) for item in found)
    return ValueCell(PARTS, note=note, qualifier=qualifier, remarks=tuple(remarks), parts=parts)


def _part_value(item: _Found, note: str, qualifier: str, remarks: list[str]) -> PartValue:
    """One value of a cell, its own remarks first and then the cell's (a note under all of a)/b))."""
    own_note, own_qualifier, own_remarks = _classify(item.remarks)
    unit = _unit(item.unit)
    return PartValue(
        key=item.key,
        label=item.label,
        value=_number(item.num, unit),
        unit=unit,
        note=own_note or note,
        qualifier="延べ" if item.nobe else (own_qualifier or qualifier),
        remarks=tuple(own_remarks + remarks),
    )


def _classify(remarks: list[str]) -> tuple[str, str, list[str]]:
    note, qualifier, rest = "", "", []
    for remark in remarks:
        if remark in QUALIFIERS:
            qualifier = remark
        elif _NOTE.search(remark) and not note:
            note = remark
        elif remark:
            rest.append(remark)
    return note, qualifier, rest


def _number(num: str, unit: str) -> Decimal:
    rules = ValueRules(unit="%" if unit == "%" else "")
    try:
        value = parse_value(num, rules)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    assert value is not None
    return value


def _unit(unit: str) -> str:
    return "%" if unit in ("%", "％") else unit


def _normal(line: str) -> str:
    """Full width to half width (digits, ％, parentheses, a)) and no spaces, for matching only."""
    return "".join(unicodedata.normalize("NFKC", line).split())


def _logical_lines(text: str) -> list[str]:
    """Lines of the cell, a parenthesis broken over two lines joined back: （令和５年度 / 見込み）."""
    lines: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if lines and _open_parens(lines[-1]) > 0:
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def _open_parens(text: str) -> int:
    return sum(text.count(c) for c in "（(") - sum(text.count(c) for c in "）)")


def decimal_from_number(raw: int | float | Decimal) -> Decimal:
    """A number Excel stored, read by the one number rule (value_input.number_from_cell); CellError if invalid."""
    try:
        return number_from_cell(raw)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def plain_number(value: Decimal | None) -> str:
    """1180, 92.8: half width, no separators, no trailing zeros — how the data files write numbers; "" for none."""
    return "" if value is None else plain_decimal(value)


def parse_name_cell(raw) -> NameCell:
    """The name cell: name without line breaks, 【実施計画 施策X－Y】 references, 【再掲】, a)/b) labels, ※."""
    text = unescape_formula(str(raw or ""))
    refs: list[str] = []
    relisted = False

    def take(match: re.Match) -> str:
        nonlocal relisted
        inner = _HYPHENS.sub("-", "".join(unicodedata.normalize("NFKC", match.group(1)).split()))
        if inner == "再掲":
            relisted = True
            return ""
        if inner.startswith("実施計画"):
            refs.extend(f"{int(a)}-{int(b)}" for a, b in _PLAN_REF.findall(inner))
            return ""
        return match.group(0)

    text = _BRACKET.sub(take, text)
    name_lines, labels = [], {}
    for line in text.splitlines():
        part = _NAME_PART.match(line)
        if part:
            labels[unicodedata.normalize("NFKC", part.group(1))] = join_lines(part.group("label"))
        elif line.strip():
            name_lines.append(line)
    name = join_lines("\n".join(name_lines))
    # A ※ mark (at the end or inside: 「30分以上歩いている※区民の割合」) points at the footnotes, kept apart.
    name = join_lines(_FOOTNOTE_MARK.sub("", name))
    return NameCell(
        name=name,
        plan_refs=tuple(dict.fromkeys(refs)),
        relisted=relisted,
        part_labels=labels,
    )


def parse_number_cell(raw) -> str:
    """番号 as the data keeps it: half-width digits and an ASCII hyphen, circled numbers kept (１-① → 1-①)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = to_half_width(unescape_formula(str(raw)))
    return _HYPHENS.sub("-", "".join(text.split()))


def name_key(name: str) -> str:
    """A name as compared, never as stored: NFKC (１日 = 1日, （ = (), without whitespace and ※ marks.

    The printed plan and the data files write one name several ways; only a difference beyond these is a new name.
    """
    return "".join(_FOOTNOTE_MARK.sub("", unicodedata.normalize("NFKC", name or "")).split())


def same_name(stored: str, read: str) -> bool:
    return name_key(stored) == name_key(read)


def join_lines(text: str) -> str:
    """Lines of a Japanese cell joined without the spaces a layout adds: 第 10 期\\n世田谷区 → 第10期世田谷区."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    joined = ""
    for line in lines:
        if joined and joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            joined += " "
        joined += line
    joined = _SPACE_BESIDE_WIDE.sub("", joined)
    return re.sub(r"[ \t]{2,}", " ", joined).strip()


def unescape_formula(text: str) -> str:
    """Undo the quote our exports put before = + - @ (setagaya_plan.lib.spreadsheet.escape_formula)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def plan_refs_from_text(text: str) -> tuple[str, ...]:
    """「9-1、10-1」 or 「９－１」 → ("9-1", "10-1")."""
    normal = _HYPHENS.sub("-", unicodedata.normalize("NFKC", str(text or "")))
    return tuple(dict.fromkeys(f"{int(a)}-{int(b)}" for a, b in _PLAN_REF.findall(normal)))

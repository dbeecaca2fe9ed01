"""One row of plan data (an indicator, or one part of it) compared with what is stored, and written.

`PlanRowImporter.import_row` first cleans and checks the whole row without writing anything; a row with any
problem raises RowInvalid with every message (sheet, row, column, what is wrong). Only then does it write, in a
savepoint, and report what changed, old → new. It runs inside the import's one transaction, and a preview is the
same run rolled back, so later rows of a file see what earlier rows created (a new 推進施策 of 基本目標2 and then
its indicators).

Structure is never invented: 推進施策, めざす姿 and 指標 may be created only under a 基本目標 whose measures are not
transcribed in fixtures/plan (基本目標2); under 基本目標1 an unknown one is an error.
"""

from __future__ import annotations

import contextlib
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction

from indicators import plan_files
from indicators.importing import widgets as w
from indicators.importing.cells import (
    CONTINUE,
    DASH,
    DEFERRED,
    EMPTY,
    NUMBER,
    PARTS,
    TEXT,
    ValueCell,
    parse_name_cell,
    parse_number_cell,
    same_name,
)
from indicators.importing.change_notes import Change, target_change
from indicators.importing.datasets import ABSENT, Col, RowSource, column_year, year_column
from indicators.models import ImplementationPlanItem, Indicator, Relisting, Series, Target
from measures.models import Goal, Measure, Vision
from setagaya_plan.core import audit
from setagaya_plan.core.fiscal_years import current_plan, fiscal_year_label
from setagaya_plan.core.models import Section
from setagaya_plan.core.uploads import Where
from setagaya_plan.lib.numerals import format_decimal
from setagaya_plan.lib.value_input import ValueRules, check_value

NON_FIELD = "__all__"
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
RELISTED_MARK = "再掲"

WIDGETS = {
    Col.CODE: w.TextWidget(),
    Col.GOAL: w.NumberWidget("基本目標"),
    Col.MEASURE: w.NumberWidget("推進施策"),
    Col.MEASURE_TITLE: w.TextWidget(),
    Col.VISION: w.NumberWidget("めざす姿"),
    Col.VISION_STATEMENT: w.TextWidget(),
    Col.KIND: w.KIND,
    Col.NUMBER: w.TextWidget(),
    Col.NAME: w.TextWidget(),
    Col.PART: w.PartKeyWidget(),
    Col.PART_LABEL: w.TextWidget(),
    Col.UNIT: w.TextWidget(),
    Col.PART_UNIT: w.TextWidget(),
    Col.DIRECTION: w.DIRECTION,
    Col.TOTAL_KIND: w.TOTAL_KIND,
    Col.PART_TOTAL_KIND: w.PART_TOTAL_KIND,
    Col.QUALIFIER: w.TextWidget(),
    Col.BASELINE: w.ValueCellWidget(),
    Col.BASELINE_NOTE: w.TextWidget(),
    Col.BASELINE_TEXT: w.TextWidget(),
    Col.TOTAL: w.ValueCellWidget(),
    Col.TOTAL_TEXT: w.TextWidget(),
    Col.PLAN_REFS: w.PlanRefsWidget(),
    Col.SECTION: w.SectionWidget(),
    Col.FOOTNOTES: w.TextWidget(),
    Col.RELISTED: w.TextWidget(),
}
# Every target column (one per year of the plan, read from the database) reads its cell the same way.
YEAR_WIDGET = w.ValueCellWidget()


def widget_for(column: str, widgets: dict = WIDGETS, year_widget=YEAR_WIDGET):
    """The widget that reads a column (of the canonical plan dataset by default); None for a column the importer
    ignores. A layout without target columns passes `year_widget=None`."""
    if column in widgets:
        return widgets[column]
    return year_widget if year_widget is not None and column_year(column) else None


@functools.cache
def closed_goals() -> frozenset[int]:
    """基本目標 whose measures are transcribed from the printed plan: their structure is never created by import."""
    return frozenset(measure.goal for measure in plan_files.read_plan().measures)


@dataclass
class RowOutcome:
    status: str
    label: str
    changes: list[Change] = field(default_factory=list)
    conflict: str = ""
    instance: models.Model | None = None
    note: str = ""  # beside the row in the preview (an actual's year target)


class RowInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.errors)


@dataclass(frozen=True)
class TargetSpec:
    start: int
    end: int
    value: Decimal | None = None
    text: str = ""
    deferred_to: str = ""

    def shown(self) -> str:
        if self.deferred_to:
            content = f"他計画：{self.deferred_to}"
        elif self.value is not None:
            content = format_decimal(self.value) + (f"（{self.text}）" if self.text else "")
        else:
            content = self.text
        if self.end != self.start:
            content += f"（{fiscal_year_label(self.start)}～{fiscal_year_label(self.end)}）"
        return content


def shown(value) -> str:
    """A value as the preview shows it."""
    if value is None:
        return "（なし）"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, tuple | list | set | frozenset):
        return "、".join(sorted(value)) if value else "（なし）"
    text = str(value)
    return text if text else "（空欄）"


class Cleaner:
    """The row's cells through the widgets: cleaned values, or messages naming the cell. A layout with other
    columns gives its own `widgets` (and `year_widget`, None without target columns)."""

    widgets = WIDGETS
    year_widget = YEAR_WIDGET

    def __init__(self, values: dict, source: RowSource, widgets: dict | None = None):
        if widgets is not None:
            self.widgets = widgets
        self.values = values
        self.source = source
        self.errors: dict[str, list[str]] = defaultdict(list)
        self._cache: dict[str, object] = {}

    def present(self, column: str) -> bool:
        return self.values.get(column, ABSENT) is not ABSENT

    def get(self, column: str, default=None):
        """The cleaned value, or `default` when the column is absent or the cell is unreadable."""
        if not self.present(column):
            return default
        if column not in self._cache:
            try:
                self._cache[column] = self.widget(column).clean(self.values[column])
            except ValueError as error:
                self.error(column, str(error))
                self._cache[column] = default
        return self._cache[column]

    def error(self, column: str, message: str) -> None:
        place = self.source.at(column) if column != NON_FIELD else self.source.where
        self.errors[column if self.widget(column) else NON_FIELD].append(f"{place}：{message}")

    def widget(self, column: str):
        return widget_for(column, self.widgets, self.year_widget)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise RowInvalid(dict(self.errors))


@dataclass
class Place:
    goal: Goal | None = None
    goal_number: int | None = None
    measure: Measure | None = None
    measure_number: int | None = None
    vision: Vision | None = None
    vision_number: int | None = None
    kind: str = ""
    number: str = ""
    indicator: Indicator | None = None

    @property
    def label(self) -> str:
        kind = Indicator.Kind(self.kind).label if self.kind else ""
        measure = f"基本目標{self.goal_number}－推進施策{self.measure_number}"
        return f"{measure} めざす姿{self.vision_number} {kind} {self.number}"


class PlanCache:
    """The plan read once per import: rows look things up here instead of querying, and writes refresh it.

    A whole plan is a few hundred rows, so a file of unchanged rows costs a handful of queries, not several per row.
    """

    def __init__(self):
        self.goals = {goal.number: goal for goal in Goal.objects.all()}
        self.measures = {(m.goal_id, m.number): m for m in Measure.objects.select_related("goal")}
        self.visions = {(v.measure_id, v.number): v for v in Vision.objects.all()}
        self.sections = {section.name: section for section in Section.objects.all()}
        self.by_code: dict[str, Indicator] = {}
        self.by_place: dict[tuple[int, str, str], Indicator] = {}
        self.relistings = {(r.indicator_id, r.vision_id): r for r in Relisting.objects.all()}
        for indicator in self._query():
            self._add(indicator)

    @staticmethod
    def _query():
        return Indicator.objects.select_related("vision__measure__goal").prefetch_related(
            "series__targets", "plan_items"
        )

    def _add(self, indicator: Indicator) -> Indicator:
        # Share the cache's measure and vision objects, so that an edit through one row is seen by the next.
        vision = self.visions.setdefault((indicator.vision.measure_id, indicator.vision.number), indicator.vision)
        measure = self.measures.setdefault(
            (indicator.vision.measure.goal_id, indicator.vision.measure.number), indicator.vision.measure
        )
        vision.measure = measure
        indicator.vision = vision
        self.by_code[indicator.code] = indicator
        self.by_place[(indicator.vision_id, indicator.kind, indicator.number)] = indicator
        return indicator

    def reload(self, indicator: Indicator) -> Indicator:
        return self._add(self._query().get(pk=indicator.pk))

    def add_measure(self, measure: Measure) -> None:
        self.measures[(measure.goal_id, measure.number)] = measure

    def add_vision(self, vision: Vision) -> None:
        self.visions[(vision.measure_id, vision.number)] = vision

    def visions_of(self, measure: Measure) -> list[Vision]:
        return [vision for (measure_id, _), vision in self.visions.items() if measure_id == measure.pk]

    def indicators(self):
        return self.by_code.values()

    def series(self):
        """Every series of the plan as read (each with its indicator and prefetched targets)."""
        return (series for indicator in self.by_code.values() for series in indicator.series.all())


def _series_with_key(indicator: Indicator, key: str) -> Series | None:
    return next((series for series in indicator.series.all() if series.key == key), None)


class PlanRowImporter:
    def __init__(self, *, user=None, file_name: str = "", dry_run: bool = True):
        self.user = user
        self.file_name = file_name
        self.dry_run = dry_run
        self.plan = current_plan()
        self.cache = PlanCache()
        # The sections read once with the plan: a row's 所管課 costs no query.
        self.widgets = {**WIDGETS, Col.SECTION: w.SectionWidget(self.cache.sections)}
        self.seen: dict[tuple[int, str], Where] = {}
        self.first_values: dict[int, tuple[dict, Where]] = {}
        self.file_keys: dict[int, set[str]] = defaultdict(set)
        # Whether any row reached a path that may write (a row compared without queries writes nothing): when
        # none did, the plan after the rows is the plan before them and need not be read again.
        self.wrote = False

    # The row.

    def import_row(self, values: dict, source: RowSource) -> RowOutcome:
        if source.errors:
            raise RowInvalid({NON_FIELD: list(source.errors)})
        row = Cleaner(values, source, self.widgets)
        for column in values:
            if row.widget(column):
                row.get(column)
        name_cell = parse_name_cell(row.get(Col.NAME, "")) if row.present(Col.NAME) else None
        relisted = row.get(Col.RELISTED, "") == RELISTED_MARK or bool(name_cell and name_cell.relisted)
        place = self._resolve(row, relisted=relisted)
        row.raise_if_invalid()
        if relisted:
            return self._relisting(row, place, name_cell)
        plan = self._indicator_plan(row, place, name_cell)
        row.raise_if_invalid()
        return self._write_row(row, place, plan)

    def _write_row(self, row: Cleaner, place: Place, plan: dict) -> RowOutcome:
        """A row of a stored indicator and series is first compared without any query; only a row that changes
        something is written, in a savepoint. So an import costs queries per changed row, not per row read."""
        if place.indicator is not None and plan["series_obj"] is not None:
            try:
                with _without_queries():
                    return self._write(row, place, plan)
            except _WouldWrite:
                # Objects in memory may hold the new values now: write from a fresh copy.
                place.indicator = self.cache.reload(place.indicator)
                plan = {**plan, "series_obj": _series_with_key(place.indicator, plan["key"])}
        self.wrote = True
        with transaction.atomic():
            return self._write(row, place, plan)

    # Finding the indicator.

    def _resolve(self, row: Cleaner, *, relisted: bool) -> Place:
        place = Place(
            goal_number=row.get(Col.GOAL),
            measure_number=row.get(Col.MEASURE),
            vision_number=row.get(Col.VISION),
            kind=row.get(Col.KIND) or "",
            number=parse_number_cell(row.get(Col.NUMBER) or ""),
        )
        code = (row.get(Col.CODE) or "").split("/")[0].strip()
        if code:
            indicator = self.cache.by_code.get(code)
            if indicator is None:
                row.error(Col.CODE, f"コード「{code}」の指標は登録されていません。")
                return place
            if relisted:
                place.indicator = indicator
                return self._resolve_listing_place(row, place)
            self._check_code_matches_place(row, indicator, place)
            place.indicator = indicator
            place.vision = indicator.vision
            place.measure = indicator.vision.measure
            place.goal = place.measure.goal
            place.goal_number, place.measure_number = place.goal.number, place.measure.number
            place.vision_number, place.kind, place.number = place.vision.number, indicator.kind, indicator.number
            return place
        missing = [
            column
            for column, value in (
                (Col.GOAL, place.goal_number),
                (Col.MEASURE, place.measure_number),
                (Col.KIND, place.kind),
                (Col.NUMBER, place.number),
            )
            if not value
        ]
        if missing:
            if not any(column in row.errors for column in missing):
                row.error(
                    NON_FIELD,
                    "指標を特定できません。「コード」、または「" + "」「".join(missing) + "」を入力してください。",
                )
            return place
        place.goal = self.cache.goals.get(place.goal_number)
        if place.goal is None:
            row.error(Col.GOAL, f"基本目標{place.goal_number}はありません。")
            return place
        place.measure = self.cache.measures.get((place.goal.pk, place.measure_number))
        if place.measure is not None:
            if place.vision_number is None:
                self._find_vision(row, place)
            else:
                place.vision = self.cache.visions.get((place.measure.pk, place.vision_number))
        if relisted:
            return place
        if place.vision is not None:
            place.indicator = self.cache.by_place.get((place.vision.pk, place.kind, place.number))
        if place.indicator is None and not row.errors:
            self._check_may_create(row, place)
        return place

    def _find_vision(self, row: Cleaner, place: Place) -> None:
        """No めざす姿 given (a printed sheet without 「めざす姿N」 above the table): the one that has this number."""
        visions = self.cache.visions_of(place.measure)
        if len(visions) == 1:
            place.vision = visions[0]
            place.vision_number = visions[0].number
            return
        matches = [
            indicator
            for indicator in self.cache.indicators()
            if indicator.vision.measure_id == place.measure.pk
            and (indicator.kind, indicator.number) == (place.kind, place.number)
        ]
        if len(matches) == 1:
            place.vision = matches[0].vision
            place.vision_number = place.vision.number
            return
        row.error(
            Col.VISION,
            f"推進施策{place.measure_number}にはめざす姿が複数あり、どのめざす姿の指標か分かりません。"
            "「めざす姿」の列（計画の表では表の上に「めざす姿１」の行）で指定してください。",
        )

    def _check_code_matches_place(self, row: Cleaner, indicator: Indicator, place: Place) -> None:
        vision = indicator.vision
        given = {
            Col.GOAL: (place.goal_number, vision.measure.goal.number),
            Col.MEASURE: (place.measure_number, vision.measure.number),
            Col.VISION: (place.vision_number, vision.number),
            Col.KIND: (place.kind or None, indicator.kind),
            Col.NUMBER: (place.number or None, indicator.number),
        }
        for column, (in_file, stored) in given.items():
            if in_file is not None and in_file != stored:
                shown_stored = Indicator.Kind(stored).label if column == Col.KIND else stored
                shown_file = Indicator.Kind(in_file).label if column == Col.KIND else in_file
                row.error(
                    column,
                    f"コード「{indicator.code}」の指標の{column}は「{shown_stored}」ですが、ファイルでは「{shown_file}」です。"
                    "コードか掲載位置のどちらかを直してください（コードは位置を変えても変わりません）。",
                )

    def _check_may_create(self, row: Cleaner, place: Place) -> None:
        if place.goal.number in closed_goals():
            what = (
                place.label
                if place.measure and place.vision
                else f"基本目標{place.goal_number}－推進施策{place.measure_number}"
            )
            if place.measure is None:
                what = f"基本目標{place.goal_number}－推進施策{place.measure_number}"
            elif place.vision is None:
                what = f"推進施策{place.measure_number} めざす姿{place.vision_number}"
            row.error(
                NON_FIELD,
                f"{what}は登録されていません。基本目標{place.goal.number}の推進施策・めざす姿・指標は計画の印刷どおりに"
                "登録済みのため、取込みで追加することはできません（番号・種別を確認してください）。",
            )
            return
        if place.measure is None and not row.get(Col.MEASURE_TITLE):
            row.error(
                Col.MEASURE_TITLE,
                f"新しい推進施策（基本目標{place.goal_number}－推進施策{place.measure_number}）には推進施策名が必要です。",
            )
        if place.vision is None:
            if place.vision_number is None:
                if place.measure is None:
                    row.error(Col.VISION, "新しい指標のめざす姿の番号を入力してください。")
            elif not row.get(Col.VISION_STATEMENT):
                row.error(
                    Col.VISION_STATEMENT,
                    f"新しいめざす姿（推進施策{place.measure_number} めざす姿{place.vision_number}）には"
                    "めざす姿の文が必要です。",
                )
        if not row.get(Col.NAME):
            row.error(Col.NAME, "新しい指標には名称が必要です。")
        code = (row.get(Col.CODE) or "").strip()
        if code:
            row.error(Col.CODE, f"コード「{code}」の指標は登録されていません。新しい指標はコードを空欄にしてください。")

    def _resolve_listing_place(self, row: Cleaner, place: Place) -> Place:
        if place.goal_number is None or place.measure_number is None:
            row.error(NON_FIELD, "【再掲】の行には掲載する推進施策が必要です。")
            return place
        place.goal = self.cache.goals.get(place.goal_number)
        place.measure = self.cache.measures.get((place.goal.pk, place.measure_number)) if place.goal else None
        if place.measure is None:
            row.error(Col.MEASURE, f"基本目標{place.goal_number}－推進施策{place.measure_number}は登録されていません。")
            return place
        if place.vision_number is None:
            self._find_vision(row, place)
        else:
            place.vision = self.cache.visions.get((place.measure.pk, place.vision_number))
            if place.vision is None:
                row.error(
                    Col.VISION, f"推進施策{place.measure_number} めざす姿{place.vision_number}は登録されていません。"
                )
        return place

    # What the row asks for.

    def _indicator_plan(self, row: Cleaner, place: Place, name_cell, *, probe: bool = False) -> dict:
        indicator = place.indicator
        plan: dict = {
            "indicator": _indicator_fields(row, name_cell, indicator),
            "series": {},
            "targets": None,
            "refs": _plan_refs(row, name_cell),
            "section": row.get(Col.SECTION) if row.present(Col.SECTION) else ABSENT,
        }
        key = row.get(Col.PART, "") or ""
        code_part = (row.get(Col.CODE) or "").partition("/")[2].strip().lower()
        if code_part and row.present(Col.PART) and code_part != key:
            row.error(Col.PART, f"コードの内訳「{code_part}」と内訳の列「{key}」が違います。")
        key = key or code_part
        plan["key"] = key
        series = _series_with_key(indicator, key) if indicator is not None else None
        plan["series_obj"] = series
        if not probe:
            self._check_keys(row, place, key, series)
        unit = plan["indicator"].get("unit", indicator.unit if indicator else "")
        part_unit = row.get(Col.PART_UNIT, series.unit if series else "") if row.present(Col.PART_UNIT) else None
        rules = ValueRules(unit=(part_unit if part_unit is not None else (series.unit if series else "")) or unit)
        values = plan["series"]
        if row.present(Col.PART_LABEL):
            values["label"] = row.get(Col.PART_LABEL, "")
        if part_unit is not None:
            values["unit"] = part_unit
        if row.present(Col.PART_TOTAL_KIND):
            values["total_kind"] = row.get(Col.PART_TOTAL_KIND, "")
        self._value_and_text(row, Col.BASELINE, Col.BASELINE_TEXT, Col.BASELINE_NOTE, "baseline", rules, values)
        self._value_and_text(row, Col.TOTAL, Col.TOTAL_TEXT, None, "total", rules, values)
        plan["targets"] = self._targets(row, rules)
        if not probe:
            self._check_consistent(row, place, plan)
        return plan

    def _check_keys(self, row: Cleaner, place: Place, key: str, series: Series | None) -> None:
        indicator = place.indicator
        if indicator is None:
            return
        identity = (indicator.pk, key)
        if identity in self.seen:
            row.error(NON_FIELD, f"{self.seen[identity]}と同じ指標・内訳の行です（重複）。一方を削除してください。")
            return
        self.seen[identity] = row.source.where
        stored = {s.key for s in indicator.series.all()}
        keys = self.file_keys[indicator.pk] | {key}
        self.file_keys[indicator.pk] = keys
        if "" in keys and len(keys) > 1:
            row.error(Col.PART, "同じ指標に、内訳のない行と内訳のある行が混在しています。")
        elif series is None and stored:
            if key == "" or "" in stored:
                listed = "、".join(sorted(k for k in stored if k)) or "なし（指標全体）"
                row.error(Col.PART, f"指標 {indicator.code} の内訳は「{listed}」です。「内訳」の列を確認してください。")
            elif indicator.vision.measure.goal.number in closed_goals():
                listed = "、".join(sorted(stored))
                row.error(Col.PART, f"指標 {indicator.code} に内訳「{key}」はありません（あるのは {listed}）。")

    def _value_and_text(self, row, value_col, text_col, note_col, prefix, rules, values) -> None:
        cell: ValueCell | None = row.get(value_col) if row.present(value_col) else None
        text = row.get(text_col, "") if text_col and row.present(text_col) else None
        note = row.get(note_col, "") if note_col and row.present(note_col) else None
        if cell is not None:
            if cell.kind == PARTS:
                row.error(value_col, "一つのセルに複数の値があります。内訳ごとに行を分けてください（「内訳」の列）。")
                return
            if cell.kind in (CONTINUE, DEFERRED):
                row.error(value_col, "この列には数値または「―」などの表記を入力してください。")
                return
            value = cell.value if cell.kind == NUMBER else None
            if value is not None:
                self._check_value(row, value_col, value, cell, rules)
            values[f"{prefix}_value"] = value
            if cell.kind in (DASH, TEXT):
                if text and text != cell.text:
                    row.error(value_col, f"「{value_col}」と「{text_col}」の表記が違います。")
                text = cell.text
            elif cell.kind == NUMBER and prefix == "total" and cell.remarks and not text:
                text = cell.printed_total_text()
            if note_col and cell.note:
                if note and note != cell.note:
                    row.error(note_col, f"現況値のセルの時点「{cell.note}」と「{note_col}」の列「{note}」が違います。")
                note = cell.note
        if text is not None:
            values[f"{prefix}_text"] = text
        if note is not None:
            values[f"{prefix}_note"] = note

    def _check_value(self, row, column, value, cell: ValueCell, rules: ValueRules) -> None:
        if cell.unit and rules.unit and cell.unit != rules.unit and not (rules.is_rate and cell.unit == "%"):
            row.error(column, f"単位「{cell.unit}」がこの指標の単位「{rules.unit}」と違います。")
        try:
            check_value(value, rules)
        except ValidationError as error:
            row.error(column, error.messages[0])

    def _targets(self, row: Cleaner, rules: ValueRules) -> dict[int, TargetSpec | None] | None:
        years = sorted(year for column in row.values if (year := column_year(column)) and row.present(column))
        if not years:
            return None
        if self.plan is not None:
            for year in years:
                if not self.plan.covers(year):
                    row.error(year_column(year), f"{fiscal_year_label(year)}は計画期間の外です。")
        wanted: dict[int, TargetSpec | None] = {}
        current: TargetSpec | None = None
        previous_year = None
        for year in years:
            column = year_column(year)
            cell: ValueCell = row.get(column) or ValueCell(EMPTY)
            if cell.kind == CONTINUE:
                if current is None or previous_year != year - 1:
                    row.error(column, "「←」は前の年度の目標が続くときに使います。前の年度の目標がありません。")
                else:
                    current = TargetSpec(current.start, year, current.value, current.text, current.deferred_to)
                    wanted[current.start] = current
                previous_year = year
                continue
            previous_year = year
            if cell.kind in (EMPTY, DASH):
                current = None
                wanted[year] = None
            elif cell.kind == PARTS:
                row.error(column, "一つのセルに複数の値があります。内訳ごとに行を分けてください（「内訳」の列）。")
                current = None
            elif cell.kind == NUMBER:
                self._check_value(row, column, cell.value, cell, rules)
                current = TargetSpec(year, year, value=cell.value, text=cell.printed_total_text())
                wanted[year] = current
            elif cell.kind == DEFERRED:
                current = TargetSpec(year, year, deferred_to=cell.text)
                wanted[year] = current
            else:
                current = TargetSpec(year, year, text=cell.text)
                wanted[year] = current
        return wanted

    def _check_consistent(self, row: Cleaner, place: Place, plan: dict) -> None:
        """Every row of one indicator must say the same about the indicator (名称, 単位, …)."""
        indicator = place.indicator
        if indicator is None:
            return
        mine = {**plan["indicator"], "refs": plan["refs"], "section": plan["section"]}
        mine = {k: v for k, v in mine.items() if v is not None and v is not ABSENT}
        first = self.first_values.get(indicator.pk)
        if first is None:
            self.first_values[indicator.pk] = (mine, row.source.where)
            return
        values, where = first
        labels = {
            "name": Col.NAME,
            "unit": Col.UNIT,
            "direction": Col.DIRECTION,
            "total_kind": Col.TOTAL_KIND,
            "qualifier": Col.QUALIFIER,
            "footnotes": Col.FOOTNOTES,
            "refs": Col.PLAN_REFS,
            "section": Col.SECTION,
        }
        for attribute, value in mine.items():
            if attribute in values and values[attribute] != value:
                row.error(labels[attribute], f"同じ指標の{where}と「{labels[attribute]}」が違います。")

    # Writing.

    def _write(self, row: Cleaner, place: Place, plan: dict, *, probe: bool = False) -> RowOutcome:
        # A 【再掲】 row (probe) leaves the places alone: its titles describe where it is re-listed.
        changes: list[Change] = []
        measure, vision = place.measure, place.vision
        if not probe:
            measure = self._write_measure(row, place, changes)
            vision = self._write_vision(row, place, measure, changes)
        indicator = place.indicator
        created = indicator is None
        if created:
            indicator = self._create_indicator(row, place, plan, vision)
            indicator_changes = [Change("指標", "（なし）", f"{indicator.code} {indicator.name}（新規）")]
        else:
            indicator_changes = _update_indicator(indicator, plan)
        indicator_changes += _write_plan_refs(indicator, plan["refs"], created)
        series = plan["series_obj"]
        if series is None:
            series, series_changes = _create_series(row, indicator, plan)
        else:
            series_changes = _update_series(series, plan["series"])
        target_changes = self._write_targets(row, series, plan["targets"]) if plan["targets"] is not None else []

        all_changes = changes + indicator_changes + series_changes + target_changes
        if not self.dry_run and (indicator_changes or series_changes or target_changes):
            self._log(indicator, indicator_changes + series_changes + target_changes)
        if created or plan["series_obj"] is None or all_changes:
            # Prefetched series and targets are stale now; the next row of this indicator must see the new state.
            indicator = self.cache.reload(indicator)
        status = NEW if created or (plan["series_obj"] is None) else (CHANGED if all_changes else UNCHANGED)
        return RowOutcome(status=status, label=_row_label(indicator, series), changes=all_changes, instance=series)

    def _write_measure(self, row: Cleaner, place: Place, changes: list[Change]) -> Measure:
        measure = place.measure
        if measure is None:
            measure = Measure.objects.create(
                goal=place.goal, number=place.measure_number, title=row.get(Col.MEASURE_TITLE)
            )
            self.cache.add_measure(measure)
            changes.append(Change("推進施策", "（なし）", f"{measure.label} {measure.title}（新規）"))
            self._log(measure, [changes[-1]])
            return measure
        title = row.get(Col.MEASURE_TITLE)
        if title and title != measure.title:
            changes.append(Change("推進施策名", measure.title, title))
            Measure.objects.filter(pk=measure.pk).update(title=title)  # written before the object changes
            measure.title = title
            self._log(measure, [changes[-1]])
        return measure

    def _write_vision(self, row: Cleaner, place: Place, measure: Measure, changes: list[Change]) -> Vision:
        vision = place.vision
        if vision is None:
            vision = Vision.objects.create(
                measure=measure, number=place.vision_number, statement=row.get(Col.VISION_STATEMENT)
            )
            self.cache.add_vision(vision)
            changes.append(Change("めざす姿", "（なし）", f"めざす姿{vision.number}（新規）"))
            self._log(vision, [changes[-1]])
            return vision
        statement = row.get(Col.VISION_STATEMENT)
        if statement and statement != vision.statement:
            changes.append(Change("めざす姿の文", vision.statement, statement))
            Vision.objects.filter(pk=vision.pk).update(statement=statement)  # written before the object changes
            vision.statement = statement
            self._log(vision, [changes[-1]])
        return vision

    def _create_indicator(self, row: Cleaner, place: Place, plan: dict, vision: Vision) -> Indicator:
        """A new indicator, last in its table; what the row leaves open comes from the layout's defaults."""
        defaults = row.source.defaults
        wanted = plan["indicator"]
        unit = wanted.get("unit", "")
        in_table = [i.position for i in self.cache.indicators() if i.vision_id == vision.pk and i.kind == place.kind]
        indicator = Indicator(
            vision=vision,
            kind=place.kind,
            number=place.number,
            position=1 + max(in_table, default=-1),
            name=wanted["name"],
            unit=unit,
            direction=wanted.get("direction") or defaults.get(Col.DIRECTION, Indicator.Direction.UP),
            total_kind=wanted.get("total_kind") or defaults.get(Col.TOTAL_KIND) or _inferred_total_kind(plan, unit),
            qualifier=wanted.get("qualifier", ""),
            footnotes=wanted.get("footnotes", ""),
            initiative=vision.initiative_for(place.number),
            section=plan["section"] if plan["section"] is not ABSENT else None,
        )
        indicator.save()
        return indicator

    def _write_targets(self, row: Cleaner, series: Series, wanted: dict[int, TargetSpec | None]) -> list[Change]:
        """The file's years replace the stored targets of those years; other years are left alone."""
        changes = []
        file_years = set()
        for start, spec in wanted.items():
            file_years.update(range(start, (spec.end if spec else start) + 1))
        stored = {target.fiscal_year: target for target in series.targets.all()}
        unit = series.effective_unit
        for target in stored.values():
            if target.fiscal_year not in file_years and set(target.years) & file_years:
                raise RowInvalid(
                    {
                        NON_FIELD: [
                            f"{row.source.where}：登録済みの目標（{target.years_label}）が、ファイルにない年度にまたがっています。"
                            "ファイルにその年度の列を加えてください。"
                        ]
                    }
                )
        # Stale targets go first, so that a target now merged across years never overlaps one being removed.
        for start, target in sorted(stored.items()):
            if start in file_years and wanted.get(start) is None:
                changes.append(target_change(f"{fiscal_year_label(start)}目標", unit, _spec_of(target), None))
                target.delete()
        for start, spec in sorted(wanted.items()):
            if spec is None:
                continue
            label = f"{fiscal_year_label(start)}目標"
            target = stored.get(start)
            if target is None:
                Target.objects.create(
                    series=series,
                    fiscal_year=spec.start,
                    end_fiscal_year=spec.end,
                    value=spec.value,
                    text=spec.text,
                    deferred_to=spec.deferred_to,
                )
                changes.append(target_change(label, unit, None, spec))
                continue
            old = _spec_of(target)
            if old != spec:
                target.end_fiscal_year, target.value = spec.end, spec.value
                target.text, target.deferred_to = spec.text, spec.deferred_to
                target.save(update_fields=["end_fiscal_year", "value", "text", "deferred_to"])
                changes.append(target_change(label, unit, old, spec))
        changes.sort(key=lambda change: change.field)
        return changes

    # 【再掲】

    def _relisting(self, row: Cleaner, place: Place, name_cell) -> RowOutcome:
        original = place.indicator
        if original is None:
            original = self._find_original(row, place, name_cell)
            row.raise_if_invalid()
        vision = place.vision
        if vision is None:
            row.error(Col.VISION, "【再掲】を掲載するめざす姿が分かりません。")
            row.raise_if_invalid()
        if original.vision_id == vision.pk:
            row.error(NON_FIELD, f"指標 {original.code} の本来のめざす姿には【再掲】できません。")
            row.raise_if_invalid()
        differences = self._differences_from(row, original, place, name_cell)
        if differences:
            row.error(
                NON_FIELD,
                f"【再掲】の値が元の指標（{original.code} {original.name}）と違います："
                + "、".join(f"{c.field} {c.old} → {c.new}" for c in differences)
                + "。【再掲】は同じ指標なので、元の指標の行を直してください。",
            )
            row.raise_if_invalid()
        number = place.number or ""
        changes = []
        relisting = self.cache.relistings.get((original.pk, vision.pk))
        if relisting is not None:
            relisting.indicator, relisting.vision = original, vision  # the cache's objects: naming it costs no query
        if relisting is not None and not (number and relisting.number != number):
            return RowOutcome(
                status=UNCHANGED, label=f"{original.code} {original.name}【再掲】", changes=[], instance=relisting
            )
        self.wrote = True
        with transaction.atomic():
            if relisting is None:
                position = (vision.relistings.aggregate(m=models.Max("position"))["m"] or -1) + 1
                relisting = Relisting.objects.create(
                    indicator=original, vision=vision, number=number, position=position
                )
                self.cache.relistings[(original.pk, vision.pk)] = relisting
                changes.append(Change("再掲", "（なし）", f"{vision} {number}"))
                status = NEW
            else:
                status = UNCHANGED
                if number and relisting.number != number:
                    changes.append(Change("再掲先での番号", relisting.number, number))
                    relisting.number = number
                    relisting.save(update_fields=["number"])
                    status = CHANGED
            if changes and not self.dry_run:
                self._log(original, changes)
        return RowOutcome(
            status=status, label=f"{original.code} {original.name}【再掲】", changes=changes, instance=relisting
        )

    def _find_original(self, row: Cleaner, place: Place, name_cell) -> Indicator | None:
        name = name_cell.name if name_cell else ""
        candidates = [
            indicator
            for indicator in self.cache.indicators()
            if indicator.vision.measure.goal.number == place.goal_number
            and indicator.kind == place.kind
            and same_name(indicator.name, name)
            and indicator.vision != place.vision
        ]
        if len(candidates) != 1:
            row.error(
                Col.NAME,
                f"【再掲】の元の指標（{Indicator.Kind(place.kind).label if place.kind else ''}「{name}」）が"
                + ("見つかりません。" if not candidates else "複数あります。「コード」の列で指定してください。"),
            )
            return None
        return candidates[0]

    def _differences_from(self, row: Cleaner, original: Indicator, place: Place, name_cell) -> list[Change]:
        """What a 【再掲】 row says differently from the indicator it re-lists (without writing anything)."""
        probe = Place(
            goal=original.vision.measure.goal,
            goal_number=original.vision.measure.goal.number,
            measure=original.vision.measure,
            measure_number=original.vision.measure.number,
            vision=original.vision,
            vision_number=original.vision.number,
            kind=original.kind,
            number=original.number,
            indicator=original,
        )
        plan = self._indicator_plan(row, probe, name_cell, probe=True)
        if row.errors:
            return []
        if plan["series_obj"] is not None:
            try:
                with _without_queries():
                    return self._write(row, probe, {**plan, "section": ABSENT}, probe=True).changes
            except _WouldWrite:
                probe.indicator = original = self.cache.reload(original)
                plan = {**plan, "series_obj": _series_with_key(original, plan["key"])}
        self.wrote = True  # rolled back below; counted all the same
        sid = transaction.savepoint()
        try:
            outcome = self._write(row, probe, {**plan, "section": ABSENT}, probe=True)
        finally:
            transaction.savepoint_rollback(sid)
        if outcome.changes:
            self.cache.reload(original)  # the probe changed the objects in memory; the database rolled back
        return outcome.changes

    def _log(self, instance: models.Model, changes: list[Change]) -> None:
        if self.dry_run:
            return
        audit.log(
            instance,
            audit.Action.IMPORT,
            self.user,
            changes={change.field: [change.old, change.new] for change in changes},
            source=self.file_name or "ファイル取込",
        )


class _WouldWrite(Exception):
    """Raised at a row's first query while it is compared: the row changes something."""


def _refuse_queries(execute, sql, params, many, context):
    raise _WouldWrite


@contextlib.contextmanager
def _without_queries():
    """Compare a row with no query at all; _WouldWrite at the first one. Model.save marks the transaction for
    rollback on any exception, but no statement ran, so the flag is put back as it was."""
    broken = connection.in_atomic_block and transaction.get_rollback()
    try:
        with connection.execute_wrapper(_refuse_queries):
            yield
    except _WouldWrite:
        if connection.in_atomic_block:
            transaction.set_rollback(broken)
        raise


def _spec_of(target: Target) -> TargetSpec:
    return TargetSpec(target.fiscal_year, target.end_fiscal_year, target.value, target.text, target.deferred_to)


def _inferred_total_kind(plan: dict, unit: str) -> str:
    text = plan["series"].get("total_text", "")
    if "累計" in text:
        return Indicator.TotalKind.CUMULATIVE
    if unit == "%":
        return Indicator.TotalKind.LAST
    targets = plan["targets"] or {}
    if (
        not any(spec and spec.value is not None for spec in targets.values())
        and plan["series"].get("total_value") is None
    ):
        return Indicator.TotalKind.NONE
    return Indicator.TotalKind.SUM


SERIES_LABELS = {
    "label": Col.PART_LABEL,
    "unit": Col.PART_UNIT,
    "total_kind": Col.PART_TOTAL_KIND,
    "baseline_value": Col.BASELINE,
    "baseline_note": Col.BASELINE_NOTE,
    "baseline_text": Col.BASELINE_TEXT,
    "total_value": Col.TOTAL,
    "total_text": Col.TOTAL_TEXT,
}


def _label(model, attribute: str) -> str:
    return str(model._meta.get_field(attribute).verbose_name)


def _shown_field(instance: models.Model, attribute: str, value) -> str:
    model_field = instance._meta.get_field(attribute)
    if model_field.choices and value:
        return str(dict(model_field.flatchoices).get(value, value))
    return shown(value)


def _row_label(indicator: Indicator, series: Series) -> str:
    label = f"{indicator.code} {indicator.name}"
    if series.key:
        label += f"（{series.label or series.key}）"
    return label


def _indicator_fields(row: Cleaner, name_cell, indicator: Indicator | None) -> dict:
    """The indicator's own fields the row sets; a column the file does not have sets nothing."""
    fields = {}
    if name_cell is not None and name_cell.name:
        # The stored name stays when the file writes it otherwise only in width, spacing or ※ marks.
        if indicator is None or not same_name(indicator.name, name_cell.name):
            fields["name"] = name_cell.name
    elif row.present(Col.NAME) and indicator is not None:
        row.error(Col.NAME, "名称が空欄です。")
    for column, attribute in (
        (Col.UNIT, "unit"),
        (Col.DIRECTION, "direction"),
        (Col.TOTAL_KIND, "total_kind"),
        (Col.QUALIFIER, "qualifier"),
        (Col.FOOTNOTES, "footnotes"),
    ):
        value = row.get(column, "") if row.present(column) else None
        # 方向 and 総量の種類 always have a value: a blank cell keeps the stored one.
        if value is not None and (value or attribute not in ("direction", "total_kind")):
            fields[attribute] = value
    return fields


def _plan_refs(row: Cleaner, name_cell) -> set[str] | None:
    """The 実施計画 施策 of the column and of 【実施計画 施策…】 in the name; None when the file names none."""
    refs = set(row.get(Col.PLAN_REFS, ()) or ()) if row.present(Col.PLAN_REFS) else None
    if name_cell is not None and name_cell.plan_refs:
        refs = (refs or set()) | set(name_cell.plan_refs)
    return refs


def _changed_fields(instance: models.Model, wanted: dict, label) -> tuple[list[Change], list[str]]:
    """Set what differs from `wanted` on the instance; the changes as shown and the fields to save."""
    changes, changed = [], []
    for attribute, value in wanted.items():
        old = getattr(instance, attribute)
        if old != value:
            changes.append(
                Change(
                    label(attribute), _shown_field(instance, attribute, old), _shown_field(instance, attribute, value)
                )
            )
            setattr(instance, attribute, value)
            changed.append(attribute)
    return changes, changed


def _update_indicator(indicator: Indicator, plan: dict) -> list[Change]:
    changes, changed = _changed_fields(indicator, plan["indicator"], lambda attribute: _label(Indicator, attribute))
    section = plan["section"]
    if section is not ABSENT and indicator.section_id != (section.pk if section else None):
        changes.append(Change("所管課", shown(indicator.section), shown(section)))
        indicator.section = section
        changed.append("section")
    if changed:
        indicator.save(update_fields=changed)
    return changes


def _write_plan_refs(indicator: Indicator, refs: set[str] | None, created: bool) -> list[Change]:
    """The file's 実施計画 施策 replace the stored ones (None: the file has no such column)."""
    if refs is None:
        return []
    stored = {item.code for item in indicator.plan_items.all()}
    if stored == refs:
        return []
    indicator.plan_items.set([ImplementationPlanItem.objects.get_or_create(code=code)[0] for code in sorted(refs)])
    return [] if created else [Change("実施計画 施策", shown(stored), shown(refs))]


def _create_series(row: Cleaner, indicator: Indicator, plan: dict) -> tuple[Series, list[Change]]:
    key = plan["key"]
    changes = [Change("内訳", "（なし）", f"{key}（新規）")] if key else []
    series = Series(
        indicator=indicator,
        key=key,
        position=len(indicator.series.all()),
        total_kind=plan["series"].get("total_kind") or row.source.defaults.get(Col.PART_TOTAL_KIND, ""),
    )
    for attribute, value in plan["series"].items():
        setattr(series, attribute, value if attribute != "total_kind" else series.total_kind)
    series.save()
    for attribute in plan["series"]:
        value = getattr(series, attribute)
        if value not in (None, ""):
            changes.append(Change(SERIES_LABELS[attribute], "（なし）", _shown_field(series, attribute, value)))
    return series, changes


def _update_series(series: Series, wanted: dict) -> list[Change]:
    changes, changed = _changed_fields(series, wanted, SERIES_LABELS.__getitem__)
    if changed:
        series.save(update_fields=changed)
    return changes

"""Reading the plan's data files (fixtures/plan/*.yaml, described in fixtures/plan/FORMAT.md).

This module only parses and validates: it turns YAML into plain dataclasses and raises PlanFileError naming the
file and the place of anything malformed. Writing to the database is services.load_plan's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from indicators.models import Indicator
from measures.models import Plan
from setagaya_plan.core.fiscal_years import period_label, printed_years

PLAN_FILE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "plan"
KIND_BY_LABEL = {label: value for value, label in Indicator.Kind.choices}
_YEAR_RANGE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


class PlanFileError(ValueError):
    pass


@dataclass(frozen=True)
class TargetCell:
    fiscal_year: int
    end_fiscal_year: int
    value: Decimal | None = None
    text: str = ""
    deferred_to: str = ""


@dataclass(frozen=True)
class SeriesData:
    key: str
    label: str
    unit: str
    total_kind: str
    baseline_value: Decimal | None
    baseline_text: str
    baseline_note: str
    total_value: Decimal | None
    total_text: str
    targets: tuple[TargetCell, ...]


@dataclass(frozen=True)
class IndicatorData:
    kind: str
    number: str
    name: str
    unit: str
    direction: str
    total_kind: str
    qualifier: str
    plan_refs: tuple[str, ...]
    footnotes: tuple[str, ...]
    relisted_from: str
    series: tuple[SeriesData, ...]

    @property
    def kind_label(self) -> str:
        return Indicator.Kind(self.kind).label


@dataclass(frozen=True)
class InitiativeData:
    number: str
    title: str
    purpose: str


@dataclass(frozen=True)
class VisionData:
    number: int
    subtitle: str
    statement: str
    description: str
    current_state: str
    challenges: str
    direction: str
    notes: tuple[str, ...]
    initiatives: tuple[InitiativeData, ...]
    indicators: tuple[IndicatorData, ...]


@dataclass(frozen=True)
class MeasureData:
    goal: int
    number: int
    title: str
    description: str
    visions: tuple[VisionData, ...]


@dataclass(frozen=True)
class GoalData:
    number: int
    title: str
    description: str


@dataclass(frozen=True)
class PlanData:
    name: str
    start_fiscal_year: int
    end_fiscal_year: int
    mid_review_fiscal_year: int | None
    goals: tuple[GoalData, ...]
    measures: tuple[MeasureData, ...] = field(default=())


def read_plan(directory: Path = PLAN_FILE_DIR) -> PlanData:
    raw = _load_yaml(directory / "plan.yaml")
    where = "plan.yaml"
    period = Plan(
        start_fiscal_year=_int(raw, "start_fiscal_year", where),
        end_fiscal_year=_int(raw, "end_fiscal_year", where),
        mid_review_fiscal_year=raw.get("mid_review_fiscal_year"),
    )
    # A list of targets in a measure's file holds one cell per printed year (令和6–9年度 in the loaded plan).
    years = tuple(printed_years(period))
    goals = tuple(
        GoalData(
            number=_int(goal, "number", f"{where} goals[{i}]"),
            title=_str(goal, "title", f"{where} goals[{i}]", required=True),
            description=_str(goal, "description", f"{where} goals[{i}]"),
        )
        for i, goal in enumerate(_list(raw, "goals", where))
    )
    measures = tuple(read_measure(directory / name, years) for name in _list(raw, "measures", where))
    goal_numbers = {goal.number for goal in goals}
    for measure in measures:
        if measure.goal not in goal_numbers:
            raise PlanFileError(f"推進施策{measure.number}: 基本目標{measure.goal}が plan.yaml にありません")
    return PlanData(
        name=_str(raw, "name", where, required=True),
        start_fiscal_year=period.start_fiscal_year,
        end_fiscal_year=period.end_fiscal_year,
        mid_review_fiscal_year=period.mid_review_fiscal_year,
        goals=goals,
        measures=measures,
    )


def read_measure(path: Path, years: Sequence[int]) -> MeasureData:
    """A measure's file; `years` are the printed years that a list of targets stands for, in order."""
    raw = _load_yaml(path)
    where = path.name
    return MeasureData(
        goal=_int(raw, "goal", where),
        number=_int(raw, "number", where),
        title=_str(raw, "title", where, required=True),
        description=_str(raw, "description", where),
        visions=tuple(_vision(v, f"{where} visions[{i}]", years) for i, v in enumerate(_list(raw, "visions", where))),
    )


def _vision(raw: dict, where: str, years: Sequence[int]) -> VisionData:
    indicators = tuple(
        _indicator(item, f"{where} indicators[{i}]", years) for i, item in enumerate(raw.get("indicators") or [])
    )
    seen: set[tuple[str, str]] = set()
    for indicator in indicators:
        key = (indicator.kind, indicator.number)
        if key in seen:
            raise PlanFileError(f"{where}: {indicator.kind}の番号 {indicator.number} が重複しています")
        seen.add(key)
    return VisionData(
        number=_int(raw, "number", where),
        subtitle=_str(raw, "subtitle", where),
        statement=_str(raw, "statement", where, required=True),
        description=_str(raw, "description", where),
        current_state=_str(raw, "current_state", where),
        challenges=_str(raw, "challenges", where),
        direction=_str(raw, "direction", where),
        notes=tuple(str(note).strip() for note in raw.get("notes") or []),
        initiatives=tuple(
            InitiativeData(
                number=str(item["number"]).strip(),
                title=_str(item, "title", f"{where} initiatives[{i}]", required=True),
                purpose=_str(item, "purpose", f"{where} initiatives[{i}]"),
            )
            for i, item in enumerate(raw.get("initiatives") or [])
        ),
        indicators=indicators,
    )


def _indicator(raw: dict, where: str, years: Sequence[int]) -> IndicatorData:
    kind_label = _str(raw, "kind", where, required=True)
    if kind_label not in KIND_BY_LABEL:
        raise PlanFileError(f"{where}: kind は 行動量 か 成果指標 です（{kind_label!r}）")
    number = _str(raw, "number", where, required=True)
    where = f"{where} ({kind_label} {number})"
    direction = raw.get("direction", "up")
    if direction not in Indicator.Direction.values:
        raise PlanFileError(f"{where}: direction は up か down です（{direction!r}）")
    total_kind = raw.get("total_kind", "sum")
    if total_kind not in Indicator.TotalKind.values:
        raise PlanFileError(f"{where}: total_kind は {', '.join(Indicator.TotalKind.values)} のいずれかです")
    if raw.get("parts"):
        if any(name in raw for name in ("baseline", "targets", "total")):
            raise PlanFileError(f"{where}: parts がある指標に baseline/targets/total は書けません")
        series = tuple(_series(part, f"{where} parts[{i}]", i, years) for i, part in enumerate(raw["parts"]))
        if len({s.key for s in series}) != len(series):
            raise PlanFileError(f"{where}: parts の key が重複しています")
    else:
        series = (_series(raw, where, 0, years, main=True),)
    return IndicatorData(
        kind=KIND_BY_LABEL[kind_label],
        number=number,
        name=_str(raw, "name", where, required=True),
        unit=_str(raw, "unit", where),
        direction=direction,
        total_kind=total_kind,
        qualifier=_str(raw, "qualifier", where),
        plan_refs=tuple(str(ref).strip() for ref in raw.get("plan_refs") or []),
        footnotes=tuple(str(note).strip() for note in raw.get("footnotes") or []),
        relisted_from=_str(raw, "relisted_from", where),
        series=series,
    )


def _series(raw: dict, where: str, position: int, years: Sequence[int], main: bool = False) -> SeriesData:
    baseline_value, baseline_text, baseline_note = _value_cell(raw.get("baseline"), f"{where} baseline")
    total_value, total_text, _ = _value_cell(raw.get("total"), f"{where} total")
    total_kind = "" if main else raw.get("total_kind", "")
    if total_kind and total_kind not in Indicator.TotalKind.values:
        raise PlanFileError(f"{where}: total_kind {total_kind!r} は使えません")
    return SeriesData(
        key="" if main else _str(raw, "key", where, required=True),
        label="" if main else _str(raw, "label", where),
        unit="" if main else _str(raw, "unit", where),
        total_kind=total_kind,
        baseline_value=baseline_value,
        baseline_text=baseline_text,
        baseline_note=baseline_note,
        total_value=total_value,
        total_text=total_text,
        targets=_targets(raw.get("targets"), f"{where} targets", years),
    )


def _value_cell(raw, where: str) -> tuple[Decimal | None, str, str]:
    """A baseline or total: a number, or {value, text, note}."""
    if raw is None:
        return None, "", ""
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "text", "note"}
        if unknown:
            raise PlanFileError(f"{where}: 不明な項目 {sorted(unknown)}")
        value = _decimal(raw["value"], where) if raw.get("value") is not None else None
        return value, str(raw.get("text") or "").strip(), str(raw.get("note") or "").strip()
    if isinstance(raw, str):
        return None, raw.strip(), ""
    return _decimal(raw, where), "", ""


def _targets(raw, where: str, years: Sequence[int]) -> tuple[TargetCell, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list):
        if len(raw) != len(years):
            raise PlanFileError(
                f"{where}: {len(years)}年度分（{period_label(years[0], years[-1])}）の目標が必要です（{len(raw)}個）"
            )
        pairs = [((year, year), cell) for year, cell in zip(years, raw, strict=True)]
    elif isinstance(raw, dict):
        pairs = [(_year_range(key, where), cell) for key, cell in raw.items()]
    else:
        raise PlanFileError(f"{where}: 目標はリストか年度をキーとする対応表で書きます")
    cells = []
    covered: set[int] = set()
    for (start, end), cell in sorted(pairs):
        years = set(range(start, end + 1))
        if covered & years:
            raise PlanFileError(f"{where}: {start}–{end} 年度の目標が重なっています")
        covered |= years
        target = _target_cell(cell, start, end, f"{where}[{start}]")
        if target is not None:
            cells.append(target)
    return tuple(cells)


def _year_range(key, where: str) -> tuple[int, int]:
    match = _YEAR_RANGE.match(str(key))
    if not match:
        raise PlanFileError(f"{where}: 年度 {key!r} は 2024 や 2024-2026 の形で書きます")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if end < start:
        raise PlanFileError(f"{where}: 年度の範囲 {key!r} が逆順です")
    return start, end


def _target_cell(cell, start: int, end: int, where: str) -> TargetCell | None:
    if cell is None:
        return None
    if isinstance(cell, dict):
        unknown = set(cell) - {"value", "text", "deferred"}
        if unknown:
            raise PlanFileError(f"{where}: 不明な項目 {sorted(unknown)}")
        return TargetCell(
            fiscal_year=start,
            end_fiscal_year=end,
            value=_decimal(cell["value"], where) if cell.get("value") is not None else None,
            text=str(cell.get("text") or "").strip(),
            deferred_to=str(cell.get("deferred") or "").strip(),
        )
    if isinstance(cell, str):
        return TargetCell(fiscal_year=start, end_fiscal_year=end, text=cell.strip())
    return TargetCell(fiscal_year=start, end_fiscal_year=end, value=_decimal(cell, where))


def _decimal(raw, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise PlanFileError(f"{where}: 数値ではありません（{raw!r}）")
    try:
        # str() first: YAML floats such as 92.8 must not pick up binary noise.
        return Decimal(str(raw))
    except ArithmeticError:
        raise PlanFileError(f"{where}: 数値ではありません（{raw!r}）") from None


def _load_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise PlanFileError(f"{path}: ファイルがありません") from None
    except yaml.YAMLError as error:
        raise PlanFileError(f"{path.name}: YAML として読めません: {error}") from None
    if not isinstance(data, dict):
        raise PlanFileError(f"{path.name}: 先頭は対応表（mapping）である必要があります")
    return data


def _list(raw: dict, key: str, where: str) -> list:
    value = raw.get(key)
    if not isinstance(value, list):
        raise PlanFileError(f"{where}: {key} はリストで書きます")
    return value


def _str(raw: dict, key: str, where: str, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise PlanFileError(f"{where}: {key} がありません")
        return ""
    return str(value).strip()


def _int(raw: dict, key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PlanFileError(f"{where}: {key} は整数で書きます（{value!r}）")
    return value

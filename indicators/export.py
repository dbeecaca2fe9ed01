"""The machine-readable export of the plan and its progress (`manage.py export_progress`, docs/export.md).

One record per indicator; sub-series and compound values are `parts`. The JSON is the contract other work and
integrations rely on; CSV and xlsx are the same content flattened to one row per series for Excel users.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.columns import PLACE_COLUMNS, UNIT, Column, Line, cells, headers
from indicators.evaluation import Evaluator
from indicators.models import (
    ORIGINAL_NAME,
    Actual,
    CellValues,
    Indicator,
    Series,
    Target,
    cell_history,
    series_states,
)
from setagaya_plan.core.fiscal_years import fiscal_year_label, printed_years
from setagaya_plan.lib.numerals import floor_rate
from setagaya_plan.lib.spreadsheet import cell_number, escape_formula, excel_csv


def export_queryset():
    return Indicator.objects.with_structure().in_plan_order()


def _actuals_by_series(indicators: Iterable[Indicator]) -> dict[int, dict[int, Actual]]:
    series_ids = [series.pk for indicator in indicators for series in indicator.series.all()]
    found: dict[int, dict[int, Actual]] = defaultdict(dict)
    for actual in Actual.objects.filter(series_id__in=series_ids).select_related("report"):
        found[actual.series_id][actual.report.fiscal_year] = actual
    return found


def _target_record(target: Target, history: list[dict]) -> dict:
    return {
        "value": cell_number(target.value),
        "text": target.text,
        "deferred_to": target.deferred_to,
        "years": list(target.years),
        "history": history,
    }


def _revision_fields(revision) -> dict:
    return {"revision": revision.name, "decided": revision.decided.isoformat() if revision.decided else None}


ORIGINAL_ENTRY = {"revision": ORIGINAL_NAME, "decided": None}


def _cell_entry(cell) -> dict:
    if cell is None:  # the revision took the year's target away
        return {"value": None, "text": "", "deferred_to": "", "years": []}
    return {
        "value": cell_number(cell.value),
        "text": cell.text,
        "deferred_to": cell.deferred_to,
        "years": list(range(cell.start, cell.end + 1)),
    }


def target_history(states, target: Target | None, year: int) -> list[dict]:
    """The target of `year` as each revision that changed it set it, oldest first (docs/export.md); `target` (the
    one in force, None when a revision took it away) is the whole history of a series never versioned."""
    if not states:
        return [{**ORIGINAL_ENTRY, **_cell_entry(CellValues.of(target) if target else None)}]
    return [{**_revision_fields(revision), **_cell_entry(cell)} for revision, cell in cell_history(states, year)]


def value_history(states, names: tuple[str, ...], series: Series) -> list[dict]:
    """現況値 (value, text, note) or 総量 (value, text) as each revision that changed it set it, oldest first."""
    keys = ("value", "text", "note")[: len(names)]

    def entry(values) -> dict:
        return {key: cell_number(value) if key == "value" else value for key, value in zip(keys, values, strict=True)}

    if not states:
        return [{**ORIGINAL_ENTRY, **entry([getattr(series, name) for name in names])}]
    history, previous = [], None
    for state in states:
        now = tuple(state.fields[name] for name in names)
        if now != previous:
            history.append({**_revision_fields(state.revision), **entry(now)})
        previous = now
    return history


def _rate(value: Decimal | None) -> float | None:
    """A rate as shown on screen: rounded down to one decimal; null when there is none (or nothing to divide by)."""
    value = floor_rate(value)
    if value is None or not value.is_finite():
        return None
    return float(value)


def grade_record(grade, approved: bool, scheme_code: str, self_grade: str = "") -> dict:
    """One year's grade (docs/export.md): computed from approved actuals only (indicators.evaluation), against
    the target of the revision in force for the year (`against`)."""
    # An indicator's grade carries its rates in one series (`main`); a part's grade is that series.
    series_grade = grade.main if hasattr(grade, "main") else grade
    target = series_grade.target if series_grade is not None else None
    return {
        "grade": grade.level.code if grade.is_graded else None,
        "label": grade.label,
        "status": grade.status,
        "achievement": _rate(grade.achievement),
        "progress": _rate(grade.progress),
        "regressed": bool(grade.is_graded and grade.regressed),
        "approved": approved,
        "scheme": scheme_code,
        "self_grade": self_grade,
        "against": {
            "revision": getattr(grade, "revision", "") or ORIGINAL_NAME,
            "value": cell_number(target.value) if target is not None else None,
        },
    }


def _grades(indicator: Indicator, years, evaluator: Evaluator, key: str | None) -> dict:
    """Grades keyed like the actuals: of the whole indicator (key None) or of one series."""
    out = {}
    for fiscal_year in sorted(years):
        whole = evaluator.grade(indicator, fiscal_year)
        grade = whole
        if key is not None and len(whole.series) > 1:
            grade = next((g for g in whole.series if g.key == key), whole)
        report = evaluator.report(indicator, fiscal_year)
        record = grade_record(
            grade,
            bool(report and report.status == "approved"),
            evaluator.scheme.code,
            report.self_grade if report else "",
        )
        record["against"]["revision"] = whole.revision or ORIGINAL_NAME
        out[str(fiscal_year)] = record
    return out


def _series_record(
    series: Series,
    actuals: dict[int, Actual],
    year: int | None,
    evaluator: Evaluator | None = None,
) -> dict:
    states = _states(series, evaluator)
    targets = {}
    for target in series.targets.all():
        for covered in target.years:
            if year is None or covered == year:
                targets[str(covered)] = _target_record(target, target_history(states, target, covered))
    # A year whose target a revision took away keeps its history: no target in force, and what it was before.
    for covered in sorted(
        {y for state in states for cell in state.targets.values() for y in range(cell.start, cell.end + 1)}
    ):
        if str(covered) not in targets and (year is None or covered == year):
            targets[str(covered)] = {**_cell_entry(None), "history": target_history(states, None, covered)}
    targets = dict(sorted(targets.items()))
    confirmed = evaluator.confirmed.get(series.pk) if evaluator is not None else None
    record = {
        "baseline": {
            "value": cell_number(series.baseline_value),
            "note": series.baseline_note,
            "text": series.baseline_text,
            "confirmed": {"value": cell_number(confirmed.value), "note": confirmed.note} if confirmed else None,
            "history": value_history(states, ("baseline_value", "baseline_text", "baseline_note"), series),
        },
        "targets": targets,
        "total": {
            "value": cell_number(series.total_value),
            "text": series.total_text,
            "history": value_history(states, ("total_value", "total_text"), series),
        },
    }
    if actuals:
        record["actuals"] = {
            str(fiscal_year): {"value": cell_number(actual.value), "text": actual.text}
            for fiscal_year, actual in sorted(actuals.items())
            if year is None or fiscal_year == year
        }
        if evaluator is not None:
            years = [int(y) for y in record["actuals"]]
            record["grades"] = _grades(series.indicator, years, evaluator, series.key)
    return record


def _states(series: Series, evaluator: Evaluator | None) -> list:
    if evaluator is not None:
        return evaluator.series_states(series)
    return series_states(
        series,
        list(series.target_versions.select_related("revision")),
        list(series.versions.select_related("revision")),
    )


def indicator_record(
    indicator: Indicator,
    actuals: dict[int, dict[int, Actual]],
    year: int | None = None,
    evaluator: Evaluator | None = None,
) -> dict:
    vision = indicator.vision
    measure = vision.measure
    main = indicator.main_series()
    main_record = _series_record(main, actuals.get(main.pk, {}), year, evaluator) if main else None
    listed_under = [
        {
            "goal": measure.goal.number,
            "measure": measure.number,
            "vision": vision.number,
            "number": indicator.number,
            "relisted": False,
        }
    ] + [
        {
            "goal": relisting.vision.measure.goal.number,
            "measure": relisting.vision.measure.number,
            "vision": relisting.vision.number,
            "number": relisting.number,
            "relisted": True,
        }
        for relisting in indicator.relistings.all()
    ]
    record = {
        "code": indicator.code,
        "goal": measure.goal.number,
        "goal_title": measure.goal.title,
        "measure": measure.number,
        "measure_title": measure.title,
        "vision": vision.number,
        "kind": indicator.get_kind_display(),
        "number": indicator.number,
        "name": indicator.name,
        "initiative": indicator.initiative.title if indicator.initiative else None,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "total_kind": indicator.total_kind,
        "qualifier": indicator.qualifier,
        "plan_refs": indicator.plan_ref_codes(),
        "listed_under": listed_under,
        "baseline": main_record["baseline"] if main_record else None,
        "targets": main_record["targets"] if main_record else {},
        "total": main_record["total"] if main_record else None,
        "parts": [
            {
                "key": part.key,
                "label": part.label,
                "unit": part.effective_unit,
                "total_kind": part.effective_total_kind,
                **_series_record(part, actuals.get(part.pk, {}), year, evaluator),
            }
            for part in indicator.parts()
        ],
        "footnotes": indicator.footnote_list(),
    }
    if main_record and "actuals" in main_record:
        record["actuals"] = main_record["actuals"]
    if evaluator is not None:
        # The indicator's own grade (for a)/b) the worse of its parts), in every year any of its series has an actual.
        years = {int(y) for part in [main_record or {}, *record["parts"]] for y in part.get("actuals", {})}
        if years:
            record["grades"] = _grades(indicator, years, evaluator, None)
    return record


def progress_records(year: int | None = None, indicators: list[Indicator] | None = None) -> list[dict]:
    indicators = list(export_queryset()) if indicators is None else indicators
    actuals = _actuals_by_series(indicators)
    evaluator = Evaluator(indicators)
    return [indicator_record(indicator, actuals, year, evaluator) for indicator in indicators]


def to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2, default=_json_number)


def _json_number(value):
    """Decimals as JSON numbers; a float's repr is the shortest decimal that reads back the same (92.8)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# Flat layout: one row per series.


@dataclass(frozen=True)
class FlatLine(Line):
    record: dict  # the indicator's record
    data: dict  # the series' own part of it: baseline, targets, total, actuals, grades


def flat_lines(indicators: list[Indicator], records: list[dict]) -> list[FlatLine]:
    """The series of each record that have values: the whole indicator, else each of its parts."""
    lines = []
    for indicator, record in zip(indicators, records, strict=True):
        main = indicator.main_series()
        if main is not None:
            lines.append(FlatLine(indicator, main, record, record))
        else:
            lines.extend(
                FlatLine(indicator, part, record, data)
                for part, data in zip(indicator.parts(), record["parts"], strict=True)
            )
    return lines


def _years(records: list[dict], year: int | None) -> list[int]:
    if year is not None:
        return [year]
    found = set(printed_years())
    for record in records:
        for series in [record, *record["parts"]]:
            found.update(int(y) for y in series.get("targets", {}))
            found.update(int(y) for y in series.get("actuals", {}))
    return sorted(found)


def _listed_under(record: dict) -> str:
    return "、".join(f"推進施策{p['measure']}-めざす姿{p['vision']}-{p['number']}" for p in record["listed_under"])


def flat_columns(years: list[int]) -> list[Column]:
    """The columns of the CSV and xlsx (docs/export.md); the place columns are those of every export."""
    return [
        Column("コード", lambda line: line.indicator.code),
        *PLACE_COLUMNS,
        Column("内訳", lambda line: line.series.key),
        Column("内訳名", lambda line: line.series.label),
        UNIT,
        Column("方向", lambda line: line.indicator.direction),
        Column("総量の種類", lambda line: line.series.effective_total_kind),
        Column("現況値", lambda line: line.data["baseline"]["value"]),
        Column("現況値の時点", lambda line: line.data["baseline"]["note"]),
        Column("現況値（表記）", lambda line: line.data["baseline"]["text"]),
        *(_year_column(f"{fiscal_year_label(y)}目標", "targets", y, _cell) for y in years),
        Column("総量", lambda line: line.data["total"]["value"]),
        Column("総量（表記）", lambda line: line.data["total"]["text"]),
        *(_year_column(f"{fiscal_year_label(y)}実績", "actuals", y, _cell) for y in years),
        *(_year_column(f"{fiscal_year_label(y)}評価", "grades", y, _grade_cell) for y in years),
        Column("実施計画 施策", lambda line: "、".join(line.record["plan_refs"])),
        Column("掲載箇所", lambda line: _listed_under(line.record)),
        Column("注記", lambda line: "\n".join(line.record["footnotes"])),
    ]


def _year_column(header: str, key: str, year: int, cell) -> Column:
    return Column(header, lambda line: cell(line.data.get(key, {}).get(str(year))))


def flat_rows(year: int | None = None) -> tuple[list[str], list[list]]:
    indicators = list(export_queryset())
    records = progress_records(year, indicators)
    columns = flat_columns(_years(records, year))
    return headers(columns), [cells(columns, line) for line in flat_lines(indicators, records)]


def _grade_cell(entry: dict | None) -> str | None:
    if not entry:
        return None
    return entry["label"] + ("・後退" if entry["regressed"] else "")


def _cell(entry: dict | None):
    if not entry:
        return None
    if entry.get("value") is not None:
        return entry["value"]
    if entry.get("deferred_to"):
        return entry["deferred_to"]
    return entry.get("text") or None


def to_csv(year: int | None = None) -> bytes:
    """UTF-8 with BOM, so that Excel on Windows opens the Japanese text correctly."""
    return excel_csv(*flat_rows(year))


def to_xlsx(year: int | None = None) -> bytes:
    header, rows = flat_rows(year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指標"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([escape_formula(value) for value in row])
    sheet.freeze_panes = "H2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if title == "名称" else max(10, len(title) * 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The machine-readable export of the plan and its progress (`manage.py export_progress`, docs/export.md).

One record per indicator; sub-series and compound values are `parts`. The JSON is the contract other work and
integrations rely on; CSV and xlsx are the same content flattened to one row per series for Excel users.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.evaluation import Evaluator, floor_rate
from indicators.models import Actual, Indicator, Series, Target
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.spreadsheet import escape_formula


def export_queryset():
    return Indicator.objects.with_structure().in_plan_order()


def _number(value: Decimal | None) -> int | float | None:
    """JSON number: integral values as int; others as float, whose repr round-trips the printed decimal."""
    if value is None:
        return None
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return int(normalized)
    return float(normalized)


def _actuals_by_series(indicators: Iterable[Indicator]) -> dict[int, dict[int, Actual]]:
    series_ids = [series.pk for indicator in indicators for series in indicator.series.all()]
    found: dict[int, dict[int, Actual]] = defaultdict(dict)
    for actual in Actual.objects.filter(series_id__in=series_ids).select_related("report"):
        found[actual.series_id][actual.report.fiscal_year] = actual
    return found


def _target_record(target: Target) -> dict:
    return {
        "value": _number(target.value),
        "text": target.text,
        "deferred_to": target.deferred_to,
        "years": list(target.years),
    }


def _rate(value: Decimal | None) -> float | None:
    """A rate as shown on screen: rounded down to one decimal; null when there is none (or nothing to divide by)."""
    value = floor_rate(value)
    if value is None or not value.is_finite():
        return None
    return float(value)


def grade_record(grade, approved: bool, scheme_code: str) -> dict:
    """One year's grade (docs/export.md): computed from approved actuals only (indicators.evaluation)."""
    return {
        "grade": grade.level.code if grade.is_graded else None,
        "label": grade.label,
        "status": grade.status,
        "achievement": _rate(grade.achievement),
        "progress": _rate(grade.progress),
        "regressed": bool(grade.is_graded and grade.regressed),
        "approved": approved,
        "scheme": scheme_code,
    }


def _grades(indicator: Indicator, years, evaluator: Evaluator, key: str | None) -> dict:
    """Grades keyed like the actuals: of the whole indicator (key None) or of one series."""
    out = {}
    for fiscal_year in sorted(years):
        grade = evaluator.grade(indicator, fiscal_year)
        if key is not None and len(grade.series) > 1:
            grade = next((g for g in grade.series if g.key == key), grade)
        report = evaluator.report(indicator, fiscal_year)
        out[str(fiscal_year)] = grade_record(grade, bool(report and report.status == "approved"), evaluator.scheme.code)
    return out


def _series_record(
    series: Series,
    actuals: dict[int, Actual],
    year: int | None,
    evaluator: Evaluator | None = None,
) -> dict:
    targets = {}
    for target in series.targets.all():
        for covered in target.years:
            if year is None or covered == year:
                targets[str(covered)] = _target_record(target)
    record = {
        "baseline": {
            "value": _number(series.baseline_value),
            "note": series.baseline_note,
            "text": series.baseline_text,
        },
        "targets": targets,
        "total": {"value": _number(series.total_value), "text": series.total_text},
    }
    if actuals:
        record["actuals"] = {
            str(fiscal_year): {"value": _number(actual.value), "text": actual.text}
            for fiscal_year, actual in sorted(actuals.items())
            if year is None or fiscal_year == year
        }
        if evaluator is not None:
            years = [int(y) for y in record["actuals"]]
            record["grades"] = _grades(series.indicator, years, evaluator, series.key)
    return record


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
        "plan_refs": sorted((item.code for item in indicator.plan_items.all()), key=_ref_sort_key),
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


def _ref_sort_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("-"))


def progress_records(year: int | None = None) -> list[dict]:
    indicators = list(export_queryset())
    actuals = _actuals_by_series(indicators)
    evaluator = Evaluator(indicators)
    return [indicator_record(indicator, actuals, year, evaluator) for indicator in indicators]


def to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2)


# Flat layout: one row per series.


def _years(records: list[dict], year: int | None) -> list[int]:
    if year is not None:
        return [year]
    found = set(range(2024, 2028))
    for record in records:
        for series in [record, *record["parts"]]:
            found.update(int(y) for y in series.get("targets", {}))
            found.update(int(y) for y in series.get("actuals", {}))
    return sorted(found)


def flat_rows(records: list[dict], year: int | None = None) -> tuple[list[str], list[list]]:
    years = _years(records, year)
    header = [
        "コード",
        "基本目標",
        "推進施策",
        "めざす姿",
        "種別",
        "番号",
        "名称",
        "内訳",
        "内訳名",
        "単位",
        "方向",
        "総量の種類",
        "現況値",
        "現況値の時点",
        "現況値（表記）",
        *(f"{fiscal_year_label(y)}目標" for y in years),
        "総量",
        "総量（表記）",
        *(f"{fiscal_year_label(y)}実績" for y in years),
        *(f"{fiscal_year_label(y)}評価" for y in years),
        "実施計画 施策",
        "掲載箇所",
        "注記",
    ]
    rows = []
    for record in records:
        listed = "、".join(
            f"推進施策{p['measure']}-めざす姿{p['vision']}-{p['number']}" for p in record["listed_under"]
        )
        series_list = (
            [{"key": "", "label": "", "unit": record["unit"], "total_kind": record["total_kind"], **record}]
            if record["baseline"] is not None
            else record["parts"]
        )
        for series in series_list:
            targets = series["targets"]
            actuals = series.get("actuals", {})
            rows.append(
                [
                    record["code"],
                    record["goal"],
                    record["measure"],
                    record["vision"],
                    record["kind"],
                    record["number"],
                    record["name"],
                    series["key"],
                    series["label"],
                    series["unit"],
                    record["direction"],
                    series["total_kind"],
                    series["baseline"]["value"],
                    series["baseline"]["note"],
                    series["baseline"]["text"],
                    *(_cell(targets.get(str(y))) for y in years),
                    series["total"]["value"],
                    series["total"]["text"],
                    *(_cell(actuals.get(str(y))) for y in years),
                    *(_grade_cell(series.get("grades", {}).get(str(y))) for y in years),
                    "、".join(record["plan_refs"]),
                    listed,
                    "\n".join(record["footnotes"]),
                ]
            )
    return header, rows


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


def to_csv(records: list[dict], year: int | None = None) -> bytes:
    """UTF-8 with BOM, so that Excel on Windows opens the Japanese text correctly."""
    header, rows = flat_rows(records, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(records: list[dict], year: int | None = None) -> bytes:
    header, rows = flat_rows(records, year)
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

"""Workflows that span several models.

load_plan writes the printed plan (fixtures/plan) into the database: plan, goals, measures, visions,
initiatives, indicators, series, targets and 実施計画 references. It is idempotent — a second run changes nothing —
and it never touches actuals: rows are updated in place, never deleted and recreated. Every row it adds, changes
or deletes is in the audit trail (setagaya_plan.core.loading.Writer).

Other apps keep data beside the plan that `manage.py load_plan` loads after it (consultations: 地域・地区,
相談支援機関, the plan's statistics). indicators does not know them: they register a DataLoader here in their
AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from indicators import plan_files
from indicators.evaluation import refresh_grades
from indicators.models import ImplementationPlanItem, Indicator, Relisting, Series, Target
from measures.models import Goal, Initiative, Measure, Plan, Vision
from setagaya_plan.core.fiscal_years import printed_years
from setagaya_plan.core.loading import LoadReport, Writer


@dataclass(frozen=True)
class DataLoader:
    """Data another app loads with the plan, as idempotently."""

    label: str  # named when the data cannot be read: 「{label}を読み込めませんでした」
    load: Callable[[], LoadReport]  # or anything with `changed` and `lines()`
    error: type[Exception]  # what `load` raises for a malformed data file; nothing is written then


_loaders: list[DataLoader] = []


def register_loader(loader: DataLoader) -> None:
    """Add a loader (once, however often an app's ready() runs)."""
    if loader not in _loaders:
        _loaders.append(loader)


def data_loaders() -> list[DataLoader]:
    return list(_loaders)


@transaction.atomic
def load_plan(directory: Path = plan_files.PLAN_FILE_DIR, source: str = "load_plan") -> LoadReport:
    data = plan_files.read_plan(directory)
    writer = Writer(source=source, error=plan_files.PlanFileError)
    plan = writer.upsert(
        Plan,
        {"name": data.name},
        {
            "start_fiscal_year": data.start_fiscal_year,
            "end_fiscal_year": data.end_fiscal_year,
            "mid_review_fiscal_year": data.mid_review_fiscal_year,
        },
    )
    goals = {
        goal.number: writer.upsert(
            Goal, {"plan": plan, "number": goal.number}, {"title": goal.title, "description": goal.description}
        )
        for goal in data.goals
    }
    relistings = []
    printed: dict[str, plan_files.IndicatorData] = {}
    for measure_data in data.measures:
        measure = writer.upsert(
            Measure,
            {"goal": goals[measure_data.goal], "number": measure_data.number},
            {"title": measure_data.title, "description": measure_data.description},
        )
        for vision_data in measure_data.visions:
            vision = _load_vision(writer, measure, vision_data)
            for position, indicator_data in enumerate(vision_data.indicators):
                place = (
                    f"{measure_data.number}/{vision_data.number}/{indicator_data.kind_label}/{indicator_data.number}"
                )
                printed[place] = indicator_data
                if indicator_data.relisted_from:
                    relistings.append((vision, position, indicator_data))
                else:
                    _load_indicator(writer, plan, vision, position, indicator_data)
    for vision, position, indicator_data in relistings:
        original = printed.get(indicator_data.relisted_from)
        # 【再掲】 is one indicator shown twice: the second printing must repeat the first, not differ from it.
        if original is not None and original.series != indicator_data.series:
            raise plan_files.PlanFileError(
                f"{indicator_data.relisted_from} の再掲（推進施策{vision.measure.number} {indicator_data.number}）"
                "の値が元と異なります"
            )
        _load_relisting(writer, vision, position, indicator_data)
    report = writer.flush()
    if report.changed:
        refresh_grades()  # targets, series or places changed: the stored grades follow in this transaction
    return report


def _load_vision(writer: Writer, measure: Measure, data: plan_files.VisionData) -> Vision:
    vision = writer.upsert(
        Vision,
        {"measure": measure, "number": data.number},
        {
            "subtitle": data.subtitle,
            "statement": data.statement,
            "description": data.description,
            "current_state": data.current_state,
            "challenges": data.challenges,
            "direction": data.direction,
            "notes": "\n".join(data.notes),
        },
    )
    for position, initiative in enumerate(data.initiatives):
        writer.upsert(
            Initiative,
            {"vision": vision, "number": initiative.number},
            {"title": initiative.title, "purpose": initiative.purpose, "position": position},
        )
    return vision


def _load_indicator(
    writer: Writer, plan: Plan, vision: Vision, position: int, data: plan_files.IndicatorData
) -> Indicator:
    code = Indicator.code_for(vision, data.kind, data.number)
    is_new = not Indicator.objects.filter(code=code).exists()
    indicator = writer.upsert(
        Indicator,
        {"code": code},
        {
            "vision": vision,
            "initiative": vision.initiative_for(data.number),
            "kind": data.kind,
            "number": data.number,
            "position": position,
            "name": data.name,
            "unit": data.unit,
            "direction": data.direction,
            "total_kind": data.total_kind,
            "qualifier": data.qualifier,
            "footnotes": "\n".join(data.footnotes),
        },
    )
    wanted_items = [writer.upsert(ImplementationPlanItem, {"code": ref}, {}) for ref in data.plan_refs]
    if writer.set_related(indicator, "plan_items", wanted_items):
        (writer.report.created if is_new else writer.report.updated)["実施計画 施策の対応"] += 1
    for series_position, series_data in enumerate(data.series):
        _load_series(writer, plan, indicator, series_position, series_data)
    return indicator


def _load_series(writer: Writer, plan: Plan, indicator: Indicator, position: int, data: plan_files.SeriesData) -> None:
    series = writer.upsert(
        Series,
        {"indicator": indicator, "key": data.key},
        {
            "label": data.label,
            "position": position,
            "unit": data.unit,
            "total_kind": data.total_kind,
            "baseline_value": data.baseline_value,
            "baseline_text": data.baseline_text,
            "baseline_note": data.baseline_note,
            "total_value": data.total_value,
            "total_text": data.total_text,
        },
    )
    # The files hold the printed years only; targets of later years (set at the mid-term review) are left alone.
    wanted_years = {cell.fiscal_year for cell in data.targets}
    writer.delete(series.targets.filter(fiscal_year__in=printed_years(plan)).exclude(fiscal_year__in=wanted_years))
    for cell in data.targets:
        if not plan.covers(cell.fiscal_year) or not plan.covers(cell.end_fiscal_year):
            raise plan_files.PlanFileError(f"{indicator.code}: {cell.fiscal_year}年度は計画期間の外です")
        writer.upsert(
            Target,
            {"series": series, "fiscal_year": cell.fiscal_year},
            {
                "end_fiscal_year": cell.end_fiscal_year,
                "value": cell.value,
                "text": cell.text,
                "deferred_to": cell.deferred_to,
            },
        )


def _load_relisting(writer: Writer, vision: Vision, position: int, data: plan_files.IndicatorData) -> None:
    try:
        measure_number, vision_number, kind_label, number = data.relisted_from.split("/")
        original_vision = Vision.objects.get(
            measure__goal=vision.measure.goal, measure__number=int(measure_number), number=int(vision_number)
        )
        original = Indicator.objects.get(
            vision=original_vision, kind=plan_files.KIND_BY_LABEL[kind_label], number=number
        )
    except (ValueError, KeyError, Vision.DoesNotExist, Indicator.DoesNotExist):
        raise plan_files.PlanFileError(
            f"推進施策{vision.measure.number} めざす姿{vision.number} {data.number}: "
            f"再掲元 {data.relisted_from!r} が見つかりません"
        ) from None
    writer.upsert(Relisting, {"indicator": original, "vision": vision}, {"number": data.number, "position": position})

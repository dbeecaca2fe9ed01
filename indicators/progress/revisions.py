"""What the revision pages show: the revisions of the 実施計画, and every change one made (old → new)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from indicators.models import SERIES_FIELDS, CellValues, PlanRevision, SeriesVersion, TargetVersion
from indicators.revisions import FIELD_LABELS, cell_shown, field_shown, series_label
from setagaya_plan.core.fiscal_years import fiscal_year_label


@dataclass(frozen=True)
class ChangeRow:
    code: str
    label: str  # the indicator (and part) as the preview names it
    field: str  # 令和8年度（2026年度）目標, 現況値 …
    old: str
    new: str
    url: str
    sort: tuple


def revision_changes(revision: PlanRevision) -> list[ChangeRow]:
    """Every value `revision` set, with what the revision before it had (old → new), in plan order."""
    rows = list(TargetVersion.objects.filter(revision=revision).select_related("series__indicator", "revision"))
    earlier: dict[tuple[int, int], list[TargetVersion]] = defaultdict(list)
    for row in TargetVersion.objects.filter(
        series__in={row.series_id for row in rows}, revision__number__lt=revision.number
    ).select_related("revision"):
        earlier[(row.series_id, row.fiscal_year)].append(row)
    changes = []
    for row in rows:
        before = sorted(earlier[(row.series_id, row.fiscal_year)], key=lambda r: r.revision.number)
        old = None if not before or before[-1].removed else CellValues.of(before[-1])
        new = None if row.removed else CellValues.of(row)
        field = f"{fiscal_year_label(row.fiscal_year)}目標"
        changes.append(_row(row.series, field, cell_shown(old), cell_shown(new), row.fiscal_year))
    changes.extend(_field_changes(revision))
    return sorted(changes, key=lambda change: change.sort)


def _field_changes(revision: PlanRevision) -> list[ChangeRow]:
    rows = list(SeriesVersion.objects.filter(revision=revision).select_related("series__indicator"))
    earlier: dict[int, list[SeriesVersion]] = defaultdict(list)
    for row in SeriesVersion.objects.filter(
        series__in={row.series_id for row in rows}, revision__number__lt=revision.number
    ).select_related("revision"):
        earlier[row.series_id].append(row)
    changes = []
    for row in rows:
        before = sorted(earlier[row.series_id], key=lambda r: r.revision.number)
        for position, name in enumerate(SERIES_FIELDS):
            old = field_shown(getattr(before[-1], name)) if before else "（なし）"
            new = field_shown(getattr(row, name))
            if old != new:
                changes.append(_row(row.series, FIELD_LABELS[name], old, new, 9000 + position))
    return changes


def _row(series, field: str, old: str, new: str, order: int) -> ChangeRow:
    indicator = series.indicator
    return ChangeRow(
        code=series.code,
        label=series_label(series),
        field=field,
        old=old,
        new=new,
        url=reverse("progress:indicator", args=[indicator.code]),
        sort=(indicator.code, series.position, order),
    )

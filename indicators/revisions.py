"""Recording revisions of the 実施計画: which revision a change of targets, totals or baselines belongs to.

The Target and Series rows hold the values in force now; every change of them by an import, the admin or
load_plan is recorded here as a version row of one PlanRevision (indicators.models.revisions), so that 当初 and
every revised value stay readable. The way it is recorded does not depend on how the change was written: the
series' values are read before and after (`snapshot`), and the difference becomes the revision's rows
(`record`). A dry run records inside its rolled-back transaction, so its preview lists the same changes.

Rules (docs/evaluation.md, docs/import.md):
* revisions are numbered in the order of their decision dates; a new one may not be decided before the latest;
* changes may be added only to the latest revision (the same name again adds to it), never to an older one;
* a change of an existing series needs a revision; a series created by the same import without one belongs to
  当初 (the printed plan transcribed late, such as the tables of 基本目標2).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from indicators.evaluation import refresh_grades
from indicators.models import (
    ORIGINAL_NAME,
    SERIES_FIELDS,
    CellValues,
    PlanRevision,
    Series,
    SeriesVersion,
    TargetVersion,
)
from setagaya_plan.core import audit
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.lib.numerals import format_decimal

MAX_NAME = 100
ORIGINAL = ORIGINAL_NAME  # what an import names to correct 当初 (a transcription error), while no later revision exists
FIELD_LABELS = {
    "baseline_value": "現況値",
    "baseline_text": "現況値（表記）",
    "baseline_note": "現況値の時点",
    "total_value": "総量",
    "total_text": "総量（表記）",
}


class RevisionError(ValueError):
    """A revision that cannot be used; `message` says why in Japanese, `field` which of the forms' two fields
    (revision: 改定名, decided: 決定日) it is about."""

    def __init__(self, message: str, field: str = "revision"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RevisionChange:
    """One changed value of a revision, as the preview and the revision page show it."""

    series_id: int
    label: str  # G1-M01-V1-A1 名称（内訳）
    field: str  # 令和8年度（2026年度）目標, 現況値, 総量 …
    old: str
    new: str


@dataclass(frozen=True)
class SeriesSnapshot:
    label: str
    targets: dict[int, CellValues]
    fields: dict[str, object]


def cell_shown(cell: CellValues | None) -> str:
    """A target cell as the preview and the revision page print it."""
    if cell is None:
        return "（なし）"
    if cell.deferred_to:
        content = f"他計画：{cell.deferred_to}"
    elif cell.value is not None:
        content = format_decimal(cell.value) + (f"（{cell.text}）" if cell.text else "")
    else:
        content = cell.text or "（空欄）"
    if cell.end != cell.start:
        content += f"（{fiscal_year_label(cell.start)}～{fiscal_year_label(cell.end)}）"
    return content


def field_shown(value) -> str:
    if value is None or value == "":
        return "（なし）"
    return format_decimal(value) if not isinstance(value, str) else value


def series_label(series: Series) -> str:
    indicator = series.indicator
    label = f"{indicator.code} {indicator.name}"
    return label + (f"（{series.label or series.key}）" if series.key else "")


# ---- choosing the revision ----------------------------------------------------------------------------------------


def parse_decided(raw) -> datetime.date | None:
    """A decision date typed as 2026-06-01 (or 2026/6/1); RevisionError in Japanese for anything else."""
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip().replace("/", "-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        shown = text[:40]
        raise RevisionError(f"決定日「{shown}」を読み取れません（例：2026-06-01）。", "decided") from None


def resolve(name: str, decided: datetime.date | None = None, note: str = "") -> PlanRevision:
    """The revision named `name`, unsaved when new: what an import or an edit will add its changes to.

    Refused (RevisionError): an empty or overlong name, a new revision without a decision date or decided before
    the latest one, an existing revision that is not the latest, or one whose decision date differs.
    """
    name = " ".join((name or "").split())
    if not name:
        raise RevisionError("改定名を入力してください（例：令和8年度改定）。")
    if len(name) > MAX_NAME:
        raise RevisionError(f"改定名は{MAX_NAME}文字以内にしてください。")
    latest = PlanRevision.objects.latest_one()
    found = PlanRevision.objects.filter(name=name).first()
    if found is not None:
        if latest is not None and found.number != latest.number:
            raise RevisionError(
                f"「{found.name}」より後の改定「{latest.name}」があるため、「{found.name}」には変更を加えられません。"
            )
        if decided is not None and found.decided is not None and decided != found.decided:
            raise RevisionError(
                f"改定「{found.name}」の決定日は{found.decided.isoformat()}です（指定：{decided.isoformat()}）。",
                "decided",
            )
        return found
    if name == ORIGINAL_NAME:
        return PlanRevision(number=0, name=ORIGINAL_NAME)
    if decided is None:
        raise RevisionError(f"新しい改定「{name}」の決定日を指定してください（例：2026-06-01）。", "decided")
    if latest is not None and latest.decided is not None and decided < latest.decided:
        raise RevisionError(
            f"決定日{decided.isoformat()}は、最新の改定「{latest.name}」の決定日{latest.decided.isoformat()}より前です。"
            "改定は決定日の順に登録してください。",
            "decided",
        )
    number = (latest.number + 1) if latest is not None else 1
    return PlanRevision(number=number, name=name, decided=decided, note=note)


# ---- recording ----------------------------------------------------------------------------------------------------


def snapshot(series_ids: Iterable[int] | None = None) -> dict[int, SeriesSnapshot]:
    """The versioned values of every series (or of some) as stored now, in two queries."""
    series = Series.objects.select_related("indicator").prefetch_related("targets")
    if series_ids is not None:
        series = series.filter(pk__in=list(series_ids))
    return snapshot_of(series)


def snapshot_of(series: Iterable[Series]) -> dict[int, SeriesSnapshot]:
    """The same from series already read with their indicator and prefetched targets (an import's PlanCache holds
    every series of the plan: reading them again would be the import's largest fixed cost)."""
    return {
        one.pk: SeriesSnapshot(
            series_label(one),
            {target.fiscal_year: CellValues.of(target) for target in one.targets.all()},
            {name: getattr(one, name) for name in SERIES_FIELDS},
        )
        for one in series
    }


def differences(before: dict[int, SeriesSnapshot], after: dict[int, SeriesSnapshot]) -> list[RevisionChange]:
    """What changed between two snapshots, series by series (a series only in `after` is new)."""
    changes = []
    for series_id, now in after.items():
        then = before.get(series_id)
        old_targets = then.targets if then else {}
        for year in sorted({*old_targets, *now.targets}):
            old, new = old_targets.get(year), now.targets.get(year)
            if old != new:
                field = f"{fiscal_year_label(year)}目標"
                changes.append(RevisionChange(series_id, now.label, field, cell_shown(old), cell_shown(new)))
        for name in SERIES_FIELDS:
            old = then.fields.get(name) if then else None
            new = now.fields.get(name)
            if field_shown(old) != field_shown(new):
                changes.append(
                    RevisionChange(series_id, now.label, FIELD_LABELS[name], field_shown(old), field_shown(new))
                )
    return changes


def needs_revision(before: dict[int, SeriesSnapshot], changes: list[RevisionChange]) -> bool:
    """A change of a series that existed before: it must say which revision it belongs to."""
    return any(change.series_id in before for change in changes)


@transaction.atomic
def record(
    revision: PlanRevision | None,
    before: dict[int, SeriesSnapshot],
    *,
    user=None,
    source: str = "",
    series_ids: Iterable[int] | None = None,
) -> list[RevisionChange]:
    """Record what changed since `before` as `revision`'s version rows (None: 当初, for new series only).

    `series_ids` are the series to compare now (default: those of `before` and every series created since).
    Saves a new revision first. A value versioned for the first time by a later revision keeps its old value as
    当初, so that the history always starts from what was there.
    """
    ids = set(series_ids) if series_ids is not None else before.keys() | set(_new_series_ids(before))
    after = snapshot(ids)
    changes = differences(before, after)
    if not changes:
        return []
    if revision is None:
        if needs_revision(before, changes):
            # Every caller asks for a revision first; recording a change as 当初 silently would rewrite history.
            raise RevisionError("登録済みの目標・総量・現況値の変更には、どの改定による変更かの指定が必要です。")
        revision = PlanRevision.objects.original()
    elif revision.pk is None:
        revision.created_by = user if getattr(user, "is_authenticated", False) else None
        revision.save()
        # The values themselves are in the trail of the rows that changed (the importer's or the admin's entries).
        changes_of_revision = {"改定": [None, revision.name], "決定日": [None, audit.plain(revision.decided)]}
        audit.log(revision, audit.Action.ADD, user, changes=changes_of_revision, source=source or audit.ADMIN)
    original = PlanRevision.objects.original() if revision.number else revision
    changed_ids = {change.series_id for change in changes}
    for series_id in changed_ids:
        _record_series(revision, original, before.get(series_id), after[series_id], series_id)
    return changes


def _new_series_ids(before: dict[int, SeriesSnapshot]) -> list[int]:
    return list(Series.objects.exclude(pk__in=list(before)).values_list("pk", flat=True))


def _record_series(revision, original, then: SeriesSnapshot | None, now: SeriesSnapshot, series_id: int) -> None:
    old_targets = then.targets if then else {}
    versioned_years = set(TargetVersion.objects.filter(series_id=series_id).values_list("fiscal_year", flat=True))
    for year in sorted({*old_targets, *now.targets}):
        old, new = old_targets.get(year), now.targets.get(year)
        if old == new:
            continue
        if old is not None and year not in versioned_years and revision.number:
            TargetVersion.objects.create(revision=original, series_id=series_id, **_cell_fields(old))
        values = _cell_fields(new) if new is not None else {"fiscal_year": year, "end_fiscal_year": year}
        TargetVersion.objects.update_or_create(
            revision=revision,
            series_id=series_id,
            fiscal_year=year,
            defaults={"removed": new is None, "value": None, "text": "", "deferred_to": "", **values},
        )
    if then is None or then.fields != now.fields:
        if then is not None and revision.number and not SeriesVersion.objects.filter(series_id=series_id).exists():
            SeriesVersion.objects.create(revision=original, series_id=series_id, **then.fields)
        SeriesVersion.objects.update_or_create(revision=revision, series_id=series_id, defaults=now.fields)


def _cell_fields(cell: CellValues) -> dict:
    return {
        "fiscal_year": cell.start,
        "end_fiscal_year": cell.end,
        "value": cell.value,
        "text": cell.text,
        "deferred_to": cell.deferred_to,
    }


def in_force_over_original(series_id: int | None, cells: dict[int, CellValues], fields: dict) -> tuple[dict, dict]:
    """load_plan: the printed (当初) cells and fields of a series with every later revision's changes applied, so
    that loading the printed plan again never undoes a revision."""
    if series_id is None:
        return cells, fields
    cells, fields = dict(cells), dict(fields)
    for row in TargetVersion.objects.filter(series_id=series_id, revision__number__gt=0).order_by("revision__number"):
        if row.removed:
            cells.pop(row.fiscal_year, None)
        else:
            cells[row.fiscal_year] = CellValues.of(row)
    latest = SeriesVersion.objects.filter(series_id=series_id, revision__number__gt=0).order_by("revision__number")
    if (row := latest.last()) is not None:
        fields = {name: getattr(row, name) for name in SERIES_FIELDS}
    return cells, fields


def set_original(series: Series, cells: dict[int, CellValues], fields: dict) -> None:
    """load_plan: 当初's rows of a series are the printed plan's values (idempotent)."""
    original = PlanRevision.objects.original()
    for year, cell in cells.items():
        stored = TargetVersion.objects.filter(revision=original, series=series, fiscal_year=year).first()
        if stored is None or stored.removed or CellValues.of(stored) != cell:
            TargetVersion.objects.update_or_create(
                revision=original, series=series, fiscal_year=year, defaults={"removed": False, **_cell_fields(cell)}
            )
    TargetVersion.objects.filter(revision=original, series=series).exclude(fiscal_year__in=cells).delete()
    stored = SeriesVersion.objects.filter(revision=original, series=series).first()
    if stored is None or any(getattr(stored, name) != value for name, value in fields.items()):
        SeriesVersion.objects.update_or_create(revision=original, series=series, defaults=fields)


def set_regrade(revision: PlanRevision, regrade: bool, *, user, reason: str = "") -> bool:
    """The planner's choice to grade already approved years against `revision` (or no longer); logged."""
    if revision.is_original or revision.regrade == regrade:
        return False
    PlanRevision.objects.filter(pk=revision.pk).update(regrade=regrade)
    audit.log(
        revision,
        audit.Action.CHANGE,
        user,
        changes={"承認済みの年度もこの改定の目標で評価し直す": [revision.regrade, regrade]},
        comment=reason,
    )
    revision.regrade = regrade
    refresh_grades()  # every year may now be graded against other targets: the stored grades follow
    return True

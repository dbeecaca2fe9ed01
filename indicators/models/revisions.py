"""Revisions of the 実施計画 (改定) and the target, total and baseline values each one set.

The plan's tables are revised during its period: targets raised or lowered, a year's target left to another
plan, the 令和10–13年度 targets set at the mid-term review. A revision is a named, dated event; revision 0 is the
original plan (当初). Each change of a target, total or baseline belongs to one revision and is kept as a
version row (TargetVersion, SeriesVersion); the Target and Series rows themselves always hold the values the
latest revision left, so every page that shows "the target" keeps showing the one in force now. Which revision a
year is graded against is the evaluation's rule (indicators.evaluation.revisions, docs/evaluation.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models

from indicators.models.fields import VALUE_FIELD_OPTIONS

ORIGINAL_NAME = "当初"


class PlanRevisionQuerySet(models.QuerySet):
    def original(self) -> PlanRevision:
        """Revision 0 (当初), created when first asked for."""
        revision, _ = self.get_or_create(number=0, defaults={"name": ORIGINAL_NAME})
        return revision

    def latest_one(self) -> PlanRevision | None:
        return self.order_by("-number").first()


class PlanRevision(models.Model):
    """A revision of the 実施計画: 当初 (number 0) or 「令和8年度改定」, decided on a date, with a note."""

    number = models.PositiveSmallIntegerField("改定の順番", unique=True, help_text="0 は当初計画")
    name = models.CharField("改定名", max_length=100, unique=True)
    decided = models.DateField("決定日", null=True, blank=True, help_text="当初計画は空欄")
    note = models.TextField("説明", blank=True)
    regrade = models.BooleanField(
        "承認済みの年度もこの改定の目標で評価し直す",
        default=False,
        help_text="決定日より前に提出期限を過ぎた年度も、この改定の目標で評価します（計画担当が選び、履歴に残ります）。",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登録者",
    )

    objects = PlanRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "計画の改定"
        verbose_name_plural = "計画の改定"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_original(self) -> bool:
        return self.number == 0


class TargetVersion(models.Model):
    """A target cell as one revision set it: its value, text or deferral; or `removed` when the revision took it
    away. Keyed by the cell's first year, like Target."""

    revision = models.ForeignKey(
        PlanRevision, on_delete=models.PROTECT, related_name="target_versions", verbose_name="改定"
    )
    series = models.ForeignKey(
        "indicators.Series", on_delete=models.CASCADE, related_name="target_versions", verbose_name="系列"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度（開始）")
    end_fiscal_year = models.PositiveSmallIntegerField("年度（終了）")
    value = models.DecimalField("目標値", **VALUE_FIELD_OPTIONS)
    text = models.TextField("目標（文章・表記）", blank=True)
    deferred_to = models.CharField("他計画で設定", max_length=200, blank=True)
    removed = models.BooleanField("この改定で削除", default=False)

    class Meta:
        verbose_name = "目標の版"
        verbose_name_plural = "目標の版"
        ordering = ["series", "fiscal_year", "revision__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year", "revision"], name="target_version_once_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.fiscal_year} {self.revision}"


class SeriesVersion(models.Model):
    """A series' 現況値 and 総量 as one revision set them."""

    revision = models.ForeignKey(
        PlanRevision, on_delete=models.PROTECT, related_name="series_versions", verbose_name="改定"
    )
    series = models.ForeignKey(
        "indicators.Series", on_delete=models.CASCADE, related_name="versions", verbose_name="系列"
    )
    baseline_value = models.DecimalField("現況値", **VALUE_FIELD_OPTIONS)
    baseline_text = models.CharField("現況値（表記）", max_length=200, blank=True)
    baseline_note = models.CharField("現況値の時点", max_length=100, blank=True)
    total_value = models.DecimalField("総量", **VALUE_FIELD_OPTIONS)
    total_text = models.CharField("総量（表記）", max_length=200, blank=True)

    class Meta:
        verbose_name = "現況値・総量の版"
        verbose_name_plural = "現況値・総量の版"
        ordering = ["series", "revision__number"]
        constraints = [models.UniqueConstraint(fields=["series", "revision"], name="series_version_once_per_revision")]

    def __str__(self) -> str:
        return f"{self.series} {self.revision}"


# ---- the values a series had at each revision ---------------------------------------------------------------------

SERIES_FIELDS = ("baseline_value", "baseline_text", "baseline_note", "total_value", "total_text")


@dataclass(frozen=True)
class CellValues:
    """A target cell's content, whichever revision it comes from (Target, TargetVersion)."""

    start: int
    end: int
    value: Decimal | None
    text: str
    deferred_to: str

    @classmethod
    def of(cls, row) -> CellValues:
        return cls(row.fiscal_year, row.end_fiscal_year, row.value, row.text, row.deferred_to)


@dataclass(frozen=True)
class SeriesState:
    """A series as one revision left it: its target cells by first year, and its 現況値 and 総量."""

    revision: PlanRevision
    targets: dict[int, CellValues]
    fields: dict[str, object]


def series_states(series, target_rows, field_rows) -> list[SeriesState]:
    """The states of one series at every revision that changed it, oldest first (empty: never versioned).

    `series` carries the current values (prefetched targets); `target_rows` and `field_rows` are its
    TargetVersion and SeriesVersion rows with their revisions. A cell or field no revision recorded is the current
    one at every revision (data older than revisions); a cell first recorded by a later revision is absent before.
    """
    revisions = {row.revision.number: row.revision for row in [*target_rows, *field_rows]}
    if not revisions:
        return []
    current_cells = {target.fiscal_year: CellValues.of(target) for target in series.targets.all()}
    by_year: dict[int, list] = defaultdict(list)
    for row in sorted(target_rows, key=lambda row: row.revision.number):
        by_year[row.fiscal_year].append(row)
    fields_by_number = sorted(field_rows, key=lambda row: row.revision.number)
    states = []
    for number in sorted(revisions):
        cells = {}
        for year in sorted({*current_cells, *by_year}):
            rows = by_year.get(year, [])
            if not rows:
                cells[year] = current_cells[year]
                continue
            known = [row for row in rows if row.revision.number <= number]
            if known and not known[-1].removed:
                cells[year] = CellValues.of(known[-1])
        known_fields = [row for row in fields_by_number if row.revision.number <= number]
        source = known_fields[-1] if known_fields else series
        states.append(SeriesState(revisions[number], cells, {name: getattr(source, name) for name in SERIES_FIELDS}))
    return states


def cell_history(states: list[SeriesState], year: int) -> list[tuple[PlanRevision, CellValues | None]]:
    """The target cell covering `year` as each revision that changed it left it, oldest first; a revision that
    took the year's target away gives None. Empty when the series was never versioned."""
    history: list[tuple[PlanRevision, CellValues | None]] = []
    previous: object = ()
    for state in states:
        cell = next((c for c in state.targets.values() if c.start <= year <= c.end), None)
        if cell != previous and (cell is not None or history):
            history.append((state.revision, cell))
        previous = cell
    return history

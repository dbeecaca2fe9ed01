"""Indicators (行動量 and 成果指標), their series, yearly targets and actuals.

Shape of the data, from the printed plan (see docs/data.md):

* An Indicator sits at one place in the plan (its めざす姿 and 番号) and may be re-listed (【再掲】) under another
  measure: one indicator, one set of actuals, shown in two places (Relisting).
* Its values live in one or more Series. A plain indicator has one series with the empty key; a)/b) sub-series
  and compound values (整備数 / 累計整備数) are separate series of the same indicator, each with its own baseline,
  targets and total.
* A Target covers one fiscal year, or several (a merged cell in the printed table), and holds a number, a text,
  or the name of the plan a year is deferred to. Fiscal years are plain integers, so targets set at the mid-term
  review (令和10年度 and later) need no schema change.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from indicators.models.fields import VALUE_FIELD_OPTIONS
from indicators.models.reports import Report, YearStatus
from measures.models import Initiative, Measure, Vision
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import Section
from setagaya_plan.lib.numerals import to_full_width


class ImplementationPlanItem(models.Model):
    """施策 of 世田谷区実施計画 (e.g. 9-3), printed as 【実施計画 施策９－３】 beside an indicator."""

    code = models.CharField("施策番号", max_length=20, unique=True)
    title = models.CharField("施策名", max_length=200, blank=True)

    class Meta:
        verbose_name = "実施計画 施策"
        verbose_name_plural = "実施計画 施策"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"実施計画 施策{self.code}"

    @staticmethod
    def code_key(code: str) -> tuple:
        """The order of 施策 numbers: 9-3 before 10-1 (by number, not as text); the code breaks ties."""
        return (tuple(int(part) for part in code.split("-") if part.isdigit()), code)

    def sort_key(self) -> tuple:
        return self.code_key(self.code)

    @property
    def printed_label(self) -> str:
        """【実施計画 施策９－３】, as the plan prints it beside an indicator's name."""
        return f"【実施計画 施策{to_full_width(self.code)}】"


class IndicatorQuerySet(models.QuerySet):
    def with_structure(self) -> IndicatorQuerySet:
        """Everything a listing shows, fetched in a fixed number of queries."""
        return self.select_related("vision__measure__goal", "initiative").prefetch_related(
            "series__targets",
            "plan_items",
            "relistings__vision__measure__goal",
        )

    def listed_under(self, measure: Measure) -> IndicatorQuerySet:
        """Indicators printed in a measure's tables, its own and those re-listed there (【再掲】)."""
        return self.filter(Q(vision__measure=measure) | Q(relistings__vision__measure=measure)).distinct()

    def with_year_grade(self, fiscal_year: int) -> IndicatorQuerySet:
        """Join each indicator's stored official grade of one year at its own place (indicators.models.Grade) as
        `year_grade`, for filtering and ordering in SQL: year_grade__rank, year_grade__needs_attention …"""
        return self.annotate(
            year_grade=models.FilteredRelation(
                "grades", condition=Q(grades__fiscal_year=fiscal_year, grades__relisted=False)
            )
        )

    def in_plan_order(self) -> IndicatorQuerySet:
        return self.order_by(
            "vision__measure__goal__number", "vision__measure__number", "vision__number", "kind", "position"
        )

    def for_entry(self) -> IndicatorQuerySet:
        """What the entry screens show of each indicator (section, place, series and targets), in fixed queries."""
        return self.select_related("section", "vision__measure__goal").prefetch_related("series__targets")

    def with_year_report(self, fiscal_year: int, to_attr: str = "year_reports") -> IndicatorQuerySet:
        """Attach each indicator's report of one year, with its actuals, as a list of 0 or 1 under `to_attr`."""
        reports = Report.objects.filter(fiscal_year=fiscal_year)
        reports = reports.select_related("updated_by").prefetch_related("actuals")
        return self.prefetch_related(models.Prefetch("reports", queryset=reports, to_attr=to_attr))

    def with_year_status(self, fiscal_year: int, name: str = "status_in_year") -> IndicatorQuerySet:
        """Annotate `Indicator.year_status` of one year as `name`, in SQL, for counting (GROUP BY), filtering and
        ordering without loading a series, target or report: the one SQL form of that rule."""
        return self.annotate(**{name: year_status_expression(fiscal_year)})


def year_status_expression(fiscal_year: int) -> models.Expression:
    """`Indicator.year_status` as an SQL expression over an indicator row (OuterRef "pk"): the report's status if the
    year has a report, else 未入力 when `is_due` — some series expects an actual, i.e. no target covering the year
    (a merged multi-year cell included, `Target.covers`) is deferred to another plan (`Series.expects_actual`) —
    else 対象外. Tested against `year_status` for every indicator of the real plan (tests/test_entry_paging.py)."""
    # Unordered: a report's default ordering would join its indicator's place in the plan into every row's subquery.
    report_status = (
        Report.objects.filter(indicator=models.OuterRef("pk"), fiscal_year=fiscal_year).order_by().values("status")
    )
    deferred = Target.objects.filter(
        series=models.OuterRef("pk"), fiscal_year__lte=fiscal_year, end_fiscal_year__gte=fiscal_year
    ).exclude(deferred_to="")
    expecting = Series.objects.filter(indicator=models.OuterRef("pk")).exclude(models.Exists(deferred))
    return models.functions.Coalesce(
        models.Subquery(report_status[:1]),
        models.Case(
            models.When(models.Exists(expecting), then=models.Value(YearStatus.MISSING.value)),
            default=models.Value(YearStatus.NOT_DUE.value),
        ),
        output_field=models.CharField(),
    )


class Indicator(models.Model):
    class Kind(models.TextChoices):
        # Stored codes sort 行動量 before 成果指標, the printed order.
        ACTION = "action", "行動量"
        OUTCOME = "outcome", "成果指標"

    class Direction(models.TextChoices):
        UP = "up", "増加をめざす"
        DOWN = "down", "減少をめざす"

    class TotalKind(models.TextChoices):
        SUM = "sum", "各年度の合計"
        LAST = "last", "最終年度の値"
        CUMULATIVE = "cumulative", "累計"
        NONE = "none", "数値の総量なし"

    code = models.CharField(
        "コード",
        max_length=40,
        unique=True,
        help_text="計画上の位置から作る固定の識別子（例 G1-M01-V1-A3）。名称を変えても変わりません。",
    )
    vision = models.ForeignKey(Vision, on_delete=models.PROTECT, related_name="indicators", verbose_name="めざす姿")
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="主な取組み",
    )
    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    number = models.CharField("番号", max_length=20, help_text="印刷どおりの番号（例 1-①）")
    position = models.PositiveSmallIntegerField("表示順", default=0)
    name = models.CharField("名称", max_length=300)
    unit = models.CharField("単位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    total_kind = models.CharField("総量の種類", max_length=10, choices=TotalKind.choices, default=TotalKind.SUM)
    qualifier = models.CharField("数え方の注記", max_length=50, blank=True, help_text="延べ、重複あり など")
    footnotes = models.TextField("注記（※）", blank=True, help_text="指標を定義する※の注記。1行に1つ。")
    plan_items = models.ManyToManyField(
        ImplementationPlanItem, blank=True, related_name="indicators", verbose_name="実施計画 施策"
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="所管課",
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指標"
        verbose_name_plural = "指標"
        ordering = ["vision__measure__goal__number", "vision__measure__number", "vision__number", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["vision", "kind", "number"],
                name="indicator_number_unique_in_table",
                violation_error_message="同じめざす姿の同じ表に同じ番号の指標がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        # The code is fixed once: later edits of the title, number or place never change it.
        if not self.code:
            self.code = self.code_for(self.vision, self.kind, self.number)
        super().save(*args, **kwargs)

    @staticmethod
    def code_for(vision: Vision, kind: str, number: str) -> str:
        """G1-M05-V2-A1-1 for 基本目標1, 推進施策5, めざす姿2, 行動量 1-①."""
        measure = vision.measure
        kind_letter = "A" if kind == Indicator.Kind.ACTION else "O"
        return f"G{measure.goal.number}-M{measure.number:02d}-V{vision.number}-{kind_letter}{_ascii_number(number)}"

    @property
    def measure(self) -> Measure:
        return self.vision.measure

    @property
    def is_numeric(self) -> bool:
        return self.total_kind != self.TotalKind.NONE or any(
            target.value is not None for series in self.series.all() for target in series.targets.all()
        )

    def plan_refs(self) -> list[ImplementationPlanItem]:
        """Its 実施計画 施策 in the plan's order (uses prefetched plan_items)."""
        return sorted(self.plan_items.all(), key=ImplementationPlanItem.sort_key)

    def plan_ref_codes(self) -> list[str]:
        return [item.code for item in self.plan_refs()]

    def footnote_list(self) -> list[str]:
        return [line for line in self.footnotes.splitlines() if line.strip()]

    def listed_measures(self) -> list[Measure]:
        """Every measure the indicator is printed under, its own first (uses prefetched relistings)."""
        measures = [self.vision.measure]
        for relisting in self.relistings.all():
            if relisting.vision.measure not in measures:
                measures.append(relisting.vision.measure)
        return measures

    def has_text_target(self, fiscal_year: int) -> bool:
        """A year whose target is words (一部運用, 全面運用 …): judged by the section's self-assessment."""
        for series in self.series.all():
            target = series.target_for(fiscal_year)
            if target and target.value is None and target.text:
                return True
        return False

    def is_due(self, fiscal_year: int) -> bool:
        """An actual is expected this year unless every series' target is left to another plan."""
        return any(series.expects_actual(fiscal_year) for series in self.series.all())

    def year_status(self, fiscal_year: int, report: Report | None) -> str:
        """YearStatus of the indicator in a year, given its report of that year (or None)."""
        if report is not None:
            return report.status
        return YearStatus.MISSING if self.is_due(fiscal_year) else YearStatus.NOT_DUE

    def main_series(self) -> Series | None:
        for series in self.series.all():
            if series.key == "":
                return series
        return None

    def parts(self) -> list[Series]:
        return [series for series in self.series.all() if series.key != ""]


def _ascii_number(number: str) -> str:
    """1-① → 1-1; circled and full-width digits become ASCII so the code is easy to type and put in a URL."""
    out = []
    for char in number.strip():
        if char in "-－‐―ー":
            out.append("-")
        elif char.isdigit() or unicodedata.numeric(char, None) is not None:
            out.append(str(int(unicodedata.numeric(char))))
        elif char.isascii() and char.isalnum():
            out.append(char)
    return "".join(out)


class Relisting(models.Model):
    """【再掲】: an indicator printed again under another measure. Still one indicator with one set of actuals."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="relistings", verbose_name="指標")
    vision = models.ForeignKey(
        Vision, on_delete=models.PROTECT, related_name="relistings", verbose_name="再掲先のめざす姿"
    )
    number = models.CharField("再掲先での番号", max_length=20)
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "再掲"
        verbose_name_plural = "再掲"
        ordering = ["vision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "vision"],
                name="relisting_once_per_vision",
                violation_error_message="この指標はすでにこのめざす姿に再掲されています。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} 【再掲】 {self.vision}"

    def clean(self) -> None:
        if self.indicator_id and self.vision_id and self.indicator.vision_id == self.vision_id:
            raise ValidationError({"vision": "指標の本来のめざす姿には再掲できません。"})


class Series(models.Model):
    """One line of values of an indicator: the whole indicator, or one part of it (a)/b), 整備数 / 累計整備数)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="series", verbose_name="指標")
    key = models.CharField(
        "内訳キー",
        max_length=20,
        blank=True,
        help_text="空欄は指標全体。a / b は a)・b) の内訳、yearly / cumulative は整備数・累計整備数など。",
    )
    label = models.CharField("内訳名", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("表示順", default=0)
    unit = models.CharField("単位", max_length=20, blank=True, help_text="空欄なら指標の単位")
    total_kind = models.CharField(
        "総量の種類", max_length=10, choices=Indicator.TotalKind.choices, blank=True, help_text="空欄なら指標の設定"
    )
    baseline_value = models.DecimalField("現況値", **VALUE_FIELD_OPTIONS)
    baseline_text = models.CharField("現況値（表記）", max_length=200, blank=True, help_text="「―」など数値以外の表記")
    baseline_note = models.CharField("現況値の時点", max_length=100, blank=True, help_text="令和5年度見込み など")
    total_value = models.DecimalField("総量", **VALUE_FIELD_OPTIONS)
    total_text = models.CharField("総量（表記）", max_length=200, blank=True)

    class Meta:
        verbose_name = "系列"
        verbose_name_plural = "系列"
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "key"],
                name="series_key_unique_in_indicator",
                violation_error_message="同じ指標に同じ内訳キーの系列がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}{'/' + self.key if self.key else ''}"

    @property
    def code(self) -> str:
        """The indicator's code, with /a, /b, /yearly or /cumulative for a part: what exports and imports name."""
        return f"{self.indicator.code}/{self.key}" if self.key else self.indicator.code

    @property
    def is_lettered(self) -> bool:
        """An a)/b) part, printed with its letter (整備数 / 累計整備数 are printed by name only)."""
        return len(self.key) == 1

    @property
    def part_mark(self) -> str:
        """What a part's line starts with where several parts share a cell: a) or 累計整備数; "" for the whole."""
        if not self.key:
            return ""
        return f"{self.key})" if self.is_lettered else (self.label or self.key)

    @property
    def part_label(self) -> str:
        """a) 多摩川洪水浸水想定区域内, 累計整備数, or "" for the whole indicator."""
        if not self.key:
            return ""
        return f"{self.key}) {self.label or self.key}" if self.is_lettered else self.part_mark

    @property
    def effective_unit(self) -> str:
        return self.unit or self.indicator.unit

    @property
    def effective_total_kind(self) -> str:
        return self.total_kind or self.indicator.total_kind

    def numeric_targets(self) -> list[Target]:
        """Targets holding a number, in year order; a merged multi-year cell counts once."""
        return sorted((t for t in self.targets.all() if t.value is not None), key=lambda t: t.fiscal_year)

    def implied_total(self) -> Decimal | None:
        """The 総量 the yearly targets imply under the series' 総量 kind, or None where they imply none."""
        numbers = self.numeric_targets()
        if not numbers:
            return None
        kind = self.effective_total_kind
        if kind == Indicator.TotalKind.SUM:
            return sum((t.value for t in numbers), Decimal(0))
        if kind in (Indicator.TotalKind.LAST, Indicator.TotalKind.CUMULATIVE):
            return numbers[-1].value
        return None

    def expects_actual(self, fiscal_year: int) -> bool:
        """An actual is due unless the year's target is left to another plan."""
        target = self.target_for(fiscal_year)
        return not (target and target.is_deferred)

    def misses_target(self, fiscal_year: int, value: Decimal | None) -> bool:
        """目標未達: an actual misses the year's numeric target in the indicator's direction.

        What entry checks before a report is submitted (要因分析 and 今後の方向性 become required); not a grade.
        Grades that need attention (注意) are the evaluation's `needs_attention`. A target merged over several
        years is judged in its last year: a summed count by the actuals of all its years, a level or running total
        by that year's value.
        """
        target = self.target_for(fiscal_year)
        if value is None or target is None or target.value is None:
            return False
        if target.is_multi_year:
            if fiscal_year != target.end_fiscal_year:
                return False
            if self.effective_total_kind == Indicator.TotalKind.SUM:
                earlier = self.actuals.filter(
                    report__fiscal_year__gte=target.fiscal_year, report__fiscal_year__lt=fiscal_year
                ).values_list("value", flat=True)
                value = value + sum((v for v in earlier if v is not None), Decimal(0))
        if self.indicator.direction == Indicator.Direction.DOWN:
            return value > target.value
        return value < target.value

    def target_for(self, fiscal_year: int) -> Target | None:
        """The target that covers a fiscal year, a merged multi-year cell included (uses prefetched targets)."""
        for target in self.targets.all():
            if target.covers(fiscal_year):
                return target
        return None


class TargetQuerySet(models.QuerySet):
    def covering(self, fiscal_year: int) -> TargetQuerySet:
        return self.filter(fiscal_year__lte=fiscal_year, end_fiscal_year__gte=fiscal_year)


class Target(models.Model):
    """A printed target cell: one fiscal year, or several years merged into one cell."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="targets", verbose_name="系列")
    fiscal_year = models.PositiveSmallIntegerField("年度（開始）")
    end_fiscal_year = models.PositiveSmallIntegerField("年度（終了）", help_text="複数年度にまたがる目標の最終年度")
    value = models.DecimalField("目標値", **VALUE_FIELD_OPTIONS)
    text = models.TextField("目標（文章・表記）", blank=True)
    deferred_to = models.CharField(
        "他計画で設定", max_length=200, blank=True, help_text="この年度の目標を別の計画に委ねる場合、その計画名"
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "目標"
        verbose_name_plural = "目標"
        ordering = ["series", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year"],
                name="target_year_unique_in_series",
                violation_error_message="この系列にはこの年度の目標がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(end_fiscal_year__gte=models.F("fiscal_year")),
                name="target_years_ordered",
                violation_error_message="終了年度は開始年度以降にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text="") | ~Q(deferred_to=""),
                name="target_has_content",
                violation_error_message="目標値・文章・他計画のいずれかを入力してください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.years_label}"

    def save(self, *args, **kwargs) -> None:
        if self.end_fiscal_year is None:
            self.end_fiscal_year = self.fiscal_year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.end_fiscal_year is None:
            self.end_fiscal_year = self.fiscal_year
        if self.series_id:
            overlapping = (
                Target.objects.filter(series=self.series_id, fiscal_year__lte=self.end_fiscal_year)
                .filter(end_fiscal_year__gte=self.fiscal_year)
                .exclude(pk=self.pk)
            )
            if overlapping.exists():
                raise ValidationError("この期間の一部にはすでに別の目標があります。")

    @property
    def years(self) -> range:
        return range(self.fiscal_year, self.end_fiscal_year + 1)

    @property
    def is_multi_year(self) -> bool:
        return self.end_fiscal_year != self.fiscal_year

    @property
    def is_deferred(self) -> bool:
        return bool(self.deferred_to)

    @property
    def years_label(self) -> str:
        if self.is_multi_year:
            return f"{fiscal_year_label(self.fiscal_year)}～{fiscal_year_label(self.end_fiscal_year)}"
        return fiscal_year_label(self.fiscal_year)

    def covers(self, fiscal_year: int) -> bool:
        return self.fiscal_year <= fiscal_year <= self.end_fiscal_year

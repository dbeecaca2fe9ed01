"""Evaluation settings as data: grading schemes and their levels, and confirmed baselines.

The rules that use them are in indicators.evaluation, which records every change in the audit trail
(core.AuditEntry); docs/evaluation.md explains them to planners.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from indicators.models.plan import Series
from indicators.models.reports import Report
from setagaya_plan.lib.numerals import format_decimal


class GradingSchemeQuerySet(models.QuerySet):
    def with_levels(self) -> GradingSchemeQuerySet:
        return self.prefetch_related("levels")


class GradingScheme(models.Model):
    """評価方式: the grades an indicator × year can get and the thresholds between them. Exactly one is active."""

    class Basis(models.TextChoices):
        ACHIEVEMENT = "achievement", "達成率（実績と各年度の目標の比較）"
        PACE = "pace", "進み具合（現況値から最終目標までの直線との比較）"

    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("説明", blank=True)
    basis = models.CharField("判定の基準", max_length=12, choices=Basis.choices, default=Basis.ACHIEVEMENT)
    survey_tolerance = models.DecimalField(
        "割合の許容幅（ポイント）",
        max_digits=5,
        decimal_places=1,
        default=Decimal(3),
        help_text="単位が％の指標（主に区民調査）で、現況値からこの幅までの低下は「横ばい」とみなし後退としません。",
    )
    is_active = models.BooleanField("使用中", default=False)
    position = models.PositiveSmallIntegerField("表示順", default=0)

    objects = GradingSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "評価方式"
        verbose_name_plural = "評価方式"
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="grading_scheme_one_active",
                violation_error_message="使用中の評価方式は一つだけです。",
            ),
            models.CheckConstraint(
                condition=Q(survey_tolerance__gte=0),
                name="grading_scheme_tolerance_not_negative",
                violation_error_message="許容幅は0以上にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GradeLevel(models.Model):
    """One grade of a scheme (達成, 概ね達成 …), best first; its threshold is the lowest rate that reaches it."""

    class Colour(models.TextChoices):
        # Fill colours of the grade badges and of the progress workbook's cells; text and icon always go with them.
        BLUE = "blue", "青"
        GREEN = "green", "緑"
        YELLOW = "yellow", "黄"
        ORANGE = "orange", "橙"
        RED = "red", "赤"
        GRAY = "gray", "灰"

    scheme = models.ForeignKey(GradingScheme, on_delete=models.CASCADE, related_name="levels", verbose_name="評価方式")
    code = models.SlugField("コード", max_length=30)
    label = models.CharField("評価", max_length=50)
    position = models.PositiveSmallIntegerField("順位", help_text="0 が最もよい評価")
    min_rate = models.DecimalField(
        "しきい値（％以上）",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="達成率（または進み具合）がこの値以上ならこの評価。空欄は最下位の評価（下限なし）。",
    )
    counts_as_met = models.BooleanField("達成に数える", default=False)
    needs_attention = models.BooleanField(
        "注意の対象",
        default=False,
        help_text="この評価の指標を、後退と同じく「注意」としてダッシュボードに挙げる（目標未達とは別の判断）。",
    )
    self_grade = models.CharField(
        "文章の目標の自己評価",
        max_length=10,
        choices=Report.SelfGrade.choices,
        blank=True,
        help_text="文章の目標は、入力・承認された自己評価をこの評価として扱います。",
    )
    colour = models.CharField("色", max_length=10, choices=Colour.choices, default=Colour.GRAY)
    icon = models.CharField("記号", max_length=4, blank=True, help_text="色だけに頼らないための記号（◎ ○ △ × など）")

    class Meta:
        verbose_name = "評価の段階"
        verbose_name_plural = "評価の段階"
        ordering = ["scheme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="grade_level_code_unique_in_scheme",
                violation_error_message="この評価方式にはこのコードの段階がすでにあります。",
            ),
            models.UniqueConstraint(
                fields=["scheme", "position"],
                name="grade_level_position_unique_in_scheme",
                violation_error_message="この評価方式にはこの順位の段階がすでにあります。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name}：{self.label}"


class ConfirmedBaseline(models.Model):
    """A confirmed 現況値 replacing the printed one (mostly 令和5年度見込み) in the evaluation.

    The printed baseline stays in Series as printed (load_plan keeps it); the latest row here is what grades use.
    Rows are never edited; who confirmed which value, from what and why is in the audit trail
    (indicators.evaluation.confirm_baseline logs 現況値の確定).
    """

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="confirmed_baselines", verbose_name="系列"
    )
    value = models.DecimalField("確定した現況値", max_digits=18, decimal_places=4)
    note = models.CharField("時点", max_length=100, blank=True, help_text="令和5年度実績（確定値） など")
    at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "確定した現況値"
        verbose_name_plural = "確定した現況値"
        ordering = ["series", "-at", "-pk"]
        indexes = [
            # The evaluation reads the latest confirmation of each series of the indicators it shows.
            models.Index(fields=["series", "-at"], name="confirmed_baseline_series_at"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {format_decimal(self.value)}"

    @property
    def display_value(self) -> str:
        return format_decimal(self.value)

"""Reports of actuals: one per indicator and fiscal year, and its actuals per series.

Every change goes through indicators.entry.workflow (built on the review workflow of setagaya_plan.core.review),
which records it in the one audit trail (core.AuditEntry). The foreign keys name Indicator and Series by label so that
this module needs nothing of plan.py, which builds on it (an indicator's year status, its year's report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

from indicators.models.fields import VALUE_FIELD_OPTIONS
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import ReviewedRecord
from setagaya_plan.lib.numerals import format_decimal

if TYPE_CHECKING:
    from indicators.models.plan import Series


class ReportQuerySet(models.QuerySet):
    def for_year(self, fiscal_year: int) -> ReportQuerySet:
        return self.filter(fiscal_year=fiscal_year)


class Report(ReviewedRecord):
    """実績報告: one indicator's actuals for one fiscal year, with the why and what-next, moving through review.

    下書き → 提出済 → 承認済, or 差戻し (with a reason) → corrected → 提出済 (core.ReviewedRecord). Every change
    goes through indicators.entry.workflow, which bumps `version` (optimistic locking) and writes the audit trail.
    """

    class SelfGrade(models.TextChoices):
        MET = "met", "達成"
        MOSTLY = "mostly", "概ね達成"
        NOT_MET = "not_met", "未達成"

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="reports", verbose_name="指標"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    self_grade = models.CharField(
        "自己評価",
        max_length=10,
        choices=SelfGrade.choices,
        blank=True,
        help_text="文章の目標の達成度（入力担当の評価）",
    )
    factor_analysis = models.TextField("要因分析", blank=True)
    next_steps = models.TextField("今後の方向性", blank=True)
    comment = models.TextField("確認コメント（庁内）", blank=True, help_text="大きく外れた値の確認など。公開しません。")

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "実績報告"
        verbose_name_plural = "実績報告"
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="report_once_per_indicator_year",
                violation_error_message="この指標のこの年度の実績報告はすでにあります。",
            )
        ]
        indexes = [
            # "My indicators" and completeness: every report of a year, by status.
            models.Index(fields=["fiscal_year", "status"], name="report_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {fiscal_year_label(self.fiscal_year)}"

    def actual_for(self, series: Series) -> Actual | None:
        for actual in self.actuals.all():
            if actual.series_id == series.pk:
                return actual
        return None


class YearStatus(models.TextChoices):
    """Where an indicator stands for a fiscal year: its report's status, or 未入力 / 対象外 when it has none."""

    MISSING = "missing", "未入力"
    DRAFT = "draft", "下書き"
    RETURNED = "returned", "差戻し"
    SUBMITTED = "submitted", "提出済"
    APPROVED = "approved", "承認済"
    NOT_DUE = "not_due", "対象外"


# Still with the section: nothing sent for review yet, or sent back.
OUTSTANDING_STATUSES = (YearStatus.MISSING, YearStatus.DRAFT, YearStatus.RETURNED)


class Actual(models.Model):
    """実績: the value of one series in a report (a)/b) parts and 整備数 / 累計整備数 each have their own)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="actuals", verbose_name="実績報告")
    series = models.ForeignKey(
        "indicators.Series", on_delete=models.PROTECT, related_name="actuals", verbose_name="系列"
    )
    value = models.DecimalField("実績値", **VALUE_FIELD_OPTIONS)
    text = models.TextField("実績（文章）", blank=True)

    class Meta:
        verbose_name = "実績"
        verbose_name_plural = "実績"
        ordering = ["report", "series__position"]
        constraints = [
            # A report is one indicator × year, so this is one actual per series and fiscal year.
            models.UniqueConstraint(
                fields=["report", "series"],
                name="actual_once_per_series_in_report",
                violation_error_message="この実績報告にはこの系列の実績がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {fiscal_year_label(self.report.fiscal_year)}"

    def clean(self) -> None:
        if self.report_id and self.series_id and self.series.indicator_id != self.report.indicator_id:
            raise ValidationError({"series": "実績報告と異なる指標の系列です。"})

    @property
    def display_value(self) -> str:
        if self.value is not None:
            return format_decimal(self.value)
        return self.text

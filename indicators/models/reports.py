"""Reports of actuals: one per indicator and fiscal year, its actuals per series, and the audit log of changes.

Every change goes through indicators.entry.workflow. The foreign keys name Indicator and Series by label so that
this module needs nothing of plan.py, which builds on it (an indicator's year status, its year's report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from indicators.models.fields import VALUE_FIELD_OPTIONS
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import AuditEntry
from setagaya_plan.lib.numerals import format_decimal

if TYPE_CHECKING:
    from indicators.models.plan import Series


class ReportQuerySet(models.QuerySet):
    def for_year(self, fiscal_year: int) -> ReportQuerySet:
        return self.filter(fiscal_year=fiscal_year)


class Report(models.Model):
    """実績報告: one indicator's actuals for one fiscal year, with the why and what-next, moving through review.

    下書き → 提出済 → 承認済, or 差戻し (with a reason) → corrected → 提出済. Every change goes through
    indicators.entry.workflow, which bumps `version` (optimistic locking) and writes the ChangeLog.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "下書き"
        SUBMITTED = "submitted", "提出済"
        APPROVED = "approved", "承認済"
        RETURNED = "returned", "差戻し"

    class SelfGrade(models.TextChoices):
        MET = "met", "達成"
        MOSTLY = "mostly", "概ね達成"
        NOT_MET = "not_met", "未達成"

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="reports", verbose_name="指標"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
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
    return_reason = models.TextField("差戻し理由", blank=True)
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新者",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)

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

    @property
    def is_editable_by_staff(self) -> bool:
        """入力担当 may change a draft or a returned report; submitted and approved ones wait for review."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

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


class ChangeLog(AuditEntry):
    """監査ログ: who changed what in an indicator's actuals or a year's settings, when, from what to what, and why."""

    class Action(models.TextChoices):
        CREATE = "create", "新規入力"
        EDIT = "edit", "修正"
        SUBMIT = "submit", "提出"
        APPROVE = "approve", "承認"
        RETURN = "return", "差戻し"
        REOPEN = "reopen", "承認取消し（再開）"
        LOCK = "lock", "締切"
        UNLOCK = "unlock", "締切解除"
        DEADLINE = "deadline", "提出期限の変更"
        IMPORT = "import", "ファイル取込"

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="changes", verbose_name="実績報告"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    action = models.CharField("操作", max_length=10, choices=Action.choices)

    class Meta(AuditEntry.Meta):
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        indexes = [
            # The indicator page's history: one report's changes, newest first.
            models.Index(fields=["report", "-at"], name="changelog_report_at"),
        ]

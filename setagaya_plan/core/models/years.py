"""Per fiscal year: the reporting deadline and the lock (締切) that closes the year against edits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from setagaya_plan.core.fiscal_years import fiscal_year_label


class FiscalYearSetting(models.Model):
    """Per fiscal year: the deadline for reporting actuals and whether the year is closed (締切) against edits."""

    fiscal_year = models.PositiveSmallIntegerField("年度", unique=True)
    deadline = models.DateField("実績の提出期限")
    locked = models.BooleanField("締切（編集不可）", default=False)
    locked_at = models.DateTimeField("締切日時", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="締切操作者",
    )

    class Meta:
        verbose_name = "年度設定"
        verbose_name_plural = "年度設定"
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @staticmethod
    def default_deadline(fiscal_year: int) -> datetime.date:
        """30 June after the fiscal year ends (FY2024 → 2025-06-30)."""
        return datetime.date(fiscal_year + 1, 6, 30)

    @classmethod
    def for_year(cls, fiscal_year: int) -> FiscalYearSetting:
        """The saved setting, or an unsaved one with the default deadline."""
        found = cls.objects.filter(fiscal_year=fiscal_year).first()
        return found or cls(fiscal_year=fiscal_year, deadline=cls.default_deadline(fiscal_year))

    def is_overdue(self, today: datetime.date) -> bool:
        return today > self.deadline

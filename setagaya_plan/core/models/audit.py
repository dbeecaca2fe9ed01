"""The fields every audit log of the product shares."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One audited change: who, when, old → new per item, the comment given and where it came from.

    Indicator actuals (indicators.ChangeLog) and consultation counts (consultations.CountChange) keep the same
    trail; each concrete log adds what it is about and its own `action` choices.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作者",
    )
    at = models.DateTimeField("日時", auto_now_add=True)
    changes = models.JSONField("変更内容", default=dict, blank=True, help_text="項目ごとの [変更前, 変更後]")
    comment = models.TextField("コメント", blank=True)
    source = models.CharField("経路", max_length=200, blank=True, help_text="画面、または取り込んだファイル名")

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_action_display()}"

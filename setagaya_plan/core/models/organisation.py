"""所管課 (sections) and the roles users hold in them: who acts for which part of the plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Section(models.Model):
    """所管課: the ward section that reports an indicator's actuals or a 地区's consultation counts."""

    name = models.CharField("所管課名", max_length=100, unique=True)
    email = models.EmailField("連絡先メール", blank=True, help_text="未入力・期限超過の通知先")

    class Meta:
        verbose_name = "所管課"
        verbose_name_plural = "所管課"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a section. 計画担当 (planner) acts on every section."""

    class Role(models.TextChoices):
        ENTRY = "entry", "入力担当"
        APPROVER = "approver", "承認者"
        PLANNER = "planner", "計画担当"
        VIEWER = "viewer", "閲覧"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="利用者"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="memberships", verbose_name="所管課")
    role = models.CharField("役割", max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = "所属と役割"
        verbose_name_plural = "所属と役割"
        ordering = ["section", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"],
                name="membership_once_per_section",
                violation_error_message="この利用者はすでにこの所管課に所属しています。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.section}（{self.get_role_display()}）"

"""The one audit trail: every change of data, by screen, grid, import, the admin or a command, is one AuditEntry.

Entries are written through setagaya_plan.core.audit.log (never created here directly) and never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from setagaya_plan.core.fiscal_years import fiscal_year_label


class AuditEntryQuerySet(models.QuerySet):
    def for_subject(self, subject: models.Model) -> AuditEntryQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
        )

    def for_subjects(self, model: type[models.Model], pks) -> AuditEntryQuerySet:
        """Entries about any of the given rows of one model (the reports of an indicator, say)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
        )

    def newest_first(self) -> AuditEntryQuerySet:
        return self.select_related("user").order_by("-at", "-pk")


class AuditEntry(models.Model):
    """監査ログ: who changed what, when, from what to what (per item), why, and by which path."""

    class Action(models.TextChoices):
        # Reviewed records (an indicator's yearly report, a month of consultation counts).
        CREATE = "create", "新規入力"
        EDIT = "edit", "修正"
        IMPORT = "import", "ファイル取込"
        SUBMIT = "submit", "提出"
        APPROVE = "approve", "承認"
        RETURN = "return", "差戻し"
        REOPEN = "reopen", "承認取消し（再開）"
        # A fiscal year's settings.
        LOCK = "lock", "締切"
        UNLOCK = "unlock", "締切解除"
        DEADLINE = "deadline", "提出期限の変更"
        # Evaluation settings.
        ACTIVATE_SCHEME = "activate", "評価方式の切替"
        THRESHOLDS = "thresholds", "しきい値・許容幅の変更"
        INSTALL_SCHEMES = "install", "標準の評価方式の登録"
        CONFIRM_BASELINE = "baseline", "現況値の確定"
        # Plan and master data.
        LOAD_PLAN = "load_plan", "計画データの読込"
        ASSIGN_SECTION = "assign", "所管課の割当て"
        ADD = "add", "追加"
        CHANGE = "change", "変更"
        UNLOCK_LOGIN = "login_unlock", "ログイン停止の解除"
        # The Django admin.
        ADMIN_ADD = "admin_add", "管理画面での追加"
        ADMIN_CHANGE = "admin_change", "管理画面での変更"
        ADMIN_DELETE = "admin_delete", "管理画面での削除"

    at = models.DateTimeField("日時", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="操作者",
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    # What the entry is about. The text stays when the row is deleted (an admin deletion keeps its name).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="対象の種類"
    )
    object_id = models.CharField("対象のID", max_length=64, blank=True)
    object_repr = models.CharField("対象", max_length=200, blank=True)
    fiscal_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    changes = models.JSONField("変更内容", default=dict, blank=True, help_text="項目ごとの [変更前, 変更後]")
    comment = models.TextField("コメント・理由", blank=True)
    source = models.CharField(
        "経路", max_length=200, blank=True, help_text="画面、グリッド、取り込んだファイル名、管理画面、コマンド名"
    )
    self_approved = models.BooleanField(
        "自己承認", default=False, help_text="入力・提出した本人の承認（ALLOW_SELF_APPROVAL のときだけ）"
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-pk"]
        indexes = [
            # One record's history, newest first: the entry page, the counts grid, the admin's history of an object,
            # and the separation-of-duties check (who entered the record since its last approval).
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_subject_at"),
            # The latest entries of some actions: the evaluation settings page's history, the admin list by action.
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            # The admin list, newest first.
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.shown_at} {self.get_action_display()} {self.object_repr}".rstrip()

    @property
    def shown_at(self) -> str:
        """The time in the ward's time zone (Asia/Tokyo), whatever time zone is active."""
        return f"{timezone.localtime(self.at, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"

    @property
    def shown_year(self) -> str:
        """The fiscal year as every page names one (令和6年度（2024年度）); empty when the entry has none."""
        return fiscal_year_label(self.fiscal_year) if self.fiscal_year is not None else ""

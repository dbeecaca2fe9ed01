# The one audit trail. Rows Django's admin LogEntry held (admin edits, plan-data imports, bulk section
# assignments) move into it here; the apps move their own logs in their next migrations.

import json
import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ADMIN_ACTIONS = {1: "admin_add", 2: "admin_change", 3: "admin_delete"}
IMPORT_MESSAGE = re.compile(r"^ファイル取込「(?P<file>.*?)」：(?P<changes>.*)$", re.S)
ASSIGN_MESSAGE = re.compile(r"^所管課を「(?P<old>.*)」から「(?P<new>.*)」に変更しました（一括割当）。$")


def _entry(AuditEntry, log):
    """The audit entry for one LogEntry row: what kind of change its message says, with what it knows."""
    fields = {
        "at": log.action_time,
        "user_id": log.user_id,
        "content_type_id": log.content_type_id,
        "object_id": log.object_id or "",
        "object_repr": log.object_repr[:200],
    }
    message = log.change_message or ""
    if found := IMPORT_MESSAGE.match(message):
        return AuditEntry(**fields, action="import", source=found["file"][:200], comment=found["changes"])
    if found := ASSIGN_MESSAGE.match(message):
        return AuditEntry(**fields, action="assign", source="画面", changes={"所管課": [found["old"], found["new"]]})
    return AuditEntry(
        **fields, action=ADMIN_ACTIONS.get(log.action_flag, "admin_change"), source="管理画面", comment=_text(message)
    )


def _text(message: str) -> str:
    """Django's JSON change message as words (the historical model has no get_change_message)."""
    try:
        parts = json.loads(message)
    except ValueError:
        return message
    if not isinstance(parts, list):
        return message
    words = []
    for part in parts:
        for kind, detail in part.items():
            label = {"added": "追加", "changed": "変更", "deleted": "削除"}.get(kind, kind)
            if "fields" in detail:
                label += "：" + "、".join(str(field) for field in detail["fields"])
            if "object" in detail:
                label += f"（{detail.get('name', '')}「{detail['object']}」）"
            words.append(label)
    return "。".join(words)


def move_admin_log(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    AuditEntry = apps.get_model("core", "AuditEntry")
    alias = schema_editor.connection.alias
    logs = LogEntry.objects.using(alias).order_by("action_time", "pk")
    AuditEntry.objects.using(alias).bulk_create((_entry(AuditEntry, log) for log in logs.iterator()), batch_size=500)
    logs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="日時")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("create", "新規入力"),
                            ("edit", "修正"),
                            ("import", "ファイル取込"),
                            ("submit", "提出"),
                            ("approve", "承認"),
                            ("return", "差戻し"),
                            ("reopen", "承認取消し（再開）"),
                            ("lock", "締切"),
                            ("unlock", "締切解除"),
                            ("deadline", "提出期限の変更"),
                            ("activate", "評価方式の切替"),
                            ("thresholds", "しきい値・許容幅の変更"),
                            ("install", "標準の評価方式の登録"),
                            ("baseline", "現況値の確定"),
                            ("load_plan", "計画データの読込"),
                            ("assign", "所管課の割当て"),
                            ("add", "追加"),
                            ("change", "変更"),
                            ("login_unlock", "ログイン停止の解除"),
                            ("admin_add", "管理画面での追加"),
                            ("admin_change", "管理画面での変更"),
                            ("admin_delete", "管理画面での削除"),
                        ],
                        max_length=20,
                        verbose_name="操作",
                    ),
                ),
                ("object_id", models.CharField(blank=True, max_length=64, verbose_name="対象のID")),
                ("object_repr", models.CharField(blank=True, max_length=200, verbose_name="対象")),
                ("fiscal_year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="年度")),
                (
                    "changes",
                    models.JSONField(
                        blank=True, default=dict, help_text="項目ごとの [変更前, 変更後]", verbose_name="変更内容"
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="コメント・理由")),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="画面、グリッド、取り込んだファイル名、管理画面、コマンド名",
                        max_length=200,
                        verbose_name="経路",
                    ),
                ),
                (
                    "self_approved",
                    models.BooleanField(
                        default=False,
                        help_text="入力・提出した本人の承認（ALLOW_SELF_APPROVAL のときだけ）",
                        verbose_name="自己承認",
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="対象の種類",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_entries",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作者",
                    ),
                ),
            ],
            options={
                "verbose_name": "監査ログ",
                "verbose_name_plural": "監査ログ",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["content_type", "object_id", "-at"], name="audit_subject_at"),
                    models.Index(fields=["action", "-at"], name="audit_action_at"),
                    models.Index(fields=["-at"], name="audit_at"),
                ],
            },
        ),
        migrations.RunPython(move_admin_log, migrations.RunPython.noop),
    ]

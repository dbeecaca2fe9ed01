# Sections, memberships and fiscal-year settings, moved here from the indicators app with their rows: the tables
# were renamed to core_* by indicators 0006, so this migration only tells Django's state that core owns them.
# Their content types follow too, so admin history and any permission granted on them stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["section", "membership", "fiscalyearsetting"]


def content_types_to_core(apps, schema_editor):
    _move_content_types(apps, schema_editor.connection.alias, "indicators", "core")


def content_types_to_indicators(apps, schema_editor):
    _move_content_types(apps, schema_editor.connection.alias, "core", "indicators")


def _move_content_types(apps, alias, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A fresh database has no content types yet (they are created after migrating): nothing to move.
        if not ContentType.objects.using(alias).filter(app_label=new, model=model).exists():
            ContentType.objects.using(alias).filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("indicators", "0006_organisation_tables_renamed_for_core"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Section",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="所管課名")),
                        ("email", models.EmailField(blank=True, help_text="未入力・期限超過の通知先", max_length=254, verbose_name="連絡先メール")),
                    ],
                    options={
                        "verbose_name": "所管課",
                        "verbose_name_plural": "所管課",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="FiscalYearSetting",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("fiscal_year", models.PositiveSmallIntegerField(unique=True, verbose_name="年度")),
                        ("deadline", models.DateField(verbose_name="実績の提出期限")),
                        ("locked", models.BooleanField(default=False, verbose_name="締切（編集不可）")),
                        ("locked_at", models.DateTimeField(blank=True, null=True, verbose_name="締切日時")),
                        ("locked_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="締切操作者")),
                    ],
                    options={
                        "verbose_name": "年度設定",
                        "verbose_name_plural": "年度設定",
                        "ordering": ["fiscal_year"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("entry", "入力担当"), ("approver", "承認者"), ("planner", "計画担当"), ("viewer", "閲覧")], max_length=10, verbose_name="役割")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL, verbose_name="利用者")),
                        ("section", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="core.section", verbose_name="所管課")),
                    ],
                    options={
                        "verbose_name": "所属と役割",
                        "verbose_name_plural": "所属と役割",
                        "ordering": ["section", "role", "user"],
                        "constraints": [models.UniqueConstraint(fields=("user", "section"), name="membership_once_per_section", violation_error_message="この利用者はすでにこの所管課に所属しています。")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_core, content_types_to_indicators),
    ]

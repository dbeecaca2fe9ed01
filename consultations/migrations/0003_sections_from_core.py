# 地域 and 地区 now point at core.Section (the same table, core_section; see indicators 0006 for the whole move).
# This runs before indicators drops its old Section from the migration state, so no reference dangles.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0002_shared_audit_entry_fields"),
        ("core", "0001_initial"),
    ]

    run_before = [
        ("indicators", "0008_organisation_moved_to_core"),
    ]

    operations = [
        migrations.AlterField(
            model_name="area",
            name="reviewing_section",
            field=models.ForeignKey(blank=True, help_text="この所管課の承認者が、地域内の地区の相談件数を承認・差戻しします（計画担当はすべて可）。", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="reviewed_areas", to="core.section", verbose_name="相談件数を確認する所管課"),
        ),
        migrations.AlterField(
            model_name="district",
            name="section",
            field=models.ForeignKey(blank=True, help_text="この組織（所管課）の入力担当が、この地区の相談件数を入力します。閲覧の役割の人は見るだけです。", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="consultation_districts", to="core.section", verbose_name="入力する組織"),
        ),
    ]

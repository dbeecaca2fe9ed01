# Indicator.section now points at core.Section (the same table, core_section): see 0006 for the whole move.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0006_organisation_tables_renamed_for_core"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="section",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="indicators", to="core.section", verbose_name="所管課"),
        ),
    ]

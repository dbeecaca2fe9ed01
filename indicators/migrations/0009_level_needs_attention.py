# A grade level's flag is named for what it means, 注意 (needs attention), apart from 目標未達 (an actual below
# its target), which entry checks. Renamed in place: each level keeps its setting.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_organisation_moved_to_core"),
    ]

    operations = [
        migrations.RenameField(model_name="gradelevel", old_name="is_shortfall", new_name="needs_attention"),
        migrations.AlterField(
            model_name="gradelevel",
            name="needs_attention",
            field=models.BooleanField(
                default=False,
                help_text="この評価の指標を、後退と同じく「注意」としてダッシュボードに挙げる（目標未達とは別の判断）。",
                verbose_name="注意の対象",
            ),
        ),
    ]

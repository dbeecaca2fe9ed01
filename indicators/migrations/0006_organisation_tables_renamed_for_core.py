# Sections, memberships and fiscal-year settings move to the core app without losing a row. The steps, in the
# order Django runs them:
#   indicators 0006 (this one)  rename their tables to core_* — rows, keys and references stay as they are;
#   core 0001                   create the three models in core's migration state only (the tables exist);
#   indicators 0007             point Indicator.section at core.Section;
#   consultations 0003          point Area.reviewing_section and District.section at core.Section;
#   indicators 0008             drop the three models from this app's migration state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0005_ship_grading_schemes"),
    ]

    operations = [
        migrations.AlterModelTable(name="section", table="core_section"),
        migrations.AlterModelTable(name="membership", table="core_membership"),
        migrations.AlterModelTable(name="fiscalyearsetting", table="core_fiscalyearsetting"),
    ]

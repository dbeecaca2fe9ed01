# The last step of the move of sections, memberships and fiscal-year settings to core (see 0006): they leave this
# app's migration state. Nothing happens in the database; the tables are core's now.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0007_indicator_section_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="FiscalYearSetting"),
                migrations.DeleteModel(name="Section"),
            ],
            database_operations=[],
        ),
    ]

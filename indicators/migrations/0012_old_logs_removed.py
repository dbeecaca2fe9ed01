# What 0011 moved into the audit trail leaves the indicators app: ChangeLog, EvaluationChange, and the log fields
# of ConfirmedBaseline (which keeps the confirmed value, its note and when it was confirmed).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0011_audit_trail_into_core"),
    ]

    operations = [
        migrations.RemoveField(model_name="confirmedbaseline", name="previous_note"),
        migrations.RemoveField(model_name="confirmedbaseline", name="previous_value"),
        migrations.RemoveField(model_name="confirmedbaseline", name="reason"),
        migrations.RemoveField(model_name="confirmedbaseline", name="user"),
        migrations.DeleteModel(name="ChangeLog"),
        migrations.DeleteModel(name="EvaluationChange"),
    ]

# CountChange moved into the audit trail in 0005.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_audit_trail_into_core"),
    ]

    operations = [
        migrations.DeleteModel(name="CountChange"),
    ]

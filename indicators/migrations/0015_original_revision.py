# The targets, totals and baselines stored before revisions existed are the original plan's (当初): revision 0
# gets a version row for each, so that a later revision can always show what it changed from.

from django.db import migrations

SERIES_FIELDS = ("baseline_value", "baseline_text", "baseline_note", "total_value", "total_text")


def forwards(apps, schema_editor):
    Series = apps.get_model("indicators", "Series")
    Target = apps.get_model("indicators", "Target")
    PlanRevision = apps.get_model("indicators", "PlanRevision")
    SeriesVersion = apps.get_model("indicators", "SeriesVersion")
    TargetVersion = apps.get_model("indicators", "TargetVersion")
    if not Series.objects.exists():
        return  # an empty database: load_plan records 当初 when it loads the plan
    original, _ = PlanRevision.objects.get_or_create(number=0, defaults={"name": "当初"})
    SeriesVersion.objects.bulk_create(
        SeriesVersion(revision=original, series_id=row["pk"], **{name: row[name] for name in SERIES_FIELDS})
        for row in Series.objects.values("pk", *SERIES_FIELDS)
    )
    TargetVersion.objects.bulk_create(
        TargetVersion(
            revision=original,
            series_id=target.series_id,
            fiscal_year=target.fiscal_year,
            end_fiscal_year=target.end_fiscal_year,
            value=target.value,
            text=target.text,
            deferred_to=target.deferred_to,
        )
        for target in Target.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0014_plan_revisions"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

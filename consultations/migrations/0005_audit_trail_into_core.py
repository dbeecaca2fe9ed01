# CountChange rows move into the one audit trail (core.AuditEntry) with their times, users and contents, and who
# submitted and who approved each report is filled in from its history. 0006 then drops CountChange.

from django.db import migrations
from django.db.models import Max

BATCH = 500


def _year_label(year: int) -> str:
    """令和6年度（2024年度）: the label the records' __str__ gave when this was written."""
    n, era = (year - 2018, "令和") if year >= 2019 else (year - 1988, "平成")
    return f"{era}{'元' if n == 1 else n}年度（{year}年度）"


def _report_label(report) -> str:
    """CountReport.__str__ when this was written: 池尻地区 令和6年度（2024年度） 2025年1月."""
    place = f"{report.district.name}地区" if report.district_id else f"{report.area.name}地域" if report.area_id else "全区"
    if report.month == 0:
        month = "年度計"
    else:
        month = f"{report.fiscal_year + (1 if report.month <= 3 else 0)}年{report.month}月"
    return f"{place} {_year_label(report.fiscal_year)} {month}"


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    CountChange = apps.get_model("consultations", "CountChange")
    CountReport = apps.get_model("consultations", "CountReport")
    report_type = ContentType.objects.using(alias).get_or_create(app_label="consultations", model="countreport")[0]
    reports = {r.pk: r for r in CountReport.objects.using(alias).select_related("district", "area")}
    entries = []
    for change in CountChange.objects.using(alias).order_by("at", "pk").iterator():
        report = reports[change.report_id]
        entries.append(
            AuditEntry(
                at=change.at,
                user_id=change.user_id,
                action=change.action,
                content_type=report_type,
                object_id=str(report.pk),
                object_repr=_report_label(report)[:200],
                fiscal_year=report.fiscal_year,
                changes=change.changes,
                comment=change.comment,
                # Imports were logged as 「ファイル取込：name」; the trail keeps the file name as the source.
                source=change.source.removeprefix("ファイル取込："),
            )
        )
    AuditEntry.objects.using(alias).bulk_create(entries, batch_size=BATCH)

    trail = AuditEntry.objects.using(alias).filter(content_type=report_type)
    latest = {}
    for action in ("submit", "approve"):
        for row in trail.filter(action=action).values("object_id").annotate(last=Max("pk")):
            latest[(action, row["object_id"])] = row["last"]
    users = dict(AuditEntry.objects.using(alias).filter(pk__in=latest.values()).values_list("pk", "user_id"))
    for report in reports.values():
        if report.submitted_at is None:
            continue
        submitted = users.get(latest.get(("submit", str(report.pk))))
        approved = users.get(latest.get(("approve", str(report.pk)))) if report.status == "approved" else None
        if submitted or approved:
            CountReport.objects.using(alias).filter(pk=report.pk).update(
                submitted_by_id=submitted, approved_by_id=approved
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_countreport_submitted_by_approved_by"),
        ("core", "0002_audit_entry"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

# The indicator logs move into the one audit trail (core.AuditEntry), keeping their times, users and contents:
# ChangeLog (actuals, a year's deadline and lock), EvaluationChange (grading schemes) and the log that
# ConfirmedBaseline rows were (old → new, who, why). Who submitted and who approved each report is filled in from
# its history where the history shows it. 0012 then drops what moved.

from django.db import migrations
from django.db.models import Max

BATCH = 500


def _content_type(apps, alias, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.using(alias).get_or_create(app_label=app_label, model=model)[0]


def _year_label(year: int) -> str:
    """令和6年度（2024年度）: the label the records' __str__ gave when this was written."""
    n, era = (year - 2018, "令和") if year >= 2019 else (year - 1988, "平成")
    return f"{era}{'元' if n == 1 else n}年度（{year}年度）"


def _format(value) -> str:
    """6358.0000 → "6,358": how ConfirmedBaseline's __str__ printed its value."""
    integer, _, fraction = _plain(value).partition(".")
    grouped = f"{int(integer):,}" if integer != "-0" else "-0"
    return f"{grouped}.{fraction}" if fraction else grouped


def _plain(value):
    """A Decimal as the trail keeps it: 6358.0000 → "6358", 92.8000 → "92.8"."""
    if value is None:
        return None
    normalized = value.normalize()
    return f"{normalized:f}" if normalized != normalized.to_integral_value() else str(int(normalized))


def move_changelog(apps, alias, AuditEntry):
    ChangeLog = apps.get_model("indicators", "ChangeLog")
    Report = apps.get_model("indicators", "Report")
    FiscalYearSetting = apps.get_model("core", "FiscalYearSetting")
    report_type = _content_type(apps, alias, "indicators", "report")
    setting_type = _content_type(apps, alias, "core", "fiscalyearsetting")
    reports = {r.pk: r for r in Report.objects.using(alias).select_related("indicator")}
    settings = {s.fiscal_year: s for s in FiscalYearSetting.objects.using(alias)}
    entries = []
    for log in ChangeLog.objects.using(alias).order_by("at", "pk").iterator():
        subject = {}
        if log.report_id:
            report = reports[log.report_id]
            repr_ = f"{report.indicator.code} {_year_label(report.fiscal_year)}"
            subject = {"content_type": report_type, "object_id": str(report.pk), "object_repr": repr_}
        elif log.fiscal_year in settings:
            setting = settings[log.fiscal_year]
            repr_ = _year_label(log.fiscal_year)
            subject = {"content_type": setting_type, "object_id": str(setting.pk), "object_repr": repr_}
        entries.append(
            AuditEntry(
                at=log.at,
                user_id=log.user_id,
                action=log.action,
                fiscal_year=log.fiscal_year,
                changes=log.changes,
                comment=log.comment,
                source=log.source,
                **subject,
            )
        )
    AuditEntry.objects.using(alias).bulk_create(entries, batch_size=BATCH)


def fill_reviewers(apps, alias, AuditEntry, model, content_type):
    """submitted_by: who made the latest submission; approved_by: who approved an approved record."""
    trail = AuditEntry.objects.using(alias).filter(content_type=content_type)
    latest = {}
    for action in ("submit", "approve"):
        for row in trail.filter(action=action).values("object_id").annotate(last=Max("pk")):
            latest[(action, row["object_id"])] = row["last"]
    users = dict(AuditEntry.objects.using(alias).filter(pk__in=latest.values()).values_list("pk", "user_id"))
    for record in model.objects.using(alias).filter(submitted_at__isnull=False).only("pk", "status"):
        submitted = users.get(latest.get(("submit", str(record.pk))))
        approved = users.get(latest.get(("approve", str(record.pk)))) if record.status == "approved" else None
        if submitted or approved:
            model.objects.using(alias).filter(pk=record.pk).update(submitted_by_id=submitted, approved_by_id=approved)


def move_evaluation_changes(apps, alias, AuditEntry):
    EvaluationChange = apps.get_model("indicators", "EvaluationChange")
    scheme_type = _content_type(apps, alias, "indicators", "gradingscheme")
    entries = [
        AuditEntry(
            at=change.at,
            user_id=change.user_id,
            action=change.action,
            content_type=scheme_type,
            object_id=str(change.scheme_id),
            object_repr=change.scheme.name[:200],
            changes=change.changes,
            comment=change.reason,
            source="画面",
        )
        for change in EvaluationChange.objects.using(alias).select_related("scheme").order_by("at", "pk")
    ]
    AuditEntry.objects.using(alias).bulk_create(entries, batch_size=BATCH)


def log_confirmed_baselines(apps, alias, AuditEntry):
    ConfirmedBaseline = apps.get_model("indicators", "ConfirmedBaseline")
    baseline_type = _content_type(apps, alias, "indicators", "confirmedbaseline")
    entries = []
    rows = ConfirmedBaseline.objects.using(alias).select_related("series__indicator").order_by("at", "pk")
    for confirmed in rows:
        series = confirmed.series
        label = f"{series.label}の現況値" if series.label else "現況値"
        changes = {label: [_plain(confirmed.previous_value), _plain(confirmed.value)]}
        if confirmed.previous_note != confirmed.note:
            changes["時点"] = [confirmed.previous_note or None, confirmed.note or None]
        entries.append(
            AuditEntry(
                at=confirmed.at,
                user_id=confirmed.user_id,
                action="baseline",
                content_type=baseline_type,
                object_id=str(confirmed.pk),
                object_repr=f"{series.indicator.code}{'/' + series.key if series.key else ''} {_format(confirmed.value)}",
                changes=changes,
                comment=confirmed.reason,
                source="画面",
            )
        )
    AuditEntry.objects.using(alias).bulk_create(entries, batch_size=BATCH)


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    AuditEntry = apps.get_model("core", "AuditEntry")
    move_changelog(apps, alias, AuditEntry)
    report_type = _content_type(apps, alias, "indicators", "report")
    fill_reviewers(apps, alias, AuditEntry, apps.get_model("indicators", "Report"), report_type)
    move_evaluation_changes(apps, alias, AuditEntry)
    log_confirmed_baselines(apps, alias, AuditEntry)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0010_report_submitted_by_approved_by"),
        ("core", "0002_audit_entry"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

"""Everything an import may write, as plain data: compare before and after to prove what changed (or nothing)."""

from __future__ import annotations

from consultations.models import ConsultationCount, CountReport
from indicators.models import Actual, Indicator, Relisting, Report, Series, Target
from measures.models import Measure, Vision
from setagaya_plan.core.models import AuditEntry


def _sorted(rows) -> list[tuple]:
    return sorted((tuple(row) for row in rows), key=lambda row: tuple(str(value) for value in row))


def plan() -> dict:
    return {
        "measures": _sorted(Measure.objects.values_list("goal__number", "number", "title")),
        "visions": _sorted(
            Vision.objects.values_list("measure__goal__number", "measure__number", "number", "statement")
        ),
        "indicators": _sorted(
            Indicator.objects.values_list(
                "code",
                "vision_id",
                "kind",
                "number",
                "position",
                "name",
                "unit",
                "direction",
                "total_kind",
                "qualifier",
                "footnotes",
                "section_id",
                "initiative_id",
            )
        ),
        "plan_items": _sorted(
            Indicator.plan_items.through.objects.values_list("indicator__code", "implementationplanitem__code")
        ),
        "series": _sorted(
            Series.objects.values_list(
                "indicator__code",
                "key",
                "label",
                "position",
                "unit",
                "total_kind",
                "baseline_value",
                "baseline_text",
                "baseline_note",
                "total_value",
                "total_text",
            )
        ),
        "targets": _sorted(
            Target.objects.values_list(
                "series__indicator__code",
                "series__key",
                "fiscal_year",
                "end_fiscal_year",
                "value",
                "text",
                "deferred_to",
            )
        ),
        "relistings": _sorted(Relisting.objects.values_list("indicator__code", "vision_id", "number", "position")),
    }


def actuals() -> dict:
    return {
        "actuals": _sorted(
            Actual.objects.values_list("series__indicator__code", "series__key", "report__fiscal_year", "value", "text")
        ),
        "reports": _sorted(
            Report.objects.values_list("indicator__code", "fiscal_year", "status", "version", "comment")
        ),
        "audit_entries": AuditEntry.objects.count(),
    }


def counts() -> dict:
    return {
        "counts": _sorted(
            ConsultationCount.objects.values_list("report_id", "window_id", "agency_id", "category_id", "count")
        ),
        "count_reports": _sorted(CountReport.objects.values_list("pk", "status", "version")),
    }


def everything() -> dict:
    return {**plan(), **actuals(), **counts()}

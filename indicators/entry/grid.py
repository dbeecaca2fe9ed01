"""The section grid: all of a section's indicators × series for a year as rows of inputs, saved row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.entry.forms import ActualLine, GridRowForm, actual_lines, replace_data
from indicators.entry.proposals import proposals_for
from indicators.entry.workflow import save_report
from indicators.models import Indicator, Report, YearStatus
from setagaya_plan.core import audit
from setagaya_plan.core.models import Section
from setagaya_plan.core.review import ReviewError, VersionConflict


@dataclass
class GridRow:
    indicator: Indicator
    report: Report | None
    status: str
    lines: list[ActualLine]
    previous: Report | None = None
    form: GridRowForm | None = None
    outcome: str = ""  # "saved", "error" or "conflict" after a POST
    message: str = ""
    conflict_lines: list[ActualLine] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return YearStatus(self.status).label

    @property
    def cells(self) -> list[tuple]:
        """(line, bound field or None, warning, the other person's line after a conflict) for each series."""
        fields = (
            {line.field_name: (bound, warning) for line, bound, warning in self.form.line_fields()} if self.form else {}
        )
        others = {line.series.pk: line for line in self.conflict_lines}
        return [(line, *fields.get(line.field_name, (None, "")), others.get(line.series.pk)) for line in self.lines]

    @property
    def comment_errors(self) -> list[str]:
        if self.form is None or not self.form.is_bound:
            return []
        return list(self.form.errors.get("comment", []))

    @property
    def errors(self) -> list[str]:
        """Errors that belong to no one input of the row (the inputs show their own beside them)."""
        if self.form is None or not self.form.is_bound:
            return []
        shown_beside = {line.field_name for line in self.lines} | {"comment"}
        found = []
        for name, errors in self.form.errors.items():
            if name in shown_beside:
                continue
            for error in errors:
                found.append("画面の情報が正しくありません。画面を開き直してください。" if name != "__all__" else error)
        return found


def grid_rows(section: Section, year: int, may_edit: bool) -> list[GridRow]:
    """The section's indicators for a year, each with its form when it may be entered (may_edit, and its report is
    still with the section)."""
    indicators = list(
        Indicator.objects.filter(section=section)
        .for_entry()
        .with_year_report(year)
        .with_year_report(year - 1, to_attr="previous_reports")
        .in_plan_order()
    )
    editable = {
        indicator.pk
        for indicator in indicators
        if may_edit and (not indicator.year_reports or indicator.year_reports[0].is_editable_by_staff)
    }
    # Asked once for all the rows that can be entered, so that the grid's queries do not grow with its rows.
    proposals = proposals_for([indicator for indicator in indicators if indicator.pk in editable], year)
    rows = []
    for indicator in indicators:
        report = indicator.year_reports[0] if indicator.year_reports else None
        previous = indicator.previous_reports[0] if indicator.previous_reports else None
        form = None
        if indicator.pk in editable:
            form = GridRowForm(
                indicator=indicator,
                fiscal_year=year,
                report=report,
                previous=previous,
                proposal=proposals.get(indicator.pk),
                prefix=f"r{indicator.pk}",
            )
        rows.append(
            GridRow(
                indicator=indicator,
                report=report,
                status=indicator.year_status(year, report),
                lines=form.lines if form else actual_lines(indicator, year, report, previous),
                previous=previous,
                form=form,
            )
        )
    return rows


def save_grid(request, section: Section, year: int) -> tuple[set[int], dict[int, GridRow]]:
    """Save each changed row through the workflow; return the saved indicator ids and the rows that failed."""
    saved: set[int] = set()
    failed: dict[int, GridRow] = {}
    for row in grid_rows(section, year, may_edit=True):
        if row.form is None:
            continue
        form = GridRowForm(
            request.POST,
            indicator=row.indicator,
            fiscal_year=year,
            report=row.report,
            previous=row.previous,
            proposal=row.form.proposal,
            prefix=row.form.prefix,
        )
        if not form.has_user_changes():
            continue
        row.form = form
        if not form.is_valid():
            row.outcome, row.message = "error", "入力に誤りがあります。この行は保存していません。"
            failed[row.indicator.pk] = row
            continue
        try:
            save_report(
                indicator=row.indicator,
                fiscal_year=year,
                user=request.user,
                values=form.series_values(),
                fields=form.report_fields(),
                expected_version=form.cleaned_data["version"],
                source=audit.GRID,
            )
        except VersionConflict as exc:
            other = Report.objects.select_related("updated_by").prefetch_related("actuals").get(pk=exc.record.pk)
            row.outcome, row.message = "conflict", exc.message
            row.conflict_lines = actual_lines(row.indicator, year, other, None)
            # The typed values stay; saving again from here overwrites the other person's on purpose.
            replace_data(
                form,
                version=str(other.version),
                orig_comment=other.comment,
                **{f"orig_{line.field_name}": line.initial for line in row.conflict_lines},
            )
            failed[row.indicator.pk] = row
        except ReviewError as exc:
            row.outcome, row.message = "error", exc.message
            failed[row.indicator.pk] = row
        else:
            saved.add(row.indicator.pk)
    return saved, failed

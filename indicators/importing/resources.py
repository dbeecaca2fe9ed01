"""django-import-export resources: the admin's import/export, the planner page and the command all use these.

The layouts are read beforehand (`layouts`, `formats`) into a Dataset whose rows remember their sheet and cells,
so that `import_data` never sees a raw workbook: django-import-export would read only the active sheet, take row
1 as the header and lose merged cells. Each row is handed to PlanRowImporter / ActualRowImporter; their
RowInvalid becomes the row's ValidationError, listed with sheet, row and column.

Always call `import_data(..., use_transactions=True, rollback_on_validation_errors=True)` (`run_import` does):
then a file with any invalid row writes nothing, and a dry run is the real import rolled back.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import tablib
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from indicators import revisions
from indicators.evaluation import refresh_grades
from indicators.importing import actuals, flat
from indicators.importing.actual_rows import WIDGETS as ACTUAL_WIDGETS
from indicators.importing.actual_rows import ActualRowImporter
from indicators.importing.datasets import ACTUAL_COLUMNS, ACTUALS, PLAN, RowSource
from indicators.importing.plan_rows import (
    CHANGED,
    NEW,
    NON_FIELD,
    UNCHANGED,
    PlanRowImporter,
    RowInvalid,
    widget_for,
)
from indicators.models import Actual, Indicator, Report, Series
from setagaya_plan.core.uploads.errors import ImportFileError, Where

logger = logging.getLogger(__name__)

STATUS_IMPORT_TYPES = {
    NEW: RowResult.IMPORT_TYPE_NEW,
    CHANGED: RowResult.IMPORT_TYPE_UPDATE,
    UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
}
DIFF_HEADERS = ["場所", "対象", "変更内容（変更前 → 変更後）"]
REVISION_REQUIRED = (
    "このファイルは登録済みの目標・総量・現況値を変えます。どの改定（例：令和8年度改定）による変更かを指定してください"
    "（取込み画面では「改定」、コマンドでは --revision と --decided）。何も書き込んでいません。"
)


class ImportRowResult(RowResult):
    """A row's result with what the preview needs beyond django-import-export's: where, what, old → new."""

    def __init__(self):
        super().__init__()
        self.where = ""
        self.label = ""
        self.changes = []
        self.conflict = ""
        self.status = ""
        self.note = ""


class _PlanImportResource(resources.ModelResource):
    kind = ""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The template's columns, shown on the admin's import page as the columns a file may have.
        self.fields = OrderedDict(
            (column, Field(attribute=None, column_name=column, widget=self.column_widget(column)))
            for column in self.template_columns()
        )

    def template_columns(self) -> list[str]:
        raise NotImplementedError

    def column_widget(self, column: str):
        raise NotImplementedError

    @classmethod
    def get_row_result_class(cls):
        return ImportRowResult

    def get_diff_headers(self):
        return list(DIFF_HEADERS)

    def make_importer(self, **kwargs):
        raise NotImplementedError

    def before_import(self, dataset, **kwargs):
        kind = getattr(dataset, "kind", self.kind)
        if kind != self.kind:
            wanted = "計画データ（指標・目標）" if self.kind == PLAN else "実績"
            raise ImportFileError(
                f"このファイルは{'実績' if kind == ACTUALS else '計画データ'}のファイルです。"
                f"{wanted}の取込みには使えません。"
            )
        self.sources = getattr(dataset, "sources", None) or [
            RowSource(Where(dataset.title or "シート", number + 2)) for number in range(len(dataset))
        ]
        self.importer = self.make_importer(**kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"]
        source = self.sources[number - 1]
        result = ImportRowResult()
        result.where = str(source.where)
        # before_import does not receive dry_run (django-import-export passes it to the rows only).
        self.importer.dry_run = kwargs.get("dry_run", True)
        try:
            outcome = self.importer.import_row(dict(row), source)
        except RowInvalid as invalid:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = invalid.as_validation_error()
            result.status = "error"
            return result
        except Exception:
            # A bug must not hide behind a half-written import: the row is invalid, so nothing is written.
            logger.exception("import row %s failed", number)
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = RowInvalid(
                {
                    NON_FIELD: [
                        f"{source.where}：この行を取り込めませんでした（予期しないエラー）。管理者に連絡してください。"
                    ]
                }
            ).as_validation_error()
            result.status = "error"
            return result
        result.import_type = STATUS_IMPORT_TYPES[outcome.status]
        if outcome.status != UNCHANGED and not self.importer.dry_run and outcome.instance is not None:
            # A series, 【再掲】 or report of one indicator changed: its stored grades follow (run_import collects
            # these and refreshes once, at the end of the import's transaction).
            refresh_grades([outcome.instance.indicator_id])
        result.status = "conflict" if outcome.conflict else outcome.status
        result.label = outcome.label
        result.changes = outcome.changes
        result.conflict = outcome.conflict
        result.note = outcome.note
        if outcome.instance is not None and outcome.instance.pk:
            result.object_id = outcome.instance.pk
            result.object_repr = str(outcome.instance)[:200]
            result.instance = outcome.instance
        result.diff = [
            escape(result.where),
            escape(result.label),
            mark_safe(
                format_html_join(mark_safe("<br>"), "{}：{} → {}", ((c.field, c.old, c.new) for c in result.changes))
                + (format_html_join("", "<br><strong>{}</strong>", [(result.conflict,)]) if result.conflict else "")
            )
            or "変更なし",
        ]
        return result

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the table's id sequence here (for imports that set ids); ours never do.
        return None


class PlanResource(_PlanImportResource):
    """Plan data: the flat template and the printed tables (one dataset row per indicator or part)."""

    kind = PLAN

    def template_columns(self) -> list[str]:
        return flat.flat_columns()

    def column_widget(self, column: str):
        return widget_for(column)

    class Meta:
        model = Series
        fields = ()
        use_transactions = True
        # No savepoint per row from django-import-export: a row makes its own when it writes (plan_rows), and
        # any invalid row rolls the whole import back.
        use_bulk = True
        report_skipped = True
        name = "計画データ（指標・目標）"

    def make_importer(self, **kwargs):
        return PlanRowImporter(
            user=kwargs.get("user"), file_name=kwargs.get("file_name") or "", dry_run=kwargs.get("dry_run", True)
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Which revision the file's changes of targets, totals and baselines belong to (indicators.revisions).
        self.revision = kwargs.get("revision")
        if isinstance(self.revision, str):
            try:
                self.revision = revisions.resolve(self.revision, kwargs.get("revision_decided"))
            except revisions.RevisionError as error:
                raise ImportFileError(error.message) from None
        # The plan as the importer's cache has just read it: the same values, without reading them twice.
        self.revision_before = revisions.snapshot_of(self.importer.cache.series())
        self.revision_changes = []

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        before = self.revision_before
        # No row wrote: nothing can differ, and the plan is not read again.
        self.revision_changes = revisions.differences(before, revisions.snapshot()) if self.importer.wrote else []
        if self.revision is None and revisions.needs_revision(before, self.revision_changes):
            raise ImportFileError(REVISION_REQUIRED)
        if not kwargs.get("dry_run", True):
            revisions.record(self.revision, before, user=kwargs.get("user"), source=kwargs.get("file_name") or "")

    def export(self, queryset=None, **kwargs):
        """The flat template filled with the plan; `queryset` may be indicators (the admin's changelist)."""
        indicators = None
        if queryset is not None:
            if queryset.model is Series:
                indicators = Indicator.objects.filter(series__in=queryset).distinct()
            else:
                indicators = queryset
        columns = flat.flat_columns()
        dataset = tablib.Dataset(headers=columns, title=flat.TEMPLATE_SHEET)
        for row in flat.export_rows(indicators):
            dataset.append([row.get(column, "") for column in columns])
        return dataset


class ActualResource(_PlanImportResource):
    """Actuals: the actuals sheet and the progress-report workbook (one dataset row per series and year)."""

    kind = ACTUALS

    def template_columns(self) -> list[str]:
        return ACTUAL_COLUMNS

    def column_widget(self, column: str):
        return ACTUAL_WIDGETS.get(column)

    class Meta:
        model = Actual
        fields = ()
        use_transactions = True
        use_bulk = True  # as above: actual_rows writes a changed row in its own savepoint
        report_skipped = True
        name = "実績"

    def make_importer(self, **kwargs):
        return ActualRowImporter(
            user=kwargs.get("user"),
            file_name=kwargs.get("file_name") or "",
            dry_run=kwargs.get("dry_run", True),
            overwrite_confirmed=bool(kwargs.get("overwrite_confirmed")),
            conflicts_are_errors=bool(kwargs.get("conflicts_are_errors")),
        )

    def export(self, queryset=None, **kwargs):
        """Every actual of the given reports as rows of the actuals sheet."""
        reports = queryset if queryset is not None and queryset.model is Report else Report.objects.all()
        dataset = tablib.Dataset(headers=actuals.COLUMNS[:4], title=actuals.SHEET)
        rows = (
            Actual.objects.filter(report__in=reports)
            .select_related("series__indicator", "report")
            .order_by("series__indicator__code", "report__fiscal_year", "series__position")
        )
        for actual in rows:
            dataset.append(
                [
                    actuals.series_code(actual.series),
                    actual.report.fiscal_year,
                    flat.number_cell(actual.value) if actual.value is not None else actual.text,
                    actual.report.comment,
                ]
            )
        return dataset

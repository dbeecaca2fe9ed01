"""Admin import/export (django-import-export) for planners, through the same readers, resources and checks.

Mixed into IndicatorAdmin (plan data: the flat template and the printed tables) and ReportAdmin (actuals). The
uploaded file waits in the shared cache (pending.PendingCacheStorage), the dry run and the import run with
`rollback_on_validation_errors=True`, and the read errors are the same Japanese messages as on the import page.
The importers write the audit trail themselves (core.AuditEntry, with the file name), in place of
django-import-export's admin log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from indicators.importing.formats import FORMATS
from indicators.importing.resources import ActualResource, PlanResource
from indicators.revision_forms import decided_field, resolve_revision, revision_field
from setagaya_plan.core.access import is_planner
from setagaya_plan.core.uploads.errors import ImportFileError
from setagaya_plan.core.uploads.pending import PendingCacheStorage

OVERWRITE_LABEL = "画面で入力済み・提出済みの実績を上書きする"


class OverwriteImportForm(ImportForm):
    overwrite = forms.BooleanField(label=OVERWRITE_LABEL, required=False)


class OverwriteConfirmForm(ConfirmImportForm):
    overwrite = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RevisionImportForm(ImportForm):
    revision = revision_field()
    decided = decided_field()

    def clean(self):
        cleaned = super().clean()
        resolve_revision(self)
        return cleaned


class RevisionConfirmForm(ConfirmImportForm):
    revision = forms.CharField(required=False, widget=forms.HiddenInput)
    decided = forms.DateField(required=False, widget=forms.HiddenInput)


class _PlannerImportExportMixin(ImportExportMixin):
    import_formats = FORMATS
    export_formats = FORMATS
    tmp_storage_class = PendingCacheStorage
    export_form_class = ExportForm
    skip_admin_log = True

    def has_import_permission(self, request):
        return is_planner(request.user)

    def has_export_permission(self, request):
        return is_planner(request.user)

    def get_export_queryset(self, request):
        # The list's filters travel in the export URL; django-import-export lets a filter the list does not have
        # (a stale or hand-made link) escape as HTTP 500, where the list itself says "incorrect lookup".
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest("一覧の絞り込み条件が正しくありません。一覧から出力し直してください。") from None

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", e.message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rolled back: say so, instead of django-import-export's "Import finished".
            messages.error(
                request, "エラーがあるため、何も書き込んでいません。もう一度ファイルを選んで確認してください。"
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        totals = result.totals
        messages.success(
            request,
            f"取り込みました（新規 {totals['new']}件、変更 {totals['update']}件、変更なし {totals['skip']}件）。",
        )
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))


class PlanImportExportMixin(_PlannerImportExportMixin):
    resource_classes = [PlanResource]
    import_form_class = RevisionImportForm
    confirm_form_class = RevisionConfirmForm

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The resource resolves the name (a refusal becomes the import's error message, never a server error).
        data = form.cleaned_data if form is not None else {}
        kwargs["revision"] = (data.get("revision") or "").strip() or None
        kwargs["revision_decided"] = data.get("decided")
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["revision"] = import_form.cleaned_data.get("revision", "")
            initial["decided"] = import_form.cleaned_data.get("decided")
        return initial


class ActualImportExportMixin(_PlannerImportExportMixin):
    resource_classes = [ActualResource]
    import_form_class = OverwriteImportForm
    confirm_form_class = OverwriteConfirmForm

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        overwrite = bool(form and form.cleaned_data.get("overwrite"))
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["overwrite_confirmed"] = overwrite
        # Without the box ticked a conflict is an error already in the preview, so no confirm button appears.
        kwargs["conflicts_are_errors"] = not overwrite
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["overwrite"] = import_form.cleaned_data.get("overwrite", False)
        return initial

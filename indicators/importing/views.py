"""The planner's import page: upload → preview (new / changed / unchanged / conflict / error) → confirm.

Every view is for planners only (core.access.planner_required) on GET and POST alike. The uploaded file
waits for confirmation in the shared cache (setagaya_plan.core.uploads.pending), bound to the planner who uploaded it.
Confirming re-runs the preview first: if anything came out differently since the planner looked (someone entered
an actual meanwhile), nothing is written and the new preview is shown instead.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import revisions
from indicators.importing import actuals, flat, printed
from indicators.importing.forms import ConfirmForm, UploadForm
from indicators.importing.preview import STATUS_ICONS, STATUS_LABELS, ImportPreview, apply_upload, preview_upload
from indicators.models import PlanRevision
from setagaya_plan.core.access import planner_required
from setagaya_plan.core.fiscal_years import default_fiscal_year, plan_years, year_choices, year_from_request
from setagaya_plan.core.uploads import ImportFileError, check_size, format_size, pending

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KIND = "plan"  # the pending uploads of this page (core.uploads.pending keeps each importer's apart)
SHOWN_ERRORS = 100  # in the summary at the top; every row's own errors stay in the table below


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@require_http_methods(["GET", "POST"])
@planner_required
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        sheet = form.cleaned_data["sheet"].strip()
        try:
            # The size is known before a byte is read: a file over the cap is never read into memory.
            check_size(uploaded.size)
            data = uploaded.read()
            preview = preview_upload(
                uploaded.name,
                data,
                user=request.user,
                sheet=sheet or None,
                revision=form.cleaned_data["plan_revision"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            token = pending.save(
                kind=PENDING_KIND,
                user=request.user,
                file_name=uploaded.name,
                data=data,
                sheet=sheet,
                preview=preview.to_dict(),
            )
            url = reverse("imports:preview", args=[token])
            if _wants_json(request):
                return JsonResponse({"redirect": url})
            return redirect(url)
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": [str(e) for errors in form.errors.values() for e in errors]}, status=400)
    return render(request, "imports/upload.html", _upload_context(form), status=400 if form.errors else 200)


def _upload_context(form) -> dict:
    years = plan_years()
    latest = PlanRevision.objects.latest_one()
    return {
        "form": form,
        "revision_fields": [form["revision"], form["decided"], form["revision_note"]],
        "latest_revision": latest,
        # What may take more changes: the latest revision (or 当初 while there is no other).
        "revision_names": [latest.name] if latest is not None else [],
        "years": year_choices(years),
        "default_year": default_fiscal_year(years=years),
        "max_size": format_size(settings.IMPORT_MAX_UPLOAD_BYTES),
        "max_rows": settings.IMPORT_MAX_ROWS,
        "pending_minutes": pending.lifetime() // 60,
    }


def _pending_or_404(request, token: str) -> pending.Pending:
    found = pending.load(PENDING_KIND, token, request.user)
    if found is None:
        raise Http404("確認待ちのファイルが見つかりません（期限切れ、取込み済み、または取消し済みです）。")
    return found


def _preview_response(request, found: pending.Pending, preview: ImportPreview, form=None, status=200):
    form = form or ConfirmForm(initial={"fingerprint": preview.fingerprint}, needs_overwrite=preview.has_conflicts)
    expires = timezone.localtime(datetime.datetime.fromtimestamp(found.expires, tz=datetime.UTC))
    errors = list(dict.fromkeys(preview.file_errors + [e for row in preview.rows for e in row.errors]))
    context = {
        "preview": preview,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(len(errors) - SHOWN_ERRORS, 0),
        "token": found.token,
        "form": form,
        "expires": expires,
        "changed_rows": preview.rows_with("error", "conflict", "new", "changed"),
        "unchanged_rows": preview.rows_with("unchanged"),
        "status_labels": STATUS_LABELS,
        "status_icons": STATUS_ICONS,
    }
    return render(request, "imports/preview.html", context, status=status)


@require_GET
@planner_required
def preview(request, token: str):
    found = _pending_or_404(request, token)
    return _preview_response(request, found, ImportPreview.from_dict(found.preview))


@require_POST
@planner_required
def confirm(request, token: str):
    found = _pending_or_404(request, token)
    shown = ImportPreview.from_dict(found.preview)
    form = ConfirmForm(request.POST, needs_overwrite=shown.has_conflicts)
    if not form.is_valid():
        return _preview_response(request, found, shown, form=form, status=400)
    if shown.has_errors:
        messages.error(request, "エラーのあるファイルは取り込めません。ファイルを直して、もう一度選んでください。")
        return redirect("imports:preview", token=token)
    try:
        revision = _revision_of(shown)
        fresh = preview_upload(
            found.file_name, found.data, user=request.user, sheet=found.sheet or None, revision=revision
        )
    except (ImportFileError, revisions.RevisionError) as error:
        messages.error(request, error.message)
        return redirect("imports:preview", token=token)
    if fresh.fingerprint != form.cleaned_data["fingerprint"] or fresh.fingerprint != shown.fingerprint:
        pending.update_preview(found, fresh.to_dict())
        messages.warning(
            request,
            "確認した後にデータが変わったため、取り込んでいません。最新の確認結果を見て、もう一度「取り込む」を押してください。",
        )
        return redirect("imports:preview", token=token)
    result = apply_upload(
        found.file_name,
        found.data,
        user=request.user,
        sheet=found.sheet or None,
        overwrite_confirmed=bool(form.cleaned_data.get("overwrite")),
        revision=revision,
    )
    if result.has_errors:
        pending.update_preview(found, result.to_dict())
        messages.error(request, "取込み中にエラーが見つかったため、何も書き込んでいません。")
        return redirect("imports:preview", token=token)
    pending.discard(found)
    counts = result.counts
    messages.success(
        request,
        f"「{found.file_name}」を取り込みました（新規 {counts['new']}件、"
        f"変更 {counts['changed'] + counts['conflict']}件、"
        f"変更なし {counts['unchanged']}件）。",
    )
    return redirect("imports:upload")


def _revision_of(shown: ImportPreview):
    """The revision the planner chose at upload (created only when the import is confirmed), or None."""
    if not shown.revision:
        return None
    decided = revisions.parse_decided(shown.revision_decided)
    return revisions.resolve(shown.revision, decided, shown.revision_note)


@require_POST
@planner_required
def cancel(request, token: str):
    found = _pending_or_404(request, token)
    pending.discard(found)
    messages.info(request, f"「{found.file_name}」の取込みを取り消しました（何も書き込んでいません）。")
    return redirect("imports:upload")


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@planner_required
def template_download(request, fmt: str):
    filled = request.GET.get("filled") == "1"
    stamp = timezone.localdate().isoformat()
    name = f"plan-{'data' if filled else 'template'}-{stamp}"
    if fmt == "xlsx":
        return _download(flat.template_xlsx(with_data=filled), f"{name}.xlsx", XLSX_TYPE)
    if fmt == "csv":
        return _download(flat.template_csv(with_data=filled), f"{name}.csv", "text/csv; charset=utf-8")
    raise Http404("その形式のテンプレートはありません。")


@require_GET
@planner_required
def printed_download(request):
    stamp = timezone.localdate().isoformat()
    return _download(printed.export_workbook(), f"plan-printed-{stamp}.xlsx", XLSX_TYPE)


@require_GET
@planner_required
def actuals_download(request):
    """The actuals sheet of ?year= (a year of the plan; any other value gives the year the upload page offers)."""
    years = plan_years()
    year = year_from_request(request, choices=years, default=default_fiscal_year(years=years))
    return _download(actuals.template_xlsx(year), f"actuals-{year}.xlsx", XLSX_TYPE)

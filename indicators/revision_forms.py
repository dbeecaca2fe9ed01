"""改定名 and 決定日: the two fields of every form that may change a target, 総量 or 現況値 (the import page, the
admin's import, the admin's series and target pages), read by one rule (indicators.revisions.resolve)."""

from __future__ import annotations

from django import forms

from indicators import revisions
from indicators.models import PlanRevision


def revision_field() -> forms.CharField:
    return forms.CharField(
        label="改定名（登録済みの目標・総量・現況値を変えるとき）",
        required=False,
        max_length=revisions.MAX_NAME,
        help_text="例：令和8年度改定。新しい名前なら改定を作り、最新の改定と同じ名前ならその改定に加えます。"
        "当初計画の転記の誤りを直すときは「当初」。",
    )


def decided_field() -> forms.DateField:
    return forms.DateField(
        label="改定の決定日（新しい改定のとき）",
        required=False,
        help_text="例：2026-06-01",
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"invalid": "決定日を 2026-06-01 の形で入力してください。"},
    )


def resolve_revision(form: forms.BaseForm, note: str = "") -> PlanRevision | None:
    """The revision the form names (unsaved when new), or None when it names none or cannot be used; a refusal is
    put on the field it is about (RevisionError.field), in the form's clean()."""
    name = (form.cleaned_data.get("revision") or "").strip()
    if not name or "decided" in form.errors:
        return None
    try:
        return revisions.resolve(name, form.cleaned_data.get("decided"), note)
    except revisions.RevisionError as error:
        form.add_error(error.field, error.message)
        return None

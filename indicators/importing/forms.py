"""Forms of the planner's import page."""

from __future__ import annotations

from django import forms

from indicators import revisions
from setagaya_plan.core.uploads.forms import UploadForm as FileUploadForm


class UploadForm(FileUploadForm):
    sheet = forms.CharField(
        label="シート名（任意）",
        required=False,
        max_length=31,
        help_text="空欄なら、取り込める表のあるシートをすべて読みます。",
    )
    revision = forms.CharField(
        label="改定名（登録済みの目標・総量・現況値を変えるとき）",
        required=False,
        max_length=revisions.MAX_NAME,
        help_text="例：令和8年度改定。新しい名前なら改定を作り、最新の改定と同じ名前ならその改定に加えます。"
        "当初計画の転記の誤りを直すときは「当初」。",
    )
    decided = forms.DateField(
        label="改定の決定日（新しい改定のとき）",
        required=False,
        help_text="例：2026-06-01",
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"invalid": "決定日を 2026-06-01 の形で入力してください。"},
    )
    revision_note = forms.CharField(label="改定の説明（任意）", required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("revision") or "").strip()
        cleaned["plan_revision"] = None
        if name and "decided" not in self.errors:
            try:
                cleaned["plan_revision"] = revisions.resolve(
                    name, cleaned.get("decided"), cleaned.get("revision_note", "")
                )
            except revisions.RevisionError as error:
                self.add_error("decided" if "決定日" in error.message else "revision", error.message)
        return cleaned


class ConfirmForm(forms.Form):
    overwrite = forms.BooleanField(
        label="画面で入力済みの実績・提出済みの実績を、ファイルの値で上書きすることを確認しました",
        required=False,
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, needs_overwrite: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_overwrite = needs_overwrite
        if not needs_overwrite:
            del self.fields["overwrite"]

    def clean_overwrite(self):
        if self.needs_overwrite and not self.cleaned_data.get("overwrite"):
            raise forms.ValidationError("上書きの確認にチェックを入れてください（上書き要確認の行があります）。")
        return self.cleaned_data.get("overwrite")

"""Forms of the planner's import page."""

from __future__ import annotations

from django import forms

from indicators.revision_forms import decided_field, resolve_revision, revision_field
from setagaya_plan.core.uploads.forms import UploadForm as FileUploadForm


class UploadForm(FileUploadForm):
    sheet = forms.CharField(
        label="シート名（任意）",
        required=False,
        max_length=31,
        help_text="空欄なら、取り込める表のあるシートをすべて読みます。",
    )
    revision = revision_field()
    decided = decided_field()
    revision_note = forms.CharField(label="改定の説明（任意）", required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        cleaned["plan_revision"] = resolve_revision(self, cleaned.get("revision_note", ""))
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

"""The upload form both import pages start from: one file, with the pipeline's own messages and limits."""

from __future__ import annotations

from django import forms

from setagaya_plan.core.uploads.errors import format_size
from setagaya_plan.core.uploads.safety import MESSAGE_EMPTY, max_upload_bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label="取り込むファイル",
        error_messages={"required": "ファイルを選んでください。", "empty": MESSAGE_EMPTY},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"Excel（.xlsx）または CSV（UTF-8・Shift_JIS）。{format_size(max_upload_bytes())} まで。"

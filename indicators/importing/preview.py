"""Running an import (dry run or for real) and what the person sees: one line per row, with counts.

Statuses: 新規 (new), 変更 (changed, old → new per field), 変更なし (unchanged), 上書き要確認 (conflict: an actual
already entered in the screens would be overwritten) and エラー (error, naming sheet, row and column). The preview
is kept with the pending upload; its fingerprint tells whether the data changed between preview and confirmation.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.db import transaction

from indicators.evaluation import deferred_refresh
from indicators.importing.datasets import PLAN, Parsed
from indicators.importing.layouts import read_upload
from indicators.importing.resources import ActualResource, PlanResource
from setagaya_plan.core.uploads.errors import ImportFileError

NEW, CHANGED, UNCHANGED, CONFLICT, ERROR = "new", "changed", "unchanged", "conflict", "error"
STATUS_LABELS = {
    NEW: "新規",
    CHANGED: "変更",
    UNCHANGED: "変更なし",
    CONFLICT: "上書き要確認",
    ERROR: "エラー",
}
# Shown beside the label so that a status never depends on colour alone.
STATUS_ICONS = {NEW: "＋", CHANGED: "✎", UNCHANGED: "＝", CONFLICT: "⚠", ERROR: "✖"}
KIND_LABELS = {PLAN: "計画データ（指標・目標）", "actuals": "実績"}


@dataclass
class PreviewRow:
    number: int
    where: str
    status: str
    label: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflict: str = ""
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_icon(self) -> str:
        return STATUS_ICONS[self.status]


@dataclass
class ImportPreview:
    file_name: str
    kind: str
    layouts: list[str]
    sheets: list[str]
    rows: list[PreviewRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.status for row in self.rows)
        return {status: found.get(status, 0) for status in STATUS_LABELS}

    @property
    def count_items(self) -> list[tuple[str, str, str, int]]:
        return [(status, STATUS_ICONS[status], STATUS_LABELS[status], count) for status, count in self.counts.items()]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.status == ERROR for row in self.rows)

    @property
    def has_conflicts(self) -> bool:
        return any(row.status == CONFLICT for row in self.rows)

    @property
    def warning_count(self) -> int:
        """Rows with a change worth a second look (a change of kind, or beyond ±50 %)."""
        return sum(1 for row in self.rows if row.warnings)

    @property
    def has_changes(self) -> bool:
        return any(row.status in (NEW, CHANGED, CONFLICT) for row in self.rows)

    def rows_with(self, *statuses: str) -> list[PreviewRow]:
        return [row for row in self.rows if row.status in statuses]

    @property
    def fingerprint(self) -> str:
        """Changes the moment anything the person confirmed would come out differently."""
        content = [(row.status, row.label, row.changes, row.errors, row.conflict, row.warnings) for row in self.rows]
        return hashlib.sha256(json.dumps([content, self.file_errors], ensure_ascii=False).encode()).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportPreview:
        rows = [PreviewRow(**{**row, "changes": [tuple(c) for c in row["changes"]]}) for row in data["rows"]]
        return cls(**{**data, "rows": rows})


def run_import(
    parsed: Parsed,
    *,
    user=None,
    file_name: str = "",
    dry_run: bool = True,
    overwrite_confirmed: bool = False,
    conflicts_are_errors: bool = False,
) -> ImportPreview:
    """Import the parsed file in one transaction: rolled back for a dry run, or when any row has an error."""
    resource = PlanResource() if parsed.kind == PLAN else ActualResource()
    # The stored grades of every indicator the rows changed are refreshed once, at the end, in the same transaction.
    with transaction.atomic(), deferred_refresh():
        result = resource.import_data(
            parsed.dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
            file_name=file_name,
            overwrite_confirmed=overwrite_confirmed,
            conflicts_are_errors=conflicts_are_errors,
        )
    rows = []
    for number, row_result in enumerate(result.rows, start=1):
        if row_result.validation_error is not None:
            errors = [message for messages in row_result.validation_error.message_dict.values() for message in messages]
            rows.append(PreviewRow(number, row_result.where, ERROR, errors=errors))
            continue
        rows.append(
            PreviewRow(
                number,
                row_result.where,
                row_result.status,
                label=row_result.label,
                changes=[(change.field, change.old, change.new) for change in row_result.changes],
                conflict=row_result.conflict,
                note=row_result.note,
                warnings=[f"{change.field}：{change.warning}" for change in row_result.changes if change.warning],
            )
        )
    file_errors = [
        error.error.message if isinstance(error.error, ImportFileError) else f"取込みに失敗しました（{error.error}）。"
        for error in result.base_errors
    ]
    return ImportPreview(
        file_name=file_name,
        kind=parsed.kind,
        layouts=parsed.layouts,
        sheets=parsed.sheets,
        rows=rows,
        file_errors=file_errors,
    )


def preview_upload(name: str, data: bytes, *, user=None, sheet: str | None = None) -> ImportPreview:
    """Check and read a file and run it as a dry run; ImportFileError for a file that cannot be read at all."""
    parsed = read_upload(name, data, sheet=sheet)
    return run_import(parsed, user=user, file_name=name, dry_run=True)


def apply_upload(
    name: str, data: bytes, *, user, sheet: str | None = None, overwrite_confirmed: bool = False
) -> ImportPreview:
    """The confirmed import: one transaction, audited with the file name and the user; nothing written on error."""
    parsed = read_upload(name, data, sheet=sheet)
    return run_import(parsed, user=user, file_name=name, dry_run=False, overwrite_confirmed=overwrite_confirmed)

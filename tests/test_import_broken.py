"""Broken files: each gets its Japanese message (naming the sheet, row and column where there is one) and writes
nothing — checked against everything an import could write (plan, actuals, audit log, admin history)."""

from __future__ import annotations

import pytest

from indicators.importing.errors import ImportFileError
from indicators.importing.preview import apply_upload, preview_upload
from tests.import_files import broken, snapshot

pytestmark = pytest.mark.django_db


def test_there_are_at_least_25_broken_files():
    assert len(broken.BROKEN) >= 25
    assert len({case[0] for case in broken.BROKEN}) == len(broken.BROKEN)


def _messages(name: str, data: bytes, user) -> list[str]:
    try:
        preview = preview_upload(name, data, user=user)
    except ImportFileError as error:
        return [error.message]
    row_errors = [error for row in preview.rows for error in row.errors]
    # An error about a row names where it is: sheet, row (and column when one cell is wrong).
    assert all(error.startswith("シート「") and "行目" in error for error in row_errors), row_errors
    return preview.file_errors + row_errors


@pytest.mark.parametrize(
    ("name", "build", "expected"), [case[1:] for case in broken.BROKEN], ids=[case[0] for case in broken.BROKEN]
)
def test_a_broken_file_gets_its_message_and_writes_nothing(settings, planner_user, name, build, expected):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 if name == "big.xlsx" else settings.IMPORT_MAX_UPLOAD_BYTES
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    settings.IMPORT_MAX_ROWS = 50
    data = build()
    before = snapshot.everything()
    messages = _messages(name, data, planner_user)
    assert any(expected in message for message in messages), messages
    try:
        result = apply_upload(name, data, user=planner_user, overwrite_confirmed=True)
    except ImportFileError:
        pass
    else:
        assert result.has_errors
    assert snapshot.everything() == before

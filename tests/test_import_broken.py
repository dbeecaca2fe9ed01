"""Broken files: each gets its Japanese message (naming the sheet, row and column where there is one) and writes
nothing — checked against everything an import could write (plan, actuals, consultation counts, audit logs, admin
history). The files every upload refuses (tests/import_files/broken.py FILE_BROKEN) run against both importers:
one pipeline, one message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import imports as count_imports
from indicators.importing.preview import apply_upload, preview_upload
from setagaya_plan.core.uploads import ImportFileError
from tests.import_files import broken, snapshot

pytestmark = pytest.mark.django_db

PLAN_CASES = broken.FILE_BROKEN + broken.PLAN_BROKEN
COUNT_CASES = broken.FILE_BROKEN + broken.COUNTS_BROKEN


def _cases(cases):
    return pytest.mark.parametrize(
        ("name", "build", "expected"), [case[1:] for case in cases], ids=[case[0] for case in cases]
    )


@pytest.fixture
def limits(settings):
    for setting, value in broken.LIMITS.items():
        setattr(settings, setting, value)
    return settings


def test_each_importer_has_at_least_40_broken_files():
    for cases in (PLAN_CASES, COUNT_CASES):
        assert len(cases) >= 40
        assert len({case[0] for case in cases}) == len(cases)


def _plan_messages(name: str, data: bytes, user) -> list[str]:
    try:
        preview = preview_upload(name, data, user=user)
    except ImportFileError as error:
        return [error.message]
    row_errors = [error for row in preview.rows for error in row.errors]
    # An error about a row names where it is: sheet, row (and column when one cell is wrong).
    assert all(error.startswith("シート「") and "行目" in error for error in row_errors), row_errors
    return preview.file_errors + row_errors


@_cases(PLAN_CASES)
def test_a_broken_plan_file_gets_its_message_and_writes_nothing(limits, planner_user, name, build, expected):
    if name == "big.xlsx":
        limits.IMPORT_MAX_UPLOAD_BYTES = broken.SMALL_UPLOAD_CAP
    data = build()
    before = snapshot.everything()
    messages = _plan_messages(name, data, planner_user)
    assert any(expected in message for message in messages), messages
    try:
        result = apply_upload(name, data, user=planner_user, overwrite_confirmed=True)
    except ImportFileError:
        pass
    else:
        assert result.has_errors
    assert snapshot.everything() == before


@_cases(COUNT_CASES)
def test_a_broken_counts_file_gets_its_message_and_writes_nothing(client, limits, planner_user, name, build, expected):
    if name == "big.xlsx":
        limits.IMPORT_MAX_UPLOAD_BYTES = broken.SMALL_UPLOAD_CAP
    data = build()
    before = snapshot.everything()
    try:
        result = count_imports.preview(count_imports.read_rows(name, data))
    except ImportFileError as error:
        messages = [error.message]
    else:
        assert not result.ok and result.errors
        assert all(error.row >= 2 and error.column in count_imports.COLUMNS for error in result.errors)
        messages = [error.message for error in result.errors]
    assert any(expected in message for message in messages), messages

    # The page says the same, offers nothing to confirm, and writes nothing.
    client.force_login(planner_user)
    response = client.post(reverse("consultations:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 400)
    assert expected in response.content.decode()
    assert "token" not in response.context
    assert snapshot.everything() == before

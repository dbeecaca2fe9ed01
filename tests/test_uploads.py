"""setagaya_plan.core.uploads: reading an upload into sheets, and pending uploads in the shared cache (the checks
themselves: tests/test_import_safety.py; every broken file against both importers: tests/test_import_broken.py)."""

from __future__ import annotations

import warnings

import pytest

from setagaya_plan.core import uploads
from setagaya_plan.core.uploads import pending
from tests.import_files import build

pytestmark = pytest.mark.django_db

ROWS = [["年度", "地区", "件数"], ["令和6年度", "池尻", "１２"]]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.csv", build.csv_bytes(ROWS, "utf-8")),
        ("x.csv", build.csv_bytes(ROWS, "utf-8-sig")),
        ("x.csv", build.csv_bytes(ROWS, "cp932")),
        ("X.CSV", build.csv_bytes(ROWS, "cp932")),
        ("x.xlsx", build.xlsx({"件数": ROWS})),
    ],
)
def test_an_upload_reads_into_the_same_cells_whatever_its_format(name, data):
    kind, sheets = uploads.read(name, data)
    assert kind == (uploads.XLSX if name.endswith("xlsx") else uploads.CSV)
    [sheet] = sheets
    assert [[cell.text() for cell in sheet.row_cells(row)] for row in sheet.row_numbers()] == ROWS


def test_a_pending_upload_belongs_to_its_importer_and_its_user(planner_user, entry_user):
    token = pending.save(kind="plan", user=planner_user, file_name="a.xlsx", data=b"x", preview={"n": 1})
    found = pending.load("plan", token, planner_user)
    assert (found.file_name, found.data, found.preview) == ("a.xlsx", b"x", {"n": 1})
    assert pending.load("consultations", token, planner_user) is None  # another importer's page
    assert pending.load("plan", token, entry_user) is None  # another person
    pending.discard(found)
    assert pending.load("plan", token, planner_user) is None


@pytest.mark.parametrize("token", ["", "²", "x" * 500, "a\x00b", "../etc", "トークン", "a b", "%00"])
def test_an_odd_token_finds_nothing_and_never_reaches_the_cache_as_a_bad_key(planner_user, token):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cache warns about keys memcached could not hold
        assert pending.load("plan", token, planner_user) is None


def test_pending_uploads_expire_after_the_setting(planner_user, settings):
    settings.IMPORT_PENDING_SECONDS = 600
    token = pending.save(kind="consultations", user=planner_user, file_name="a.csv", data=b"x", preview={})
    found = pending.load("consultations", token, planner_user)
    assert found.expires == pytest.approx(found.created + 600)
    assert pending.purge_expired(now=found.created + 599) == 0
    assert pending.purge_expired(now=found.created + 601) == 1
    assert pending.load("consultations", token, planner_user) is None

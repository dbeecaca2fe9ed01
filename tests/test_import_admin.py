"""Admin import/export (django-import-export) through the same readers and resources: preview, confirm, export."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.entry.workflow import SeriesValue, save_report
from indicators.importing import flat
from indicators.models import Actual, Indicator, Series
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build, snapshot

pytestmark = pytest.mark.django_db

IMPORT = "admin:indicators_indicator_import"
PROCESS = "admin:indicators_indicator_process_import"


@pytest.fixture
def admin_planner(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.jp", "pw")
    client.force_login(user)
    return user


def _change_file(*values) -> bytes:
    years = ["令和6年度（2024年度）", "令和7年度（2025年度）"][: len(values) or 1]
    return build.xlsx(
        {"指標": [["コード", "名称", *years], ["G1-M05-V1-A2", "補助対象住宅の新規登録件数", *(values or (9,))]]}
    )


def _preview(client, url: str, data: bytes, name: str = "plan.xlsx", **extra):
    return client.post(
        reverse(url), {"import_file": SimpleUploadedFile(name, data), "format": "0", "resource": "0", **extra}
    )


def _confirm_fields(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def test_admin_import_previews_then_writes_with_its_history(client, admin_planner):
    response = _preview(client, IMPORT, _change_file(9, 10))
    assert response.status_code == 200
    page = response.content.decode()
    assert "令和6年度（2024年度）目標：8件 → 9件<br>令和7年度（2025年度）目標：8件 → 10件" in page
    assert "シート「指標」 2行目" in page
    assert Series.objects.get(indicator__code="G1-M05-V1-A2").targets.get(fiscal_year=2024).value == Decimal(8)
    response = client.post(reverse(PROCESS), _confirm_fields(response), follow=True)
    assert "取り込みました（新規 0件、変更 1件、変更なし 0件）。" in response.content.decode()
    assert Series.objects.get(indicator__code="G1-M05-V1-A2").targets.get(fiscal_year=2024).value == Decimal(9)
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.source, entry.object_repr.split()[0]) == (admin_planner, "plan.xlsx", "G1-M05-V1-A2")
    assert entry.changes == {"令和6年度（2024年度）目標": ["8件", "9件"], "令和7年度（2025年度）目標": ["8件", "10件"]}


def test_admin_import_shows_the_japanese_reason_a_file_cannot_be_read(client, admin_planner):
    response = _preview(client, IMPORT, build.compound_file("Workbook"), name="old.xls")
    assert ".xlsx 形式で保存し直してください" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None


def test_admin_import_with_an_invalid_row_offers_no_confirmation(client, admin_planner):
    data = build.xlsx({"指標": [["コード", "名称", "令和6年度（2024年度）"], ["G1-M99-V1-A1", "x", 1]]})
    response = _preview(client, IMPORT, data)
    assert "コード「G1-M99-V1-A1」の指標は登録されていません。" in response.content.decode()
    assert not response.context.get("confirm_form")


def test_admin_import_is_for_planners_only(client):
    staff = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_export")).status_code == 403


def test_admin_export_is_the_filled_template_with_formulas_escaped(client, admin_planner):
    Indicator.objects.filter(code="G1-M05-V1-A1").update(name='=HYPERLINK("http://example.com")')
    response = client.post(reverse("admin:indicators_indicator_export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    columns = flat.flat_columns(range(2024, 2032))  # a target column for each year of 令和6–13年度
    assert list(rows[0]) == columns
    line = next(row for row in rows if row[0] == "G1-M05-V1-A1")
    assert line[columns.index("名称")] == '\'=HYPERLINK("http://example.com")'
    assert line[columns.index("現況値")] == 280  # numbers stay numbers


def test_admin_export_imports_back_unchanged(client, admin_planner):
    exported = client.post(reverse("admin:indicators_indicator_export"), {"format": "0", "resource": "0"}).content
    response = _preview(client, IMPORT, exported)
    result = response.context["result"]
    assert not result.has_validation_errors()
    assert {row.status for row in result.rows} == {"unchanged"}


def test_admin_actual_import_needs_the_overwrite_box_for_conflicts(client, admin_planner, entry_user):
    save_report(
        indicator=Indicator.objects.get(code="G1-M05-V1-A1"),
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(300))},
        expected_version=None,
    )
    data = build.xlsx({"実績": [["コード", "年度", "実績"], ["G1-M05-V1-A1", 2024, 295]]})
    url = "admin:indicators_report_import"
    response = _preview(client, url, data, name="実績.xlsx")
    assert "画面で入力済みの実績（300）を上書きします。" in response.content.decode()
    assert not response.context.get("confirm_form")
    before = snapshot.everything()
    response = _preview(client, url, data, name="実績.xlsx", overwrite="on")
    assert response.context["confirm_form"] is not None
    assert snapshot.everything() == before
    client.post(reverse("admin:indicators_report_process_import"), _confirm_fields(response))
    assert Actual.objects.get().value == Decimal(295)
    log = AuditEntry.objects.get(action="import")
    assert (log.source, log.user) == ("実績.xlsx", admin_planner)

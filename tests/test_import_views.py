"""The planner's import page: permissions on every GET and POST, upload → preview → confirm, conflicts, errors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.entry.workflow import SeriesValue, save_report
from indicators.importing import flat
from indicators.importing.views import PENDING_KIND
from indicators.models import Actual, Indicator, Series
from setagaya_plan.core.models import AuditEntry, Membership, Section
from setagaya_plan.core.uploads import pending
from tests.import_files import broken, build, snapshot

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _change_sheet(value=9) -> bytes:
    return build.xlsx(
        {"指標": [["コード", "名称", "令和6年度（2024年度）"], ["G1-M05-V1-A2", "補助対象住宅の新規登録件数", value]]}
    )


def _actual_sheet(value=295) -> bytes:
    return build.xlsx({"実績": [["コード", "年度", "実績"], ["G1-M05-V1-A1", 2024, value]]})


def _upload(client, data: bytes, name: str = "plan.xlsx", **extra):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), "sheet": ""}, **extra)


@pytest.fixture
def planner_client(client, planner_user):
    client.force_login(planner_user)
    return client


@pytest.fixture
def token(planner_client):
    response = _upload(planner_client, _change_sheet())
    assert response.status_code == 302
    return response["Location"].rstrip("/").split("/")[-1]


def _pages(token: str) -> list[tuple[str, str]]:
    return [
        ("get", reverse("imports:upload")),
        ("post", reverse("imports:upload")),
        ("get", reverse("imports:preview", args=[token])),
        ("post", reverse("imports:confirm", args=[token])),
        ("post", reverse("imports:cancel", args=[token])),
        ("get", reverse("imports:template", args=["xlsx"])),
        ("get", reverse("imports:template", args=["csv"])),
        ("get", reverse("imports:printed")),
        ("get", reverse("imports:actuals") + "?year=2024"),
    ]


@pytest.mark.parametrize("role", ["anonymous", "entry", "approver", "viewer", "other_entry"])
def test_every_page_is_for_planners_only(client, users_by_role, token, role):
    before = snapshot.everything()
    for method, url in _pages(token):
        client.logout()
        if users_by_role[role] is not None:
            client.force_login(users_by_role[role])
        response = getattr(client, method)(url, {"fingerprint": "x"} if method == "post" else None)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
        else:
            assert response.status_code == 403, url
    assert snapshot.everything() == before
    assert any(key.endswith(token) for key in cache.get(pending.INDEX) or {})  # still there for its owner


def test_wrong_methods_are_refused(planner_client, token):
    assert planner_client.post(reverse("imports:preview", args=[token])).status_code == 405
    assert planner_client.get(reverse("imports:confirm", args=[token])).status_code == 405
    assert planner_client.get(reverse("imports:cancel", args=[token])).status_code == 405
    assert planner_client.post(reverse("imports:printed")).status_code == 405
    assert planner_client.put(reverse("imports:upload")).status_code == 405


def test_the_upload_page_offers_the_layouts_and_their_downloads(planner_client):
    page = planner_client.get(reverse("imports:upload")).content.decode()
    assert "<h1>ファイルの取込み</h1>" in page
    assert 'aria-describedby="file-help"' in page
    for name in ("imports:printed",):
        assert reverse(name) in page
    assert reverse("imports:template", args=["xlsx"]) + "?filled=1" in page


def test_upload_preview_and_confirm_write_exactly_the_previewed_change(planner_client, planner_user, token):
    page = planner_client.get(reverse("imports:preview", args=[token])).content.decode()
    assert "取込み内容の確認" in page
    assert "✎</span> 変更" in page
    assert "令和6年度（2024年度）目標" in page and "<ins>9件</ins>" in page
    assert Series.objects.get(indicator__code="G1-M05-V1-A2").targets.get(fiscal_year=2024).value == Decimal(8)
    fingerprint = pending.load(PENDING_KIND, token, planner_user).preview and _fingerprint(planner_client, token)
    response = planner_client.post(reverse("imports:confirm", args=[token]), {"fingerprint": fingerprint}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("imports:upload")
    assert "「plan.xlsx」を取り込みました（新規 0件、変更 1件、変更なし 0件）。" in response.content.decode()
    assert Series.objects.get(indicator__code="G1-M05-V1-A2").targets.get(fiscal_year=2024).value == Decimal(9)
    assert pending.load(PENDING_KIND, token, planner_user) is None  # confirmed uploads are gone from the cache


def _fingerprint(client, token: str) -> str:
    page = client.get(reverse("imports:preview", args=[token])).content.decode()
    return page.split('name="fingerprint" value="')[1].split('"')[0]


def test_a_file_that_cannot_be_read_is_explained_next_to_the_field(planner_client):
    response = _upload(planner_client, broken.build.compound_file("Workbook"), name="old.xls")
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_file">' in page and ".xlsx 形式で保存し直してください" in page
    assert 'aria-describedby="file-help file-error"' in page and 'aria-invalid="true"' in page


def test_no_file_chosen(planner_client):
    response = planner_client.post(reverse("imports:upload"), {"sheet": ""})
    assert response.status_code == 400
    assert "ファイルを選んでください。" in response.content.decode()


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(planner_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2048
    response = _upload(planner_client, _change_sheet() + b"\x00" * 10000)
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()


def test_the_upload_by_script_answers_json(planner_client):
    response = _upload(planner_client, _change_sheet(), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200 and response.json()["redirect"].startswith("/imports/")
    response = _upload(planner_client, b"", name="x.xlsx", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400 and response.json() == {"errors": ["ファイルが空です（0 バイト）。"]}


def test_a_preview_with_errors_has_no_confirm_button(planner_client):
    response = _upload(planner_client, _change_sheet(value="1,2,3件"), follow=True)
    page = response.content.decode()
    assert "エラーがあるため取り込めません" in page
    assert reverse("imports:confirm", args=[response.redirect_chain[-1][0].rstrip("/").split("/")[-1]]) not in page


def test_another_planners_upload_is_not_found(client, token, django_user_model):
    other = django_user_model.objects.create_user("planner2", password="x")
    Membership.objects.create(user=other, section=Section.objects.create(name="計画課2"), role="planner")
    client.force_login(other)
    assert client.get(reverse("imports:preview", args=[token])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[token]), {"fingerprint": "x"}).status_code == 404


def test_a_conflict_needs_the_box_ticked(planner_client, entry_user):
    save_report(
        indicator=Indicator.objects.get(code="G1-M05-V1-A1"),
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(300))},
        expected_version=None,
    )
    response = _upload(planner_client, _actual_sheet(), name="実績.xlsx", follow=True)
    page = response.content.decode()
    token = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    assert "⚠</span> 上書き要確認" in page and 'name="overwrite"' in page
    fingerprint = _fingerprint(planner_client, token)
    refused = planner_client.post(reverse("imports:confirm", args=[token]), {"fingerprint": fingerprint})
    assert refused.status_code == 400
    assert "上書きの確認にチェックを入れてください" in refused.content.decode()
    assert Actual.objects.get().value == Decimal(300)
    planner_client.post(reverse("imports:confirm", args=[token]), {"fingerprint": fingerprint, "overwrite": "on"})
    assert Actual.objects.get().value == Decimal(295)
    assert AuditEntry.objects.filter(action="import", source="実績.xlsx").count() == 1


def test_data_changed_after_the_preview_is_not_overwritten_blindly(planner_client, entry_user):
    response = _upload(planner_client, _actual_sheet(), name="実績.xlsx")
    token = response["Location"].rstrip("/").split("/")[-1]
    fingerprint = _fingerprint(planner_client, token)
    # Someone enters the actual in the screens between preview and confirmation.
    save_report(
        indicator=Indicator.objects.get(code="G1-M05-V1-A1"),
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(280))},
        expected_version=None,
    )
    response = planner_client.post(reverse("imports:confirm", args=[token]), {"fingerprint": fingerprint}, follow=True)
    assert "確認した後にデータが変わったため、取り込んでいません" in response.content.decode()
    assert Actual.objects.get().value == Decimal(280)
    assert "⚠</span> 上書き要確認" in response.content.decode()


def test_cancel_forgets_the_upload(planner_client, planner_user, token):
    before = snapshot.everything()
    response = planner_client.post(reverse("imports:cancel", args=[token]), follow=True)
    assert "取込みを取り消しました（何も書き込んでいません）" in response.content.decode()
    assert pending.load(PENDING_KIND, token, planner_user) is None
    assert planner_client.get(reverse("imports:preview", args=[token])).status_code == 404
    assert snapshot.everything() == before


def test_unconfirmed_uploads_expire_and_are_cleaned_up(planner_client, planner_user, settings):
    settings.IMPORT_PENDING_SECONDS = 600
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        old = _upload(planner_client, _change_sheet())["Location"].rstrip("/").split("/")[-1]
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9, 11, tzinfo=datetime.UTC), tick=False):
        assert pending.load(PENDING_KIND, old, planner_user) is None
        _upload(planner_client, _change_sheet(value=10))
        index = cache.get(pending.INDEX)
        assert not any(key.endswith(old) for key in index) and len(index) == 1
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM setagaya_plan_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert not any(old in key for key in keys)


@pytest.mark.parametrize(("url", "name"), [("imports:template", "plan-template"), ("imports:printed", "plan-printed")])
def test_downloads(planner_client, url, name):
    response = planner_client.get(reverse(url, args=["xlsx"] if url == "imports:template" else []))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert f'filename="{name}-' in response["Content-Disposition"]


def test_the_csv_template_and_the_actuals_sheet(planner_client):
    response = planner_client.get(reverse("imports:template", args=["csv"]) + "?filled=1")
    assert response.content.startswith("\ufeffコード,".encode())
    assert response.content.decode("utf-8-sig").count("\r\n") == Series.objects.count() + 1
    assert planner_client.get(reverse("imports:actuals") + "?year=2024")["Content-Type"] == XLSX
    assert planner_client.get(reverse("imports:template", args=["pdf"])).status_code == 404
    # A year outside the plan is not an error page: the sheet of the year the upload page offers, with a word why.
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        bad = planner_client.get(reverse("imports:actuals") + "?year=2040")
        assert bad["Content-Type"] == XLSX and 'filename="actuals-2024.xlsx"' in bad["Content-Disposition"]
        page = planner_client.get(reverse("imports:upload")).content.decode()
    assert "年度「2040」は選べないため、令和6年度（2024年度）を表示しています。" in page


def test_the_menu_shows_the_import_page_to_planners_only(client, planner_user, entry_user):
    client.force_login(entry_user)
    assert reverse("imports:upload") not in client.get(reverse("home")).content.decode()
    client.force_login(planner_user)
    assert reverse("imports:upload") in client.get(reverse("home")).content.decode()


def test_the_preview_page_of_a_whole_plan_takes_a_fixed_number_of_queries(
    planner_client, django_assert_max_num_queries
):
    response = _upload(planner_client, flat.template_xlsx(with_data=True))
    url = response["Location"]
    with django_assert_max_num_queries(8):  # includes saving the session (idle timeout) and the footer's plan period
        page = planner_client.get(url).content.decode()
    assert f"変更なしの行（{Series.objects.count()}件）を表示" in page

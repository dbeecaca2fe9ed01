"""Import of consultation counts from xlsx (preview → confirm, all-or-nothing, idempotent) and export to xlsx/CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bench.plan_data import second_person
from consultations.models import Category, ConsultationCount, CountReport, District, WindowType
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]

HEADER = ["年度", "月", "地域", "地区", "相談先", "分類", "件数"]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="counts.xlsx"):
    return client.post(reverse("consultations:import"), {"file": SimpleUploadedFile(name, content)})


GOOD_ROWS = [
    [2024, 4, "世田谷", "池尻", "まちづくりセンター", "高齢", 12],
    ["令和6年度", "４月", "", "池尻地区", "あんしんすこやかセンター", "認知症", "１，２０３"],
    [2024, 5, "", "梅丘", "社会福祉協議会", "障害", 3],
    [2024, "", "砧", "", "地域障害者相談支援センター「ぽーと」＊", "障害", 20],
    ["令和6年度（2024年度）", 5, "", "", "ぷらっとホーム世田谷", "生活困窮", 30],
]


def test_preview_writes_nothing_and_confirm_writes_everything_with_an_audit(client, planner_user):
    client.force_login(planner_user)
    response = upload(client, xlsx(GOOD_ROWS))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and (result.new, len(result.changed), result.unchanged) == (5, 0, 0)
    assert not ConsultationCount.objects.exists()
    token = response.context["token"]

    response = client.post(reverse("consultations:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert ConsultationCount.objects.count() == 5
    assert ConsultationCount.objects.get(window__name="あんしんすこやかセンター").count == 1203
    ikejiri = CountReport.objects.get(district__code="ikejiri", fiscal_year=2024, month=4)
    assert ikejiri.counts.count() == 2
    assert CountReport.objects.get(area__name="砧").month == 0
    assert CountReport.objects.get(area=None, district=None).counts.get().count == 30
    change = AuditEntry.objects.for_subject(ikejiri).get()
    # The source is the file name, as for imported actuals; the action says it was a file import.
    assert (change.action, change.source, change.user) == ("import", "counts.xlsx", planner_user)
    # The token is used up: confirming twice writes nothing more.
    response = client.post(reverse("consultations:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="import").count() == 4


def test_importing_the_same_file_again_changes_nothing(client, planner_user):
    client.force_login(planner_user)
    response = upload(client, xlsx(GOOD_ROWS))
    client.post(reverse("consultations:import_confirm"), {"token": response.context["token"]})
    before = list(CountReport.objects.order_by("pk").values_list("version", flat=True))
    response = upload(client, xlsx(GOOD_ROWS))
    result = response.context["result"]
    assert (result.new, len(result.changed), result.unchanged) == (0, 0, 5)
    assert "token" not in response.context
    assert "変更はありません" in response.content.decode()
    assert list(CountReport.objects.order_by("pk").values_list("version", flat=True)) == before


def test_a_changed_value_is_previewed_old_to_new_and_an_approved_month_goes_back_to_draft(client, planner_user):
    cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
    place = Place(district=District.objects.get(code="ikejiri"))
    report = save_counts(
        place=place, fiscal_year=2024, month=4, user=planner_user, values={cell: 10}, expected_version=None
    )
    review.approve(
        COUNT_REVIEW,
        review.submit(COUNT_REVIEW, report, planner_user, report.version),
        second_person(),
        report.version + 1,
    )
    client.force_login(planner_user)
    response = upload(client, xlsx([GOOD_ROWS[0]]))
    result = response.context["result"]
    assert [(row.count, old) for row, old in result.changed] == [(12, 10)]
    assert result.reviewed_reports == 1
    page = response.content.decode()
    assert "承認済・提出済の報告 1 件が下書きに戻ります" in page
    client.post(reverse("consultations:import_confirm"), {"token": response.context["token"]})
    report.refresh_from_db()
    assert report.status == CountReport.Status.DRAFT
    assert AuditEntry.objects.for_subject(report).first().changes == {
        "まちづくりセンター・高齢": [10, 12],
        "状態": ["承認済", "下書き"],
    }


# A table of real-looking mistakes: each row names its row and column, and the whole file writes nothing.
BAD_ROWS = [
    ([2024, 4, "", "池尻", "まちづくりセンター", "高齢", "12.5"], "件数", "「件」の数は整数で入力してください"),
    ([2024, 4, "", "池尻", "まちづくりセンター", "高齢", "-1"], "件数", "マイナスの値は入力できません"),
    ([2024, 4, "", "池尻", "まちづくりセンター", "高齢", ""], "件数", "件数を入力してください"),
    ([2024, 4, "", "池尻", "まちづくりセンター", "高齢", "約12"], "件数", "数値から始めてください"),
    ([2024, 4, "", "池袋", "まちづくりセンター", "高齢", 1], "地区", "地区「池袋」は28地区にありません"),
    ([2024, 4, "北沢", "池尻", "まちづくりセンター", "高齢", 1], "地域", "池尻地区は世田谷地域です"),
    ([2024, 4, "", "池尻", "区役所", "高齢", 1], "相談先", "相談先「区役所」は相談窓口にも相談支援機関にもありません"),
    ([2024, 4, "", "池尻", "まちづくりセンター", "介護保険", 1], "分類", "分類「介護保険」はありません"),
    ([2024, 13, "", "池尻", "まちづくりセンター", "高齢", 1], "月", "月「13」が読めません"),
    (["二〇二四", 4, "", "池尻", "まちづくりセンター", "高齢", 1], "年度", "年度「二〇二四」を読み取れません"),
    (["", 4, "", "池尻", "まちづくりセンター", "高齢", 1], "年度", "年度を入力してください"),
    ([2024, 3, "", "池尻", "まちづくりセンター", "高齢", 1], "月", "2025年3月はまだ始まっていません"),
    (
        [2024, 4, "", "", "まちづくりセンター", "高齢", 1],
        "地区",
        "まちづくりセンターの件数は地区ごとに入力してください",
    ),
    ([2024, 4, "", "池尻", "ぷらっとホーム世田谷", "生活困窮", 1], "地区", "全区で一つに入力してください"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS, ids=[message[:14] for _, _, message in BAD_ROWS])
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(client, planner_user, row, column, message):
    client.force_login(planner_user)
    response = upload(client, xlsx([GOOD_ROWS[0], row]))
    result = response.context["result"]
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    page = response.content.decode()
    assert "何も取り込んでいません" in page and message in page
    assert "token" not in response.context
    assert not ConsultationCount.objects.exists()


def test_the_same_cell_twice_in_a_file_is_refused(client, planner_user):
    client.force_login(planner_user)
    result = upload(client, xlsx([GOOD_ROWS[0], GOOD_ROWS[0]])).context["result"]
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "件数", "2行目と同じ欄の件数です（どちらか一方にしてください）。")
    ]


def test_whole_year_and_monthly_rows_of_one_place_and_year_are_refused(client, planner_user):
    client.force_login(planner_user)
    rows = [[2024, 4, "", "池尻", "まちづくりセンター", "高齢", 1], [2024, "年度計", "", "池尻", "児童館", "高齢", 9]]
    result = upload(client, xlsx(rows)).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "月")]
    assert "年度計と月別の両方では入力できません" in result.errors[0].message


def test_csv_in_shift_jis_is_read(client, planner_user):
    text = "年度,月,地域,地区,相談先,分類,件数\r\n2024,4,,池尻,まちづくりセンター,高齢,12\r\n"
    client.force_login(planner_user)
    result = upload(client, text.encode("cp932"), "counts.csv").context["result"]
    assert result.ok and result.new == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("entry", 403), ("approver", 403), ("viewer", 403)])
def test_import_is_for_planners_only(client, users_by_role, who, status):
    if users_by_role[who]:
        client.force_login(users_by_role[who])
    assert client.get(reverse("consultations:import")).status_code == status
    assert upload(client, xlsx(GOOD_ROWS)).status_code == status
    assert client.post(reverse("consultations:import_confirm"), {"token": "x"}).status_code == status
    assert not ConsultationCount.objects.exists()


def test_import_confirm_needs_post_and_a_live_token(client, planner_user):
    client.force_login(planner_user)
    assert client.get(reverse("consultations:import_confirm")).status_code == 405
    response = client.post(reverse("consultations:import_confirm"), {"token": "made-up"}, follow=True)
    assert "取込の確認期限が切れたか、すでに取り込み済みです" in response.content.decode()


@pytest.fixture
def exported_counts(planner_user):
    place = Place(district=District.objects.get(code="ikejiri"))
    category = Category.objects.create(code="formula", name='=HYPERLINK("x")', position=999)
    machi = WindowType.objects.get(name="まちづくりセンター")
    report = save_counts(
        place=place,
        fiscal_year=2024,
        month=1,
        user=planner_user,
        values={(machi, Category.objects.get(name="高齢")): 12, (machi, category): 1},
        expected_version=None,
    )
    save_counts(
        place=place,
        fiscal_year=2024,
        month=4,
        user=planner_user,
        values={(machi, Category.objects.get(name="高齢")): 7},
        expected_version=None,
    )
    return report


def test_csv_export_has_bom_crlf_escaped_formulas_and_fiscal_month_order(client, viewer_user, exported_counts):
    client.force_login(viewer_user)
    response = client.get(reverse("consultations:export"), {"format": "csv", "year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="consultations-2024.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER, "状態"]
    assert rows[1] == [
        "2024",
        "4",
        "世田谷",
        "池尻",
        "まちづくりセンター",
        "高齢",
        "7",
        "下書き",
    ]  # April before January
    assert rows[2][:7] == ["2024", "1", "世田谷", "池尻", "まちづくりセンター", "高齢", "12"]
    assert rows[3][5] == '\'=HYPERLINK("x")'


def test_xlsx_export_keeps_numbers_as_numbers_and_reads_back_unchanged(client, planner_user, exported_counts):
    Category.objects.filter(code="formula").update(name="式のような分類")
    client.force_login(planner_user)
    response = client.get(reverse("consultations:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "相談件数"
    assert [cell.value for cell in sheet[1]] == [*HEADER, "状態"]
    assert [cell.value for cell in sheet[2]][:7] == [2024, 4, "世田谷", "池尻", "まちづくりセンター", "高齢", 7]
    assert sheet.freeze_panes == "A2"
    # Round trip: the export is a valid import that changes nothing.
    result = upload(client, response.content, "consultations-all.xlsx").context["result"]
    assert result.ok and result.unchanged == 3 and not result.has_changes


def test_export_filters_and_bad_parameters(client, viewer_user, exported_counts):
    client.force_login(viewer_user)
    assert client.get(reverse("consultations:export"), {"format": "pdf"}).status_code == 400
    # The year as people write it; a year that is none falls back to every year (core.fiscal_years' rule).
    wareki = client.get(reverse("consultations:export"), {"format": "csv", "year": "令和6"})
    assert 'filename="consultations-2024.csv"' in wareki["Content-Disposition"]
    for odd in ("²", "-1", "9" * 20, "abc"):
        response = client.get(reverse("consultations:export"), {"format": "csv", "year": odd})
        assert response.status_code == 200 and 'filename="consultations-all.csv"' in response["Content-Disposition"]
    response = client.get(reverse("consultations:export"), {"format": "csv", "status": "approved"})
    assert len(response.content.decode("utf-8-sig").splitlines()) == 1  # header only: nothing approved yet
    assert client.post(reverse("consultations:export")).status_code == 405
    client.logout()
    assert client.get(reverse("consultations:export")).status_code == 302

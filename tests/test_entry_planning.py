"""Planner pages: deadlines and locks per fiscal year, completeness, the overdue list, bulk assignment."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting, Section

pytestmark = pytest.mark.django_db

YEAR = 2024


def report(user, code, value="5", *, submit=False):
    saved = save_report(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=YEAR,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )
    return review.submit(REPORT_REVIEW, saved, user, saved.version) if submit else saved


# --- deadlines and locks ---------------------------------------------------------------------------------------------


def test_years_page_lists_every_plan_year_with_its_default_deadline(client, planner_user):
    client.force_login(planner_user)
    page = client.get(reverse("entry:fiscal_years")).content.decode()
    for year in range(2024, 2032):
        assert f"令和{year - 2018}年度（{year}年度）" in page
    assert 'value="2025-06-30"' in page and 'value="2032-06-30"' in page


@pytest.mark.parametrize("typed", ["2025-07-31", "2025/7/31", "２０２５／０７／３１", "2025年7月31日"])
def test_deadline_is_changed_and_logged(client, planner_user, typed):
    client.force_login(planner_user)
    response = client.post(
        reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "deadline", "y2024-deadline": typed}
    )
    assert response.status_code == 302
    assert FiscalYearSetting.objects.get(fiscal_year=YEAR).deadline == datetime.date(2025, 7, 31)
    assert AuditEntry.objects.get(action="deadline").changes == {"提出期限": ["2025-06-30", "2025-07-31"]}
    assert "提出期限を2025年7月31日にしました。" in client.get(reverse("entry:fiscal_years")).content.decode()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "提出期限を入力してください。"),
        ("来月末", "日付は 2025-06-30 や 2025/6/30 の形で入力してください。"),
        ("2025-02-30", "日付は 2025-06-30 や 2025/6/30 の形で入力してください。"),
        ("2025-03-31", "提出期限は年度の終わり（翌年3月31日）より後の日付にしてください。"),
        ("<script>", "日付は"),
    ],
)
def test_bad_deadline_is_refused_beside_the_field(client, planner_user, typed, message):
    client.force_login(planner_user)
    response = client.post(
        reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "deadline", "y2024-deadline": typed}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'id="id_y2024-deadline_error"' in page and "<script>" not in page.split("<main")[1]
    assert not FiscalYearSetting.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["deadline", "lock", "unlock"]).exists()


def test_lock_and_unlock_a_year(client, planner_user, entry_user, section):
    report(entry_user, "G1-M01-V1-A3")
    client.force_login(planner_user)
    client.post(
        reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "lock", "locked": "1", "lock_comment": "確定"}
    )
    setting = FiscalYearSetting.objects.get(fiscal_year=YEAR)
    assert setting.locked and setting.locked_by == planner_user
    assert AuditEntry.objects.get(action="lock").comment == "確定"
    page = client.get(reverse("entry:fiscal_years")).content.decode()
    assert "令和6年度（2024年度）を締め切りました。" in page and "締切を解除する" in page
    client.force_login(entry_user)
    page = client.get(reverse("entry:indicator", args=["G1-M01-V1-A3", YEAR])).content.decode()
    assert "締め切られています" in page and 'name="action"' not in page
    client.force_login(planner_user)
    client.post(reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "lock", "locked": "0"})
    assert not FiscalYearSetting.objects.get(fiscal_year=YEAR).locked


def test_lock_with_a_tampered_value_is_refused(client, planner_user):
    client.force_login(planner_user)
    response = client.post(
        reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "lock", "locked": "maybe"}, follow=True
    )
    assert "締切の操作を読み取れませんでした" in response.content.decode()
    assert not FiscalYearSetting.objects.exists()


def test_year_outside_the_plan_is_404(client, planner_user):
    client.force_login(planner_user)
    assert (
        client.post(reverse("entry:fiscal_year_update", args=[2023]), {"action": "lock", "locked": "1"}).status_code
        == 404
    )


# --- completeness ----------------------------------------------------------------------------------------------------


def test_completeness_counts_per_section_and_measure(
    client, planner_user, entry_user, approver_user, section, other_section, django_assert_max_num_queries
):
    report(entry_user, "G1-M01-V1-A3")  # draft
    submitted = report(entry_user, "G1-M01-V3-O1", "13.0", submit=True)
    review.approve(REPORT_REVIEW, submitted, approver_user, submitted.version)
    sent_back = report(entry_user, "G1-M04-V1-A3", "16", submit=True)  # the other section's, for the planner
    review.send_back(REPORT_REVIEW, sent_back, approver_user, sent_back.version, "出典を確認")
    client.force_login(planner_user)
    with django_assert_max_num_queries(14):  # includes saving the session (idle timeout)
        response = client.get(reverse("entry:completeness") + "?year=2024")
    rows = _table_rows(response.content.decode())
    # 未入力, 下書き, 差戻し, 提出済, 承認済, 対象外, 承認率
    # The share is printed like every rate of the product: one decimal, rounded down (1 of 80 → 1.2%).
    assert rows["地域包括ケア推進課"] == ["3", "1", "0", "0", "1", "0", "20.0%"]
    assert rows["子ども・若者支援課"] == ["1", "0", "1", "0", "0", "0", "0.0%"]
    assert rows["所管課未設定"] == ["73", "0", "0", "0", "0", "0", "0.0%"]
    assert rows["合計"] == ["77", "1", "1", "0", "1", "0", "1.2%"]
    # 推進施策1 prints 13 indicators; two of them have reports.
    assert rows["基本目標1－推進施策1　地区で相談を受け止め、つながり続ける仕組み"] == [
        "11",
        "1",
        "0",
        "0",
        "1",
        "0",
        "7.6%",
    ]
    assert rows["基本目標1－推進施策4　予防、健康づくり"][2] == "1"


def test_completeness_query_count_is_constant(client, planner_user, entry_user, section, django_assert_max_num_queries):
    report(entry_user, "G1-M01-V1-A3")
    client.force_login(planner_user)
    with django_assert_max_num_queries(14) as before:  # includes saving the session (idle timeout)
        client.get(reverse("entry:completeness") + "?year=2024")
    for code in ["G1-M01-V3-O1", "G1-M05-V2-A2", "G1-M10-V1-O5"]:
        indicator = Indicator.objects.get(code=code)
        save_report(
            indicator=indicator,
            fiscal_year=YEAR,
            user=entry_user,
            values={series.key: SeriesValue(Decimal(1)) for series in indicator.series.all()},
            expected_version=None,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("entry:completeness") + "?year=2024")


def test_deferred_year_counts_as_not_due(client, planner_user):
    # 認知症高齢者グループホームの新規整備数: 令和9年度 is left to 第10期 (both 整備数 and 累計整備数).
    client.force_login(planner_user)
    page = client.get(reverse("entry:completeness") + "?year=2027").content.decode()
    assert _table_rows(page)["基本目標1－推進施策5　住まい"][5] != "0"


# --- overdue ---------------------------------------------------------------------------------------------------------


def test_overdue_lists_outstanding_items_by_section_after_the_deadline(
    client, planner_user, entry_user, approver_user, section, other_section
):
    done = report(entry_user, "G1-M01-V1-A3", submit=True)
    sent_back = report(entry_user, "G1-M01-V3-O1", "13.0", submit=True)
    review.send_back(REPORT_REVIEW, sent_back, approver_user, sent_back.version, "出典を確認")
    client.force_login(planner_user)
    with time_machine.travel(datetime.datetime(2025, 7, 1, 9), tick=False):
        page = client.get(reverse("entry:overdue") + "?year=2024").content.decode()
    assert "<h1>期限超過　令和6年度（2024年度）</h1>" in page
    assert "地域包括ケア推進課（4件）" in page and "子ども・若者支援課（2件）" in page
    assert "孤立していると思われる区民の割合" in page  # returned
    assert "研修の実施及び動画公開" not in page  # submitted is with the approver, not overdue
    assert done.status == Report.Status.SUBMITTED
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9), tick=False):
        page = client.get(reverse("entry:overdue") + "?year=2024").content.decode()
    assert "<h1>未提出　令和6年度（2024年度）</h1>" in page and "期限前です" in page


# --- bulk assignment -------------------------------------------------------------------------------------------------


def test_bulk_assignment_moves_the_chosen_indicators_and_logs_them(client, planner_user, section, other_section):
    client.force_login(planner_user)
    codes = ["G1-M03-V1-A1", "G1-M03-V1-A2", "G1-M01-V1-A3"]
    assert Indicator.objects.filter(code__in=codes[:2], section__isnull=True).count() == 2
    response = client.post(reverse("entry:assign"), {"indicators": codes, "section": other_section.pk}, follow=True)
    assert "3件の指標を「子ども・若者支援課」に割り当てました。" in response.content.decode()
    assert set(Indicator.objects.filter(section=other_section).values_list("code", flat=True)) >= set(codes)
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGN_SECTION)
    assert {(entry.object_repr.split()[0], tuple(entry.changes["所管課"]), entry.user) for entry in logged} == {
        ("G1-M03-V1-A1", (None, "子ども・若者支援課"), planner_user),
        ("G1-M03-V1-A2", (None, "子ども・若者支援課"), planner_user),
        ("G1-M01-V1-A3", ("地域包括ケア推進課", "子ども・若者支援課"), planner_user),
    }
    # Again: nothing moves, nothing is logged twice.
    response = client.post(reverse("entry:assign"), {"indicators": codes, "section": other_section.pk}, follow=True)
    assert "0件の指標を" in response.content.decode() and "3件はすでにこの所管課でした" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGN_SECTION).count() == 3


@pytest.mark.parametrize(
    "data, message",
    [
        ({"section": "SECTION"}, "割り当てる指標を一つ以上選んでください。"),
        ({"indicators": ["G1-M03-V1-A1"]}, "割り当てる所管課を選んでください。"),
        ({"indicators": ["G9-M99-V9-A9"], "section": "SECTION"}, "選んだ指標（G9-M99-V9-A9）が見つかりません。"),
        ({"indicators": ["G1-M03-V1-A1"], "section": "999999"}, "選んだ所管課が見つかりません。"),
        ({"indicators": ["G1-M03-V1-A1"], "section": "abc"}, "選んだ所管課が見つかりません。"),
    ],
)
def test_bulk_assignment_refuses_bad_input(client, planner_user, section, data, message):
    client.force_login(planner_user)
    if data.get("section") == "SECTION":
        data = {**data, "section": section.pk}
    response = client.post(reverse("entry:assign"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Indicator.objects.filter(code="G1-M03-V1-A1", section__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGN_SECTION).exists()


def test_assignment_page_filters_by_measure_and_section(client, planner_user, section):
    client.force_login(planner_user)
    measure = Indicator.objects.get(code="G1-M03-V1-A1").vision.measure
    page = client.get(reverse("entry:assign"), {"measure": measure.pk}).content.decode()
    assert "G1-M03-V1-A1" in page and "G1-M01-V1-A3" not in page
    page = client.get(reverse("entry:assign"), {"section": section.pk}).content.decode()
    assert "G1-M01-V1-A3" in page and "G1-M03-V1-A1" not in page
    page = client.get(reverse("entry:assign"), {"section": "none", "measure": "x"}).content.decode()
    assert "条件に合う指標はありません" in page
    for odd in ["²", "-1", "1.5", "99999999999999999999999"]:
        assert client.get(reverse("entry:assign"), {"section": odd, "measure": odd}).status_code == 200
    assert Section.objects.count() == 2


def _table_rows(page: str) -> dict[str, list[str]]:
    """Row header → cell texts of every table row on the page."""
    rows = {}
    for header, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page, re.S):
        name = re.sub(r"<[^>]+>", "", header).strip()
        rows[name] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
    return rows

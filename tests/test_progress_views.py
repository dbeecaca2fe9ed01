"""/progress/: dashboard, indicator list and its exports, measure and indicator pages, annual report, settings and
confirmed baselines — for every role, with wrong methods and real-looking bad input. Actuals come from the workflow.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from bench.plan_data import approve, multiply_plan
from indicators.models import (
    ConfirmedBaseline,
    GradingScheme,
    ImplementationPlanItem,
    Indicator,
    Report,
)
from measures.models import Goal, Measure, Vision
from setagaya_plan.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("after_the_2024_deadline")]

TRAINING = "G1-M01-V1-A3"  # 推進施策1 行動量3 研修: １回 → ５回 (owned by the section under test)
ISOLATED = "G1-M01-V3-O1"  # 孤立していると思われる区民の割合 13.8% → 13.5% …, aims down (section's)
WEB_MAP = "G1-M02-V1-A2"  # 在宅療養資源マップのWeb運用: 一部運用 … (section's)
VISITS = "G1-M01-V4-A2"  # 地域資源開発における団体訪問件数, 【再掲】 in 推進施策9 as 行動量3
TEENS = "G1-M09-V1-A1"  # ティーンズプロジェクトの実施回数 (other section's)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


@pytest.fixture
def needs_attention(entry_user, approver_user):
    """研修 3回 of 5 in 令和6年度: 60% → 未達成, approved by the section's approver."""
    return approve(
        indicator(TRAINING),
        2024,
        entry_user,
        {"": 3},
        factor_analysis="講師の確保が遅れ、3回にとどまった。",
        next_steps="年度当初に講師を確保する。",
        comment="回数は研修記録で確認済み（庁内メモ）",
        approver=approver_user,
    )


READ_ONLY_URLS = [
    ("progress:dashboard", []),
    ("progress:indicator_list", []),
    ("progress:measure", [1, 1]),
    ("progress:indicator", [TRAINING]),
    ("progress:report", [2024]),
    ("progress:report_xlsx", [2024]),
    ("progress:indicator_export", ["csv"]),
]


@pytest.mark.parametrize("name, args", READ_ONLY_URLS)
def test_read_pages_need_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["entry", "approver", "viewer", "planner", "other_entry"])
@pytest.mark.parametrize("name, args", READ_ONLY_URLS)
def test_every_logged_in_role_reads_progress(client, log_in_as, role, name, args):
    log_in_as(role)
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("name, args", READ_ONLY_URLS)
def test_read_pages_refuse_post(client, planner_user, name, args):
    client.force_login(planner_user)
    assert client.post(reverse(name, args=args)).status_code == 405


# The dashboard's queries: the session and user (2, and 3 to save the session), the plan's years and footer (2),
# the user's roles, the scheme (2), the year's setting, the measures, the goals with their number of 推進施策, and
# from the stored grades the counts per 推進施策 and 再掲 and the flagged indicators (2). A plan too large for one
# page counts the plan's total in one more (overview.dashboard_goals).
DASHBOARD_QUERIES = 15


def test_dashboard_flags_the_indicator_needing_attention_and_links_to_the_measure(client, viewer_user, needs_attention):
    client.force_login(viewer_user)
    page = client.get(reverse("progress:dashboard"), {"year": 2024}).content.decode()
    assert "進捗状況　令和6年度（2024年度）" in page
    assert "推進施策1　地区で相談を受け止め、つながり続ける仕組み" in page
    measure_url = reverse("progress:measure", args=[1, 1])
    assert f'href="{measure_url}?year=2024#ind-{TRAINING}"' in page
    assert "地域包括ケアの地区展開に関する研修の実施及び動画公開" in page and "未達成" in page
    assert "基本目標2の推進施策はまだ登録されていません" not in page  # wording of the goal section
    assert "この基本目標の推進施策はまだ登録されていません" in page


def test_dashboard_counts_per_measure(client, planner_user, needs_attention):
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": 2024})
    goal1 = response.context["goals"][0]
    row = goal1["rows"][0]
    assert row.measure.number == 1
    assert row.tally.total == 13  # 推進施策1 prints 13 indicators
    assert row.level_counts == [0, 0, 1]  # 達成, 概ね達成, 未達成
    assert (row.tally.complete, row.tally.due) == (1, 13)
    assert [grade.indicator.code for grade in row.flagged] == [TRAINING]
    assert row.tally.attention == 1 and row.verdict == "behind"  # its one graded indicator needs attention
    assert response.context["total"].total == 80


def test_dashboard_gives_each_measure_a_verdict_in_words_and_symbol(client, planner_user, needs_attention):
    # A met one beside the one needing attention: ティーンズプロジェクト 133 → 140 (推進施策9).
    approve(indicator(TEENS), 2024, planner_user, {"": 140}, approver=needs_attention.approved_by)
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": 2024})
    rows = {row.measure.number: row for row in response.context["goals"][0]["rows"]}
    assert (rows[1].badge.icon, rows[1].badge.label) == ("×", "遅れ")
    assert (rows[9].badge.icon, rows[9].badge.label) == ("◎", "順調")
    assert (rows[2].badge.icon, rows[2].badge.label) == ("－", "評価前")
    page = response.content.decode()
    assert '<span class="grade__icon" aria-hidden="true">×</span>遅れ</span>' in page
    # The flagged indicators are folded to their count and open on demand.
    assert '<details class="attention">' in page and "注意 1件" in page


def test_dashboard_sorts_worst_first_and_shows_only_shortfalls_on_request(client, planner_user, needs_attention):
    approve(indicator(TEENS), 2024, planner_user, {"": 140}, approver=needs_attention.approved_by)
    client.force_login(planner_user)
    url = reverse("progress:dashboard")

    def numbers(**params):
        response = client.get(url, {"year": 2024, **params})
        assert response.status_code == 200
        return [row.measure.number for row in response.context["goals"][0]["rows"]]

    assert numbers() == list(range(1, 11))
    assert numbers(sort="shortfall")[0] == 1  # the one with every graded indicator needing attention
    assert numbers(sort="shortfall")[1:] == [2, 3, 4, 5, 6, 7, 8, 9, 10]  # the rest keep the plan's order
    assert numbers(show="shortfall") == [1]
    assert numbers(sort="worst", show="some") == list(range(1, 11))  # bad values: the default, said so
    page = client.get(url, {"sort": "worst"}).content.decode()
    assert "並び順は一覧から選んでください。" in page


def test_dashboard_queries_do_not_grow_with_the_plan(client, planner_user, django_assert_max_num_queries):
    client.force_login(planner_user)
    url = reverse("progress:dashboard") + "?year=2024"
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(url)
    multiply_plan(3)
    with django_assert_max_num_queries(DASHBOARD_QUERIES + 1):
        response = client.get(url)
    assert len(response.context["pages"]) > 1
    assert response.context["total"].total == 240


@pytest.mark.parametrize("typed", ["abc", "1999", "2026", "²", "-1", "9" * 20])
def test_dashboard_refuses_a_bad_year_with_a_message(client, planner_user, typed):
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": typed})
    assert response.status_code == 200
    assert response.context["year"] == 2024  # the default: the last fiscal year that has ended
    assert "は選べないため、令和6年度（2024年度）を表示しています。" in response.content.decode()


@pytest.mark.parametrize("typed", ["", "２０２４", "令和6年度"])
def test_dashboard_reads_a_year_as_people_write_it(client, planner_user, typed):
    client.force_login(planner_user)
    response = client.get(reverse("progress:dashboard"), {"year": typed})
    assert response.context["year"] == 2024
    assert "選べないため" not in response.content.decode()


def test_unapproved_actuals_show_as_provisional_to_their_section_only(client, entry_user, other_entry_user):
    approve(indicator(TRAINING), 2024, entry_user, {"": 4}, submit=False)  # a draft
    client.force_login(entry_user)
    page = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024}).content.decode()
    assert '<span class="provisional">（暫定）</span>' in page and '<span class="actual">4回</span>' in page
    client.force_login(other_entry_user)
    page = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024}).content.decode()
    assert 'class="provisional"' not in page and '<span class="actual">4回</span>' not in page


# --- indicator list ------------------------------------------------------------------------------------------


def codes(response) -> list[str]:
    """Every filtered indicator, on every page, in the table's order."""
    return [indicator.code for indicator in response.context["indicators"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"measure_code": "9"}, None),  # unknown parameters are ignored
        ({"kind": "outcome", "q": "孤立"}, [ISOLATED]),
        ({"q": "G1-M09-V1-A1"}, [TEENS]),
        ({"q": "ティーンズ"}, [TEENS]),
    ],
)
def test_indicator_list_filters(client, planner_user, params, expected):
    client.force_login(planner_user)
    response = client.get(reverse("progress:indicator_list"), {"year": 2024, **params})
    assert response.status_code == 200
    if expected is None:
        assert len(codes(response)) == 80
    else:
        assert codes(response) == expected


def test_indicator_list_filters_by_plan_place_section_and_plan_item(client, planner_user, section):
    client.force_login(planner_user)
    url = reverse("progress:indicator_list")
    measure9 = Measure.objects.get(goal__number=1, number=9)
    listed = codes(client.get(url, {"measure": measure9.pk}))
    assert VISITS in listed and TEENS in listed  # 【再掲】 counts where it is printed
    vision = Vision.objects.get(measure__goal__number=1, measure__number=1, number=3)
    assert codes(client.get(url, {"vision": vision.pk})) == ["G1-M01-V3-A2", "G1-M01-V3-O1", "G1-M01-V3-O2"]
    assert len(codes(client.get(url, {"goal": Goal.objects.get(number=1).pk}))) == 80
    assert sorted(codes(client.get(url, {"section": section.pk}))) == sorted(
        ["G1-M01-V1-A3", "G1-M01-V3-O1", "G1-M02-V1-A2", "G1-M10-V1-O5", "G1-M05-V2-A2"]
    )
    item = ImplementationPlanItem.objects.get(code="9-1")
    assert all(code.startswith("G1-M05") for code in codes(client.get(url, {"plan_item": item.pk})))


def test_indicator_list_filters_by_grade(client, planner_user, needs_attention):
    client.force_login(planner_user)
    url = reverse("progress:indicator_list")
    assert codes(client.get(url, {"year": 2024, "grade": "attention"})) == [TRAINING]
    assert codes(client.get(url, {"year": 2024, "grade": "not_met"})) == [TRAINING]
    assert TRAINING not in codes(client.get(url, {"year": 2024, "grade": "missing"}))
    assert codes(client.get(url, {"year": 2024, "grade": "met"})) == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"measure": "abc"}, "正しく選択してください"),
        ({"measure": "999999"}, "正しく選択してください"),
        ({"grade": "excellent"}, "正しく選択してください"),
        ({"kind": "both"}, "正しく選択してください"),
        ({"q": "あ" * 101}, "100 文字以下"),
    ],
)
def test_indicator_list_explains_bad_filters(client, planner_user, params, message):
    client.force_login(planner_user)
    response = client.get(reverse("progress:indicator_list"), params)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "該当する条件は適用していません" in page


@pytest.mark.parametrize("typed", ["1999", "²", "9" * 20, "%00"])
def test_indicator_list_falls_back_from_a_bad_year(client, planner_user, typed):
    client.force_login(planner_user)
    response = client.get(reverse("progress:indicator_list"), {"year": typed})
    assert response.status_code == 200 and response.context["year"] == 2024
    assert "は選べないため、令和6年度（2024年度）を表示しています。" in response.content.decode()


def test_indicator_list_sorts_and_paginates(client, planner_user, needs_attention):
    client.force_login(planner_user)
    url = reverse("progress:indicator_list")
    response = client.get(url, {"year": 2024, "sort": "-grade"})
    table = response.context["table"]
    assert table.paginator.num_pages == 2 and len(table.page.object_list) == 50
    first = client.get(url, {"year": 2024, "sort": "grade"}).context["table"].page.object_list[0]
    assert first.record.code == TRAINING  # 未達成 is the only grade given: it sorts before every status
    for column in ["code", "name", "unit", "baseline", "target", "actual", "achievement", "progress", "section"]:
        assert client.get(url, {"sort": column}).status_code == 200
    page = client.get(url, {"year": 2024, "sort": "achievement"}).content.decode()
    assert 'aria-sort="ascending"' in page and "（昇順）" in page
    assert client.get(url, {"page": "abc"}).status_code == 200
    assert client.get(url, {"page": "999"}).status_code == 200


def test_csv_export_has_the_filtered_rows_with_bom_and_escaped_formulas(client, planner_user, entry_user):
    approve(indicator(WEB_MAP), 2024, entry_user, {"": '=HYPERLINK("http://evil")'}, self_grade="met")
    client.force_login(planner_user)
    response = client.get(reverse("progress:indicator_export", args=["csv"]), {"year": 2024, "measure": ""})
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["コード", "基本目標", "推進施策"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[WEB_MAP][header.index("実績（承認済）")] == '\'=HYPERLINK("http://evil")'
    assert by_code[WEB_MAP][header.index("評価")] == "◎達成"  # the badge's text, as in the workbook
    assert {"G1-M10-V1-O5/a", "G1-M10-V1-O5/b"} <= set(by_code)  # one line per part
    filtered = client.get(reverse("progress:indicator_export", args=["csv"]), {"year": 2024, "q": "ティーンズ"})
    lines = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == [TEENS]


def test_xlsx_export_opens_in_excel_with_numbers_as_numbers(client, planner_user, needs_attention):
    client.force_login(planner_user)
    response = client.get(reverse("progress:indicator_export", args=["xlsx"]), {"year": 2024, "grade": "attention"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[0] == TRAINING and sheet.max_row == 2
    assert row[header.index("実績（承認済）")] == 3 and row[header.index("達成率（％）")] == 60
    assert row[header.index("評価")] == "×未達成"
    assert sheet.cell(row=2, column=header.index("評価") + 1).fill.fgColor.rgb.endswith("FFDADA")
    assert sheet.freeze_panes == "B2"


def test_export_of_an_unknown_format_is_404(client, planner_user):
    client.force_login(planner_user)
    assert client.get(reverse("progress:indicator_export", args=["pdf"])).status_code == 404


# --- measure and indicator pages -----------------------------------------------------------------------------


def test_measure_page_is_laid_out_as_printed_with_actual_and_grade(client, viewer_user, needs_attention):
    client.force_login(viewer_user)
    page = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024}).content.decode()
    assert "推進施策1　地区で相談を受け止め、つながり続ける仕組み" in page
    for heading in [
        "めざす姿",
        "現状やこれまでの取組み",
        "今後の課題",
        "取組みの方向性",
        "めざす姿の実現に向けた主な取組み",
    ]:
        assert heading in page
    assert "■取組みの行動量■" in page and "■取組みの成果指標■" in page
    assert '令和6年度<br><span class="small">（2024年度）</span>' in page
    # The statistics table inside 現状: 【「福祉の相談窓口」相談件数】
    assert "<caption>「福祉の相談窓口」相談件数</caption>" in page
    # Under the target 5回: the approved 3回 and its grade.
    assert "3回" in page and "達成率 60.0%" in page and "未達成" in page
    assert f'id="ind-{TRAINING}"' in page


def test_measure_page_shows_the_years_results_before_the_plan_text(client, viewer_user, needs_attention):
    client.force_login(viewer_user)
    page = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024}).content.decode()
    summary = page.index("令和6年度（2024年度）の評価")
    results = page.index("めざす姿ごとの目標と令和6年度（2024年度）の実績")
    first_table = page.index("■取組みの行動量■")
    plan_text = page.index('<h2 id="plan-text-heading">計画の内容</h2>')
    assert summary < results < first_table < page.index("達成率 60.0%") < plan_text
    # The plan's text follows, folded per めざす姿.
    assert page.index("現状やこれまでの取組み") > plan_text
    visions = Vision.objects.filter(measure__goal__number=1, measure__number=1).count()
    assert page.count('<details class="plan-text__vision">') == visions


def test_relisted_indicator_appears_in_both_measures(client, viewer_user):
    client.force_login(viewer_user)
    own = client.get(reverse("progress:measure", args=[1, 1])).content.decode()
    relisted = client.get(reverse("progress:measure", args=[1, 9])).content.decode()
    link = reverse("progress:indicator", args=[VISITS])
    assert link in own and link in relisted
    assert "【再掲】" in relisted and "（基本目標1－推進施策1 めざす姿4の指標を再掲）" in relisted


def test_unknown_measure_is_404(client, viewer_user):
    client.force_login(viewer_user)
    assert client.get(reverse("progress:measure", args=[1, 99])).status_code == 404
    assert client.get(reverse("progress:measure", args=[3, 1])).status_code == 404


def test_indicator_page_shows_targets_actuals_chart_and_analysis(client, planner_user, needs_attention):
    client.force_login(planner_user)
    page = client.get(reverse("progress:indicator", args=[TRAINING])).content.decode()
    assert "地域包括ケアの地区展開に関する研修の実施及び動画公開" in page
    assert "<svg" in page and "目標（線）と実績（棒）" in page
    assert "講師の確保が遅れ、3回にとどまった。" in page and "年度当初に講師を確保する。" in page
    assert "回数は研修記録で確認済み（庁内メモ）" in page  # planners read internal comments
    assert "staff_a" in page and "approver_a" in page  # history with who did what
    assert "<td>令和6年度（2024年度）</td>" in page  # the history's year column names the year as every page does
    assert "60.0%" in page and "50.0%" in page  # 達成率 3/5, 進捗率 (3−1)/(5−1)


def test_indicator_page_hides_section_details_from_other_sections(client, other_entry_user, needs_attention):
    client.force_login(other_entry_user)
    page = client.get(reverse("progress:indicator", args=[TRAINING])).content.decode()
    assert "講師の確保が遅れ、3回にとどまった。" in page  # approved analysis is shared
    assert "庁内メモ" not in page and "staff_a" not in page
    assert "所管課と計画担当が確認できます" in page


def test_indicator_page_of_a_downward_and_a_text_indicator(client, viewer_user):
    client.force_login(viewer_user)
    down = client.get(reverse("progress:indicator", args=[ISOLATED])).content.decode()
    assert "減少をめざす指標です。" in down and "値が小さいほどよい" in down
    assert "※他者の支援状況から見た孤立。" in down
    text = client.get(reverse("progress:indicator", args=[WEB_MAP])).content.decode()
    assert "一部運用" in text and "全面運用" in text and "文章の目標のため、グラフはありません。" in text
    assert "【実施計画 施策９－３】" in text  # as the plan prints it, on every page and in the workbook
    relisted = client.get(reverse("progress:indicator", args=[VISITS])).content.decode()
    assert "推進施策1" in relisted and "推進施策9" in relisted and "【再掲】" in relisted


def test_unknown_indicator_is_404(client, viewer_user):
    client.force_login(viewer_user)
    assert client.get(reverse("progress:indicator", args=["G9-M99-V9-A9"])).status_code == 404


# --- annual report ---------------------------------------------------------------------------------------------


def test_annual_report_prints_every_measure(client, viewer_user, needs_attention):
    client.force_login(viewer_user)
    page = client.get(reverse("progress:report", args=[2024])).content.decode()
    assert "進捗状況報告" in page and "令和6年度（2024年度）" in page
    assert page.count('class="report__measure"') == 10
    assert "A4横向き" in page


def test_annual_report_prints_the_factor_analysis_and_next_steps_of_approved_actuals(
    client, viewer_user, needs_attention, entry_user
):
    # Submitted but not approved: not part of the official report.
    approve(
        indicator(ISOLATED), 2024, entry_user, {"": Decimal("14.0")}, factor_analysis="承認前の分析", approve_it=False
    )
    client.force_login(viewer_user)
    page = client.get(reverse("progress:report", args=[2024])).content.decode()
    section = page[
        page.index('aria-labelledby="measure-') : page.index('aria-labelledby="measure-', page.index("めざす姿") + 1)
    ]
    assert "令和6年度（2024年度）の要因分析と今後の方向性" in section
    assert "行動量3　地域包括ケアの地区展開に関する研修の実施及び動画公開" in section
    assert "講師の確保が遅れ、3回にとどまった。" in section and "年度当初に講師を確保する。" in section
    assert "承認前の分析" not in page
    assert "回数は研修記録で確認済み" not in page  # the internal comment stays internal


def test_out_of_range_progress_rates_are_marked_and_explained(client, viewer_user, entry_user, approver_user):
    # 孤立していると思われる区民の割合: 現況値 13.8% → 目標 13.5%; 40.2% is a 進捗率 of −8,800 %.
    approve(indicator(ISOLATED), 2024, entry_user, {"": Decimal("40.2")}, approver=approver_user)
    client.force_login(viewer_user)
    listing = client.get(reverse("progress:indicator_list"), {"year": 2024, "q": ISOLATED}).content.decode()
    detail = client.get(reverse("progress:indicator", args=[ISOLATED]), {"year": 2024}).content.decode()
    for page in (listing, detail):
        assert '<td class="col-rate num">範囲外</td>' in page or '<td class="num">範囲外</td>' in page
        assert "-8,800" not in page
        assert "進捗率が−100%未満または200%を超えるときは「範囲外」と示します" in page
        assert "達成率＝実績÷目標" in page


@pytest.mark.parametrize("year", [2023, 2032])
def test_annual_report_outside_the_plan_is_404(client, viewer_user, year):
    client.force_login(viewer_user)
    assert client.get(reverse("progress:report", args=[year])).status_code == 404
    assert client.get(reverse("progress:report_xlsx", args=[year])).status_code == 404


# --- planners' settings --------------------------------------------------------------------------------------

PLANNER_ONLY = [("progress:settings", []), ("progress:baseline", [TRAINING])]


def settings_log():
    """The audit entries of the evaluation settings (schemes, thresholds, confirmed baselines)."""
    return AuditEntry.objects.filter(action__in=["activate", "thresholds", "install", "baseline"])


@pytest.mark.parametrize("name, args", PLANNER_ONLY)
@pytest.mark.parametrize("role", ["entry", "approver", "viewer", "other_entry"])
def test_settings_and_baselines_are_for_planners(client, log_in_as, role, name, args):
    log_in_as(role)
    assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse(name, args=args), {"action": "activate"}).status_code == 403
    assert not settings_log().exists() and not ConfirmedBaseline.objects.exists()


@pytest.mark.parametrize("name, args", PLANNER_ONLY)
def test_settings_and_baselines_need_login(client, name, args):
    assert client.get(reverse(name, args=args)).status_code == 302


def test_planner_switches_the_scheme(client, planner_user, needs_attention):
    client.force_login(planner_user)
    pace = GradingScheme.objects.get(code="pace")
    response = client.post(reverse("progress:settings"), {"action": "activate", "scheme": pace.pk, "reason": "試行"})
    assert response.status_code == 302
    assert GradingScheme.objects.get(is_active=True) == pace
    change = settings_log().get()
    assert (
        change.changes == {"使用中の評価方式": ["標準（達成・概ね達成・未達成）", pace.name]}
        and change.user == planner_user
    )
    page = client.get(reverse("progress:measure", args=[1, 1]), {"year": 2024}).content.decode()
    # 研修 3 of the 5 expected on the line from 0 to 20: 60% → やや遅れている
    assert "やや遅れている" in page and "進み具合 60.0%" in page


def test_planner_changes_thresholds_and_tolerance(client, planner_user):
    client.force_login(planner_user)
    default = GradingScheme.objects.get(code="default")
    prefix = f"s{default.pk}"
    response = client.post(
        reverse("progress:settings"),
        {
            "action": "thresholds",
            "scheme": default.pk,
            f"{prefix}-level_met": "１００％",
            f"{prefix}-level_mostly": "90",
            f"{prefix}-tolerance": "2.5",
            f"{prefix}-reason": "区の基準に合わせる",
        },
    )
    assert response.status_code == 302
    assert [level.min_rate for level in default.levels.all()] == [Decimal(100), Decimal(90), None]
    default.refresh_from_db()
    assert default.survey_tolerance == Decimal("2.5")
    assert settings_log().get().comment == "区の基準に合わせる"


@pytest.mark.parametrize(
    "met, mostly, tolerance, message",
    [
        ("abc", "80", "3", "数値で入力してください"),
        ("", "80", "3", "このフィールドは必須です"),
        ("100", "80.55", "3", "小数点以下1桁まで"),
        ("100", "80", "-1", "マイナスの値は入力できません"),
        ("1200.5", "80", "3", "1000以下"),
        ("80", "90", "3", "より小さくしてください"),
        ("100", "100", "3", "より小さくしてください"),
        ("100", "80", "60", "50ポイント以下"),
        ("100", "80", "=1+1", "数値から始めてください"),
    ],
)
def test_bad_thresholds_are_refused_beside_the_field(client, planner_user, met, mostly, tolerance, message):
    client.force_login(planner_user)
    default = GradingScheme.objects.get(code="default")
    prefix = f"s{default.pk}"
    response = client.post(
        reverse("progress:settings"),
        {
            "action": "thresholds",
            "scheme": default.pk,
            f"{prefix}-level_met": met,
            f"{prefix}-level_mostly": mostly,
            f"{prefix}-tolerance": tolerance,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert 'aria-invalid="true"' in page and "-error" in page
    assert [level.min_rate for level in default.levels.all()] == [Decimal(100), Decimal(80), None]
    assert not settings_log().exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "activate", "scheme": "999999"},
        {"action": "activate"},
        {"action": "activate", "scheme": "abc"},
    ],
)
def test_bad_scheme_choice_is_refused(client, planner_user, data):
    client.force_login(planner_user)
    response = client.post(reverse("progress:settings"), data)
    assert response.status_code == 400
    assert GradingScheme.objects.get(is_active=True).code == "default"
    assert not settings_log().exists()


@pytest.mark.parametrize("data", [{"action": "drop"}, {}, {"action": "thresholds", "scheme": "999"}])
def test_unknown_settings_action_says_so(client, planner_user, data):
    client.force_login(planner_user)
    response = client.post(reverse("progress:settings"), data, follow=True)
    assert "画面を開き直してください" in response.content.decode()
    assert not settings_log().exists()


def test_settings_reinstall_the_shipped_schemes_when_none_are_stored(client, planner_user):
    AuditEntry.objects.all().delete()
    GradingScheme.objects.all().delete()
    client.force_login(planner_user)
    assert "標準の評価方式を登録する" in client.get(reverse("progress:settings")).content.decode()
    client.post(reverse("progress:settings"), {"action": "install"})
    assert GradingScheme.objects.filter(is_active=True).get().code == "default"


# --- confirmed baselines ---------------------------------------------------------------------------------------


def test_planner_records_a_confirmed_baseline(client, planner_user, needs_attention):
    client.force_login(planner_user)
    url = reverse("progress:baseline", args=[TRAINING])
    assert "確定した現況値" in client.get(url).content.decode()
    response = client.post(
        url, {"series": "main", "value": "２回", "note": "令和5年度実績（確定値）", "reason": "決算で確定"}, follow=True
    )
    page = response.content.decode()
    assert "確定した現況値を記録しました。" in page
    assert "評価の変わった年度はありません。" in page  # 3 of 5 stays 未達成; 進捗率 (3−2)/(5−2)
    assert "33.3%" in page
    confirmed = ConfirmedBaseline.objects.get()
    logged = settings_log().get()
    assert (confirmed.value, logged.changes["現況値"], logged.user) == (Decimal(2), ["1", "2"], planner_user)
    assert logged.comment == "決算で確定" and "決算で確定" in page  # on the indicator's history


@pytest.mark.parametrize(
    "code, data, message",
    [
        (TRAINING, {"value": "abc"}, "数値で入力してください"),
        (TRAINING, {"value": ""}, "このフィールドは必須です"),
        (TRAINING, {"value": "-3"}, "マイナスの値は入力できません"),
        (TRAINING, {"value": "1.5"}, "「回」の数は整数で入力してください"),
        (TRAINING, {"value": "123456789012345"}, "桁数が多すぎます"),
        (TRAINING, {"value": "3人"}, "単位「人」はこの指標では使えません"),
        (TRAINING, {"value": "1,2,3"}, "桁区切りのカンマの位置"),
        (ISOLATED, {"value": "120%"}, "0から100までの値"),
        (TRAINING, {"value": "2", "reason": "   "}, "理由を入力してください"),
        (TRAINING, {"value": "2", "series": "z"}, "系列は一覧から選んでください"),
        (TRAINING, {"value": "2", "note": "あ" * 101}, "100 文字以下"),
    ],
)
def test_bad_confirmed_baseline_is_refused_and_nothing_is_written(client, planner_user, code, data, message):
    client.force_login(planner_user)
    form = {"series": "main", "value": "2", "note": "令和5年度実績", "reason": "決算で確定", **data}
    response = client.post(reverse("progress:baseline", args=[code]), form)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert not ConfirmedBaseline.objects.exists()


def test_baseline_of_an_unknown_indicator_is_404(client, planner_user):
    client.force_login(planner_user)
    assert client.get(reverse("progress:baseline", args=["G9-M99-V9-A9"])).status_code == 404


def test_reports_stay_unchanged_by_progress_pages(client, planner_user, needs_attention):
    client.force_login(planner_user)
    before = list(Report.objects.values_list("pk", "version", "status"))
    for name, args in READ_ONLY_URLS:
        client.get(reverse(name, args=args))
    assert list(Report.objects.values_list("pk", "version", "status")) == before

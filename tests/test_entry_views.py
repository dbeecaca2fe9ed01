"""The entry screens through the test client: my indicators, one indicator × year, review and reopening.

Targets and baselines asserted here were read from the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月,
第4章第1節): 研修の実施及び動画公開 現況値１回・令和６年度５回; 孤立していると思われる区民の割合 13.8% → 13.5%;
個別避難計画作成数 a)６0件 b)640件; 在宅療養資源マップのWeb運用 一部運用; 重度障害者向けグループホームの
新規施設整備数 整備数 2箇所 (令和６年度).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from indicators.entry import proposals
from indicators.entry.proposals import Proposal
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

YEAR = 2024
TRAINING = "G1-M01-V1-A3"  # 地域包括ケアの地区展開に関する研修の実施及び動画公開（回）
ISOLATION = "G1-M01-V3-O1"  # 孤立していると思われる区民の割合（%、減少をめざす）
MAP = "G1-M02-V1-A2"  # 在宅療養資源マップのWeb運用（文章の目標）
EVACUATION = "G1-M10-V1-O5"  # 個別避難計画作成数 a)/b)
HOMES = "G1-M05-V2-A2"  # 重度障害者向けグループホームの新規施設整備数 整備数 / 累計整備数


def url(code, year=YEAR):
    return reverse("entry:indicator", args=[code, year])


def field(code, key=""):
    return f"actual_{Indicator.objects.get(code=code).series.get(key=key).pk}"


def post(client, code, values, action="save", version=0, **texts):
    data = {"version": version, "action": action, **texts}
    data.update({field(code, key): raw for key, raw in values.items()})
    return client.post(url(code), data)


def report_of(code, year=YEAR):
    return Report.objects.filter(indicator__code=code, fiscal_year=year).first()


# --- My indicators ------------------------------------------------------------------------------------------------


def test_my_indicators_lists_the_sections_indicators_by_measure(client, entry_user, section, other_section):
    client.force_login(entry_user)
    page = client.get(reverse("entry:my_indicators") + "?year=2024").content.decode()
    assert "実績入力　令和6年度（2024年度）" in page
    assert "地域包括ケア推進課（入力担当）" in page
    assert "基本目標1－推進施策1　地区で相談を受け止め、つながり続ける仕組み" in page
    assert "基本目標1－推進施策10　防犯・防災" in page
    for name in ["地域包括ケアの地区展開に関する研修の実施及び動画公開", "孤立していると思われる区民の割合"]:
        assert name in page
    assert "ティーンズプロジェクトの実施回数" not in page  # another section's
    assert ">5回<" in page and ">13.5%<" in page and "一部運用" in page
    assert "a) 多摩川洪水浸水想定区域内：</span>60件" in page
    assert "b) 多摩川洪水浸水想定区域以外：</span>640件" in page
    assert "提出期限：<strong>2025年6月30日</strong>" in page


@pytest.mark.parametrize(
    "today, expected",
    [
        (datetime.datetime(2025, 5, 1, 9), "令和6年度（2024年度）"),  # FY2024 ended on 31 March 2025
        (datetime.datetime(2026, 3, 31, 9), "令和6年度（2024年度）"),  # FY2025 has not ended yet
        (datetime.datetime(2026, 4, 1, 9), "令和7年度（2025年度）"),
        (datetime.datetime(2024, 6, 1, 9), "令和6年度（2024年度）"),  # before any year ended: the plan's first
        (datetime.datetime(2040, 6, 1, 9), "令和13年度（2031年度）"),  # after the plan: its last
    ],
)
def test_default_year_is_the_latest_that_has_ended(client, entry_user, section, today, expected):
    with time_machine.travel(today, tick=False):
        client.force_login(entry_user)
        page = client.get(reverse("entry:my_indicators")).content.decode()
    assert f"<h1>実績入力　{expected}</h1>" in page


@pytest.mark.parametrize("raw", ["abc", "2023", "2032", "²", "1e3", "-2024", "9" * 20, "<b>1</b>"])
def test_a_bad_year_falls_back_with_a_message(client, entry_user, section, raw):
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9), tick=False):
        response = client.get(reverse("entry:my_indicators"), {"year": raw})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["year"] == 2024
    assert "は選べないため、令和6年度（2024年度）を表示しています。" in page
    assert "<b>1</b>" not in page


@pytest.mark.parametrize("raw", ["2025", "２０２５", "令和7年度", "R7", "令和７年度（２０２５年度）"])
def test_a_year_as_people_write_it_is_read(client, entry_user, section, raw):
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9), tick=False):
        response = client.get(reverse("entry:my_indicators"), {"year": raw})
    assert response.context["year"] == 2025
    assert "選べないため" not in response.content.decode()


def test_planner_sees_every_section_and_filters(client, planner_user, section, other_section):
    client.force_login(planner_user)
    page = client.get(reverse("entry:my_indicators") + "?year=2024").content.decode()
    assert "ティーンズプロジェクトの実施回数" in page and "研修の実施及び動画公開" in page
    page = client.get(reverse("entry:my_indicators"), {"year": 2024, "section": other_section.pk}).content.decode()
    assert "ティーンズプロジェクトの実施回数" in page and "研修の実施及び動画公開" not in page
    page = client.get(reverse("entry:my_indicators"), {"year": 2024, "section": "none"}).content.decode()
    assert "ティーンズプロジェクトの実施回数" not in page and "在宅医療・介護連携" not in page


def test_member_cannot_filter_on_another_section(client, entry_user, section, other_section):
    client.force_login(entry_user)
    assert client.get(reverse("entry:my_indicators"), {"section": other_section.pk}).status_code == 404
    assert client.get(reverse("entry:my_indicators"), {"section": "none"}).status_code == 404


def test_user_without_a_section_is_told_why(client, django_user_model, section):
    client.force_login(django_user_model.objects.create_user("newcomer", password="pw"))
    page = client.get(reverse("entry:my_indicators")).content.decode()
    assert "所管課に所属していないため" in page


def test_my_indicators_queries_do_not_grow_with_indicators(
    client, planner_user, entry_user, section, django_assert_max_num_queries
):
    # The planner sees all 80 indicators; some with reports and actuals.
    for code in [TRAINING, ISOLATION]:
        save_report(
            indicator=Indicator.objects.get(code=code),
            fiscal_year=YEAR,
            user=entry_user,
            values={"": SeriesValue(Decimal(5))},
            expected_version=None,
        )
    client.force_login(planner_user)
    # Includes saving the session (idle timeout), the status counts (one GROUP BY) and the work queue across the open
    # years (year settings, the submissions and audit trail of the separation of duties, its counts, its listing and
    # reports); tests/test_entry_paging.py compares the real plan with one ten times larger.
    with django_assert_max_num_queries(21):
        response = client.get(reverse("entry:my_indicators") + "?year=2024")
    assert response.status_code == 200 and response.content.decode().count("/entry/G1-") >= 80


# --- one indicator × year: reading ---------------------------------------------------------------------------------


def test_entry_page_shows_targets_and_labels_naming_indicator_and_year(client, entry_user, section):
    client.force_login(entry_user)
    page = client.get(url(TRAINING)).content.decode()
    label = "地域包括ケアの地区展開に関する研修の実施及び動画公開　令和6年度（2024年度）実績"
    assert f'<label for="id_{field(TRAINING)}">{label}</label>' in page
    assert "<td>1回</td>" in page  # 現況値
    assert "<td>5回</td>" in page  # 目標
    assert "令和6年度（2024年度） 要因分析" in page and "令和6年度（2024年度） 今後の方向性" in page
    assert "保存（下書き）" in page and ">提出<" in page
    assert f'aria-describedby="id_{field(TRAINING)}_helptext"' in page


def test_parts_and_running_totals_get_their_own_labelled_fields(client, entry_user, section):
    client.force_login(entry_user)
    page = client.get(url(EVACUATION)).content.decode()
    assert "個別避難計画作成数　a) 多摩川洪水浸水想定区域内　令和6年度（2024年度）実績" in page
    assert "個別避難計画作成数　b) 多摩川洪水浸水想定区域以外　令和6年度（2024年度）実績" in page
    assert "<td>340件（令和5年度見込み）</td>" in page and "<td>3,200件（令和5年度見込み）</td>" in page
    page = client.get(url(HOMES)).content.decode()
    assert "重度障害者向けグループホームの新規施設整備数　整備数　令和6年度（2024年度）実績" in page
    assert "重度障害者向けグループホームの新規施設整備数　累計整備数　令和6年度（2024年度）実績" in page


def test_text_target_gets_a_text_actual_and_a_self_assessment(client, entry_user, section):
    client.force_login(entry_user)
    page = client.get(url(MAP)).content.decode()
    assert f'<textarea name="{field(MAP)}"' in page
    assert "<legend>令和6年度（2024年度） 自己評価</legend>" in page
    for label in ["達成", "概ね達成", "未達成"]:
        assert label in page
    assert "目標：一部運用。" in page


def test_last_years_actual_is_shown(client, entry_user, section):
    save_report(
        indicator=Indicator.objects.get(code=TRAINING),
        fiscal_year=2024,
        user=entry_user,
        values={"": SeriesValue(Decimal(4))},
        expected_version=None,
    )
    client.force_login(entry_user)
    page = client.get(url(TRAINING, 2025)).content.decode()
    assert "前年度の実績：4回。" in page


# --- saving: the input rule at the field ----------------------------------------------------------------------------

ACCEPTED = [
    (TRAINING, "５", Decimal(5)),
    (TRAINING, " 6 ", Decimal(6)),
    (TRAINING, "６回", Decimal(6)),
    (ISOLATION, "13.25", Decimal("13.25")),
    (ISOLATION, "１３．２％", Decimal("13.2")),
    (ISOLATION, "13.2%", Decimal("13.2")),
    (ISOLATION, "13", Decimal(13)),
]


@pytest.mark.parametrize("code, raw, expected", ACCEPTED, ids=[f"{c}:{r}" for c, r, _ in ACCEPTED])
def test_typed_values_are_saved_normalised(client, entry_user, section, code, raw, expected):
    client.force_login(entry_user)
    response = post(client, code, {"": raw})
    assert response.status_code == 302 and response["Location"] == url(code)
    assert report_of(code).actuals.get().value == expected
    page = client.get(url(code)).content.decode()
    assert "下書きとして保存しました" in page


REFUSED = [
    (TRAINING, "abc", "数値で入力してください"),
    (TRAINING, "五", "数値で入力してください"),
    (TRAINING, "-1", "マイナスの値は入力できません"),
    (TRAINING, "△1", "マイナスの値は入力できません"),
    (TRAINING, "5人", "単位「人」はこの指標では使えません"),
    (TRAINING, "1,00", "桁区切りのカンマの位置が正しくありません"),
    (TRAINING, "4.5", "「回」の数は整数で入力してください"),
    (TRAINING, "1.2.3", "「回」の数は整数で入力してください"),
    (ISOLATION, "1.2.3", "小数点が複数あります"),
    (TRAINING, "=1+1", "数値から始めてください"),
    (TRAINING, "<script>alert(1)</script>", "数値から始めてください"),
    (TRAINING, "9" * 20, "桁数が多すぎます"),
    (ISOLATION, "1.00001", "小数点以下は4桁まで"),
    (ISOLATION, "120%", "割合（%）は0から100までの値で入力してください"),
    (ISOLATION, "１０１", "割合（%）は0から100までの値で入力してください"),
    (ISOLATION, "12件", "単位「件」はこの指標では使えません"),
]


@pytest.mark.parametrize("code, raw, message", REFUSED, ids=[f"{c}:{r[:12]}" for c, r, _ in REFUSED])
def test_bad_values_are_refused_beside_the_field_and_nothing_is_written(
    client, entry_user, section, code, raw, message
):
    client.force_login(entry_user)
    response = post(client, code, {"": raw}, action="save")
    page = response.content.decode()
    assert response.status_code == 200
    name = field(code)
    error = re.search(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    assert re.search(rf'aria-describedby="[^"]*id_{name}_error', tag) and 'aria-invalid="true"' in tag
    assert 'aria-invalid="true"' in page
    assert f'href="#id_{name}"' in page  # the error summary links to the field
    assert "<script>alert(1)</script>" not in page
    assert report_of(code) is None and not AuditEntry.objects.filter(user=entry_user).exists()


def test_typed_text_is_kept_after_an_error(client, entry_user, section):
    client.force_login(entry_user)
    page = post(client, TRAINING, {"": "abc"}, factor_analysis="講師が見つからなかった").content.decode()
    assert 'value="abc"' in page and "講師が見つからなかった" in page


def test_far_off_value_needs_a_confirming_comment(client, entry_user, section):
    client.force_login(entry_user)
    response = post(client, TRAINING, {"": "１６"})  # 16 > 3 × target 5
    page = response.content.decode()
    assert "目標値（5）の3倍を超えています" in page
    assert f'id="id_{field(TRAINING)}_warning"' in page
    assert 'id="id_comment_error"' in page
    assert report_of(TRAINING) is None
    response = post(client, TRAINING, {"": "１６"}, comment="動画公開を回数に含めたため")
    assert response.status_code == 302
    assert report_of(TRAINING).actuals.get().value == 16
    assert report_of(TRAINING).comment == "動画公開を回数に含めたため"


def test_markup_and_formulas_in_texts_are_kept_as_typed_and_shown_escaped(client, entry_user, section):
    client.force_login(entry_user)
    texts = {"factor_analysis": "<b>講師</b>不足", "next_steps": '=HYPERLINK("x")', "comment": "@確認"}
    assert post(client, TRAINING, {"": "5"}, **texts).status_code == 302
    report = report_of(TRAINING)
    assert (report.factor_analysis, report.next_steps, report.comment) == tuple(texts.values())
    page = client.get(url(TRAINING)).content.decode()
    assert "<b>講師</b>" not in page and "&lt;b&gt;講師&lt;/b&gt;不足" in page


def test_a_text_that_is_too_long_is_refused(client, entry_user, section):
    client.force_login(entry_user)
    response = post(client, TRAINING, {"": "5"}, factor_analysis="あ" * 4001)
    assert "4000 文字以下" in response.content.decode() or "4000文字以下" in response.content.decode()
    assert report_of(TRAINING) is None


def test_tampered_version_is_refused_without_a_500(client, entry_user, section):
    client.force_login(entry_user)
    for version in ["abc", "-1", ""]:
        response = post(client, TRAINING, {"": "5"}, version=version)
        assert response.status_code == 200
        assert "画面の情報が正しくありません" in response.content.decode()
    assert report_of(TRAINING) is None


def test_a_number_beside_a_text_is_kept(client, entry_user, section):
    """An import may leave a text on a numeric series; the form does not show it, so saving must not erase it."""
    indicator = Indicator.objects.get(code=TRAINING)
    report = save_report(
        indicator=indicator,
        fiscal_year=YEAR,
        user=entry_user,
        values={"": SeriesValue(Decimal(5), "研修4回・動画1本")},
        expected_version=None,
    )
    client.force_login(entry_user)
    assert post(client, TRAINING, {"": "6"}, version=report.version).status_code == 302
    actual = report_of(TRAINING).actuals.get()
    assert (actual.value, actual.text) == (Decimal(6), "研修4回・動画1本")


# --- submitting ---------------------------------------------------------------------------------------------------


def test_missing_the_target_without_factor_analysis_is_refused_and_nothing_saved(client, entry_user, section):
    client.force_login(entry_user)
    response = post(client, TRAINING, {"": "３"}, action="submit")  # 3 < 5
    page = response.content.decode()
    assert response.status_code == 200
    assert "目標に届いていないため、提出には要因分析が必要です。" in page
    assert "目標に届いていないため、提出には今後の方向性が必要です。" in page
    assert 'id="id_factor_analysis_error"' in page and 'id="id_next_steps_error"' in page
    assert report_of(TRAINING) is None


def notice_in(page: str) -> str:
    return page.split('id="shortfall-notice">')[1].split("</p>")[0] if 'id="shortfall-notice"' in page else ""


@pytest.mark.parametrize(
    "code, values, texts, expected",
    [
        # 3 < 5 研修: both reasons blank.
        (
            TRAINING,
            {"": "3"},
            {},
            "保存した実績は目標に届いていません。提出するときは要因分析と今後の方向性の入力が必要です。",
        ),
        # 14.0% above the 13.5% a downward indicator aims at.
        (ISOLATION, {"": "14.0"}, {"next_steps": "周知を増やす"}, "提出するときは要因分析の入力が必要です。"),
        (MAP, {"": "一部運用"}, {"self_grade": "mostly"}, "自己評価が「達成」ではありません。"),
        # One part of two below its target (a) 60件).
        (EVACUATION, {"a": "50", "b": "640"}, {}, "保存した実績は目標に届いていません。"),
    ],
)
def test_a_saved_draft_below_target_says_early_that_submitting_needs_analysis(
    client, entry_user, section, code, values, texts, expected
):
    client.force_login(entry_user)
    assert post(client, code, values, **texts).status_code == 302
    assert report_of(code).status == Report.Status.DRAFT
    assert expected in notice_in(client.get(url(code)).content.decode())


@pytest.mark.parametrize(
    "code, values, texts",
    [
        (TRAINING, {"": "5"}, {}),  # meets 5
        (TRAINING, {"": "3"}, {"factor_analysis": "講師の確保が遅れた", "next_steps": "年度当初に確保する"}),
        (MAP, {"": "全面運用"}, {"self_grade": "met"}),
        (EVACUATION, {"a": "", "b": ""}, {}),  # nothing typed yet: nothing to say
    ],
)
def test_no_early_word_when_nothing_is_short_or_the_reasons_are_written(
    client, entry_user, section, code, values, texts
):
    client.force_login(entry_user)
    assert post(client, code, values, **texts).status_code == 302
    assert notice_in(client.get(url(code)).content.decode()) == ""


def test_the_early_word_is_for_staff_and_not_on_a_submitted_report(client, entry_user, approver_user, section):
    client.force_login(entry_user)
    post(client, TRAINING, {"": "3"})
    client.force_login(approver_user)
    assert notice_in(client.get(url(TRAINING)).content.decode()) == ""
    client.force_login(entry_user)
    post(client, TRAINING, {"": "3"}, action="submit", version=1, factor_analysis="講師不足", next_steps="早めに確保")
    assert report_of(TRAINING).status == Report.Status.SUBMITTED
    assert notice_in(client.get(url(TRAINING)).content.decode()) == ""


def test_a_downward_indicator_misses_its_target_above_its_target(client, entry_user, section):
    client.force_login(entry_user)
    page = post(client, ISOLATION, {"": "14.0"}, action="submit").content.decode()  # aims down to 13.5%
    assert "提出には要因分析が必要です" in page
    assert post(client, ISOLATION, {"": "13.0"}, action="submit").status_code == 302
    assert report_of(ISOLATION).status == Report.Status.SUBMITTED


def test_submit_saves_and_submits_in_one_step(client, entry_user, section):
    client.force_login(entry_user)
    response = post(
        client,
        TRAINING,
        {"": "3"},
        action="submit",
        factor_analysis="講師の確保が遅れた",
        next_steps="年度当初に確保する",
    )
    assert response.status_code == 302
    report = report_of(TRAINING)
    assert report.status == Report.Status.SUBMITTED and report.actuals.get().value == 3
    assert list(AuditEntry.objects.for_subject(report).order_by("pk").values_list("action", flat=True)) == [
        "create",
        "submit",
    ]
    page = client.get(url(TRAINING)).content.decode()
    assert "実績を提出しました" in page and "承認者の確認を待っています" in page
    assert 'name="action"' not in page  # a submitted report is not edited by staff


def test_every_part_is_needed_to_submit(client, entry_user, section):
    client.force_login(entry_user)
    page = post(client, EVACUATION, {"a": "60", "b": ""}, action="submit").content.decode()
    assert f'id="id_{field(EVACUATION, "b")}_error"' in page and "提出するには実績を入力してください。" in page
    assert report_of(EVACUATION) is None
    assert post(client, EVACUATION, {"a": "60", "b": "640"}, action="submit").status_code == 302


def test_text_target_needs_a_self_assessment_and_reasons_when_not_met(client, entry_user, section):
    client.force_login(entry_user)
    page = post(client, MAP, {"": "一部運用を開始した"}, action="submit").content.decode()
    assert "提出するには自己評価を選んでください。" in page
    page = post(client, MAP, {"": "一部運用を開始した"}, action="submit", self_grade="not_met").content.decode()
    assert "自己評価が「達成」ではないため、提出には要因分析が必要です。" in page
    assert report_of(MAP) is None
    response = post(client, MAP, {"": "一部運用を開始した"}, action="submit", self_grade="met")
    assert response.status_code == 302
    report = report_of(MAP)
    assert report.self_grade == "met" and report.actuals.get().text == "一部運用を開始した"


def test_a_bad_self_assessment_choice_is_refused(client, entry_user, section):
    client.force_login(entry_user)
    page = post(client, MAP, {"": "運用"}, self_grade="excellent").content.decode()
    assert "正しく選択してください" in page
    assert report_of(MAP) is None


# --- no lost updates ------------------------------------------------------------------------------------------------


def test_two_saves_from_the_same_version_the_second_is_refused_and_shown(client, entry_user, planner_user, section):
    client.force_login(entry_user)
    assert post(client, TRAINING, {"": "5"}).status_code == 302  # version 1
    # Both open the page at version 1.
    assert post(client, TRAINING, {"": "6"}, version=1, comment="研修記録で確認").status_code == 302
    client.force_login(planner_user)
    response = post(client, TRAINING, {"": "7"}, version=1, factor_analysis="計画担当の修正")
    page = response.content.decode()
    assert response.status_code == 200
    assert "staff_aさんが" in page and "先に保存しました" in page
    conflict = page.split('id="conflict-title"')[1].split("</section>")[0]
    assert "<td>6回</td>" in conflict  # the other person's value
    assert "研修記録で確認" in conflict
    assert f'name="{field(TRAINING)}" value="7"' in page  # what this person typed is kept
    assert "計画担当の修正" in page
    assert 'name="version" value="2"' in page  # a deliberate second save starts from the other's version
    report = report_of(TRAINING)
    assert report.actuals.get().value == 6 and report.version == 2  # nothing lost

    # Having seen the other value, the planner saves again on purpose.
    assert post(client, TRAINING, {"": "7"}, version=2, comment="研修記録で確認").status_code == 302
    assert report_of(TRAINING).actuals.get().value == 7
    history = list(AuditEntry.objects.for_subject(report).order_by("pk").values_list("changes", flat=True))
    assert [h.get("実績") for h in history] == [[None, "5"], ["5", "6"], ["6", "7"]]


def test_two_first_saves_the_second_is_refused(client, entry_user, planner_user, section):
    client.force_login(entry_user)
    assert post(client, TRAINING, {"": "5"}, version=0).status_code == 302
    client.force_login(planner_user)
    page = post(client, TRAINING, {"": "4"}, version=0).content.decode()
    assert "先に保存しました" in page
    assert report_of(TRAINING).actuals.get().value == 5


# --- review, return, reopen ----------------------------------------------------------------------------------------


def submitted(user, code=TRAINING, value="5"):
    report = save_report(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=YEAR,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )
    return review.submit(REPORT_REVIEW, report, user, report.version)


def test_return_needs_a_reason(client, entry_user, approver_user, section):
    report = submitted(entry_user)
    client.force_login(approver_user)
    response = client.post(
        reverse("entry:review", args=[TRAINING, YEAR]), {"version": report.version, "decision": "return", "reason": " "}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "差し戻すときは理由を入力してください。" in page
    assert report_of(TRAINING).status == Report.Status.SUBMITTED


def test_returned_report_shows_the_reason_and_can_be_corrected(client, entry_user, approver_user, section):
    report = submitted(entry_user)
    client.force_login(approver_user)
    page = client.get(url(TRAINING)).content.decode()
    assert "承認者の確認" in page and ">承認<" in page and ">差戻し<" in page
    client.post(
        reverse("entry:review", args=[TRAINING, YEAR]),
        {"version": report.version, "decision": "return", "reason": "研修記録の写しを添えてください"},
    )
    client.force_login(entry_user)
    page = client.get(url(TRAINING)).content.decode()
    assert "差戻し理由：</strong>研修記録の写しを添えてください" in page
    assert "保存（下書き）" in page
    report = report_of(TRAINING)
    response = post(client, TRAINING, {"": "5"}, action="submit", version=report.version, comment="写しを添付しました")
    assert response.status_code == 302
    assert report_of(TRAINING).status == Report.Status.SUBMITTED


def test_review_of_a_stale_version_is_refused(client, entry_user, approver_user, section):
    report = submitted(entry_user)
    client.force_login(approver_user)
    page = client.post(
        reverse("entry:review", args=[TRAINING, YEAR]),
        {"version": report.version - 1, "decision": "approve", "reason": ""},
    ).content.decode()
    assert "先に保存しました" in page
    assert report_of(TRAINING).status == Report.Status.SUBMITTED


def test_review_of_a_draft_is_refused(client, entry_user, approver_user, section):
    report = save_report(
        indicator=Indicator.objects.get(code=TRAINING),
        fiscal_year=YEAR,
        user=entry_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=None,
    )
    client.force_login(approver_user)
    page = client.post(
        reverse("entry:review", args=[TRAINING, YEAR]), {"version": report.version, "decision": "approve"}
    ).content.decode()
    assert "提出済の実績だけが承認できます。" in page
    assert (
        client.post(reverse("entry:review", args=[ISOLATION, YEAR]), {"version": 0, "decision": "approve"})
        .content.decode()
        .count("まだ入力されていません")
        == 1
    )


def test_planner_reopens_with_a_reason(client, entry_user, approver_user, planner_user, section):
    report = submitted(entry_user)
    client.force_login(approver_user)
    client.post(
        reverse("entry:review", args=[TRAINING, YEAR]),
        {"version": report.version, "decision": "approve", "reason": "確認しました"},
    )
    assert report_of(TRAINING).status == Report.Status.APPROVED
    client.force_login(planner_user)
    page = client.get(url(TRAINING)).content.decode()
    assert "承認の取消し（再開）" in page
    report = report_of(TRAINING)
    page = client.post(
        reverse("entry:reopen", args=[TRAINING, YEAR]), {"version": report.version, "reopen_reason": ""}
    ).content.decode()
    assert "再開する理由を入力してください。" in page
    assert report_of(TRAINING).status == Report.Status.APPROVED
    client.post(
        reverse("entry:reopen", args=[TRAINING, YEAR]), {"version": report.version, "reopen_reason": "集計の誤り"}
    )
    assert report_of(TRAINING).status == Report.Status.RETURNED
    assert AuditEntry.objects.get(action="approve").comment == "確認しました"


def test_history_shows_each_step_with_user_time_and_old_new(client, entry_user, approver_user, section):
    client.force_login(entry_user)
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9, 30, tzinfo=datetime.UTC), tick=False):
        post(client, TRAINING, {"": "5"})
    with time_machine.travel(datetime.datetime(2025, 5, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        client.force_login(entry_user)  # the next working day: yesterday's session has ended (9 hours idle)
        post(client, TRAINING, {"": "6"}, version=1, action="submit")
        page = client.get(url(TRAINING)).content.decode()
    history = page.split('id="history-title"')[1]
    assert "2025-05-01 18:30" in history and "2025-05-02 19:00" in history  # shown in Japan time
    assert "新規入力" in history and "修正" in history and "提出" in history
    assert "実績：（なし） → 5" in history and "実績：5 → 6" in history
    assert "状態：下書き → 提出済" in history
    assert history.count("staff_a") == 3


def test_a_proposed_actual_needs_a_reason_when_the_value_differs(client, entry_user, section, monkeypatch):
    proposal = Proposal(
        value=Decimal(5),
        source_label="令和6年度（2024年度） 研修の開催記録",
        template="consultations/includes/actual_proposal.html",
    )
    monkeypatch.setattr(proposals, "_providers", [lambda indicators, year: {i.pk: proposal for i in indicators}])
    client.force_login(entry_user)
    page = post(client, TRAINING, {"": "4"}).content.decode()
    assert "研修の開催記録からの提案値（5回）と異なります。理由を確認コメントに入力してください。" in page
    assert report_of(TRAINING) is None
    assert post(client, TRAINING, {"": "5"}).status_code == 302  # the proposal itself needs no reason
    assert post(client, TRAINING, {"": "4"}, version=1, comment="1回は中止").status_code == 302
    assert report_of(TRAINING).actuals.get().value == 4

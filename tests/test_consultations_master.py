"""Master data loaded with the plan: 5 地域 and 28 地区, windows, the 相談支援機関 registry and the plan's statistics.

Every expected value below was written by reading the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月,
第4章) and the ward's list of 地域 and 地区, never copied from fixtures/consultations.
"""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from consultations.models import (
    Agency,
    Area,
    Category,
    District,
    IndicatorFeed,
    StatSeries,
    StatTable,
    StatValue,
    WindowType,
)
from consultations.services import MASTER_DATA_DIR, MasterDataError, load_master_data
from setagaya_plan.core.models import AuditEntry, Section
from tests.source_expectations.statistics import SERIES

pytestmark = pytest.mark.django_db

# The ward's 5 地域 and their 28 地区 (each with its まちづくりセンター).
AREAS = {
    "世田谷": ["池尻", "太子堂", "若林", "上町", "経堂", "下馬", "上馬"],
    "北沢": ["梅丘", "代沢", "新代田", "北沢", "松原", "松沢"],
    "玉川": ["奥沢", "九品仏", "等々力", "上野毛", "用賀", "二子玉川", "深沢"],
    "砧": ["祖師谷", "成城", "船橋", "喜多見", "砧"],
    "烏山": ["上北沢", "上祖師谷", "烏山"],
}


def test_28_districts_in_the_right_5_areas_in_the_ward_order():
    assert list(Area.objects.order_by("position").values_list("name", flat=True)) == list(AREAS)
    loaded = {
        area.name: list(area.districts.order_by("position").values_list("name", flat=True))
        for area in Area.objects.all()
    }
    assert loaded == AREAS
    assert District.objects.count() == 28
    assert list(District.objects.order_by("position").values_list("name", flat=True)) == [
        name for names in AREAS.values() for name in names
    ]


def test_place_labels():
    district = District.objects.get(name="池尻")
    assert str(district) == "池尻地区"
    assert str(district.area) == "世田谷地域"
    assert district.area.office_name == "世田谷総合支所"


def test_windows_of_the_welfare_consultation_desk_and_the_four_party_link():
    windows = list(WindowType.objects.order_by("position"))
    assert [w.name for w in windows] == ["まちづくりセンター", "あんしんすこやかセンター", "社会福祉協議会", "児童館"]
    # 「福祉の相談窓口」is the three of them (三者); the 児童館 joins for the 四者連携.
    assert [w.name for w in windows if w.welfare_window] == [
        "まちづくりセンター",
        "あんしんすこやかセンター",
        "社会福祉協議会",
    ]
    assert WindowType.objects.get(name="あんしんすこやかセンター").full_name == "地域包括支援センター"


def test_starting_categories_include_those_the_issue_names():
    names = set(Category.objects.values_list("name", flat=True))
    assert {"高齢", "障害", "子ども・子育て", "生活困窮", "認知症", "ひきこもり", "いじめ", "不登校"} <= names
    assert all(Category.objects.values_list("active", flat=True))


# 【社会福祉法第 106条の４第２項第１号（包括的相談支援事業）に位置づけがある相談支援機関】, read from the printed plan:
# name (＊ marks a glossary term), 主な相談内容, 設置拠点数, 圏域 as printed, 運営形態.
COMPREHENSIVE = [
    ("あんしんすこやかセンター", False, "高齢を中心に全般", 28, "全地区に１か所", "委託"),
    ("地域障害者相談支援センター「ぽーと」", True, "障害", 5, "全地域に１か所", "委託"),
    ("世田谷区基幹相談支援センター", True, "障害", 1, "全区に１箇所", "委託"),
    ("保健センター専門相談課", False, "障害", 1, "全区に１箇所", "指定管理"),
    ("地域子育て支援コーディネーター", True, "子ども・子育て", 6, "センター１箇所、全地域に１箇所", "委託"),
    ("総合支所子ども家庭支援センター", False, "子ども・子育て", 5, "全地域に１箇所", "直営"),
    ("総合支所健康づくり課", False, "子ども・子育て", 5, "全地域に１箇所", "直営"),
    ("ぷらっとホーム世田谷", False, "生活困窮", 1, "全区に１か所", "委託"),
]
# 【社会福祉法における多機関協働事業者】: name, the line printed under it, 設置拠点数, 圏域, 運営形態.
COLLABORATION = [
    (
        "各地域総合支所保健福祉センター",
        "生活支援課、保健福祉課、健康づくり課、子ども家庭支援課",
        5,
        "全地域に１か所",
        "直営",
    ),
    ("世田谷ひきこもり相談窓口「リンク」", "ぷらっとホーム世田谷", 1, "全区に１箇所", "委託"),
]


def test_registry_of_comprehensive_consultation_agencies_matches_the_source():
    agencies = Agency.objects.filter(program=Agency.Program.COMPREHENSIVE).order_by("position")
    assert [
        (a.name, a.glossary_mark, a.main_field, a.site_count, a.scope_text, a.get_operation_display()) for a in agencies
    ] == COMPREHENSIVE


def test_registry_of_multi_agency_collaboration_matches_the_source():
    agencies = Agency.objects.filter(program=Agency.Program.COLLABORATION).order_by("position")
    assert [
        (a.name, a.members, a.site_count, a.scope_text, a.get_operation_display()) for a in agencies
    ] == COLLABORATION


@pytest.mark.parametrize(
    ("name", "scope", "count_level"),
    [
        ("あんしんすこやかセンター", "district", "district"),  # 全地区に１か所
        ("地域障害者相談支援センター「ぽーと」", "area", "area"),  # 全地域に１か所
        ("世田谷区基幹相談支援センター", "ward", "ward"),  # 全区に１箇所
        ("地域子育て支援コーディネーター", "mixed", "ward"),  # センター１箇所、全地域に１箇所
        ("各地域総合支所保健福祉センター", "area", "area"),
    ],
)
def test_scope_of_sites_and_where_counts_are_kept(name, scope, count_level):
    agency = Agency.objects.get(name=name)
    assert agency.scope == scope
    assert agency.count_level == count_level


def test_the_anshin_agency_counts_as_its_window_in_each_district():
    agency = Agency.objects.get(name="あんしんすこやかセンター")
    assert agency.window_type.name == "あんしんすこやかセンター"
    assert agency.sites_label == "28箇所（全地区に１か所）"


def _values(code: str) -> dict[int, Decimal | str]:
    series = StatSeries.objects.get(code=code)
    return {v.year: (v.value if v.value is not None else v.text) for v in series.values.all()}


def _by_label(table_title: str, label: str, group: str = "") -> StatSeries:
    return StatSeries.objects.get(table__title=table_title, label=label, group=group)


def _printed(series: StatSeries) -> dict[int, str]:
    return {v.year: v.display for v in series.values.order_by("year")}


def test_every_historical_series_the_plan_prints_is_held_with_its_place():
    """tests/source_expectations/statistics.py: every series over more than one year, no more and no less."""
    held = {}
    for series in StatSeries.objects.select_related("table").prefetch_related("values"):
        if len({value.year for value in series.values.all()}) > 1:
            table = series.table
            held.setdefault(table.title, (table.measure_number, table.vision_number, {}))[2][series.full_label] = (
                _printed(series)
            )
    assert held == SERIES


def test_school_non_attendance_names_its_source_and_definition():
    table = StatTable.objects.get(title="不登校の児童・生徒数")
    assert table.source_note == "出典：計画書 第4章 推進施策8 めざす姿1「現状やこれまでの取組み」"
    assert "累積で３０日以上の欠席" in table.notes
    series = table.series.get()
    assert series.period_label(2019) == "令和元年度（2019年度）"
    assert [value.value for value in series.values.order_by("year")] == [825, 968, 1228, 1540]


# Each figure below is typed from the printed plan, as printed.
def test_welfare_window_consultations_by_window_for_h29_r2_r4():
    table = "「福祉の相談窓口」相談件数"
    assert _printed(_by_label(table, "まちづくりセンター")) == {2017: "2,542件", 2020: "1,634件", 2022: "6,608件（※）"}
    assert _printed(_by_label(table, "あんしんすこやかセンター")) == {
        2017: "149,183件",
        2020: "193,643件",
        2022: "221,115件",
    }
    assert _printed(_by_label(table, "社会福祉協議会")) == {2017: "3,227件", 2020: "4,046件", 2022: "3,244件"}
    sub = _by_label(table, "高齢分野以外の相談件数")
    assert _printed(sub) == {2017: "1,588件", 2020: "2,284件", 2022: "3,715件"}
    assert sub.part_of.label == "あんしんすこやかセンター"
    stat_table = StatTable.objects.get(title=table)
    assert stat_table.note_list() == ["（※）スマートフォンでのワクチン接種予約支援を含む。"]
    assert (stat_table.measure_number, stat_table.vision_number) == (1, 1)
    assert stat_table.series.first().period_label(2017) == "平成29年度（2017年度）"


def test_awareness_rates_for_all_residents_and_ages_10_to_39():
    all_residents = StatSeries.objects.get(table__title="「福祉の相談窓口」の認知度")
    young = StatSeries.objects.get(table__title="10歳代から30歳代までの「福祉の相談窓口」の認知度")
    assert _printed(all_residents) == {2021: "45.0%", 2022: "53.0%", 2023: "55.9%"}
    assert _printed(young) == {2021: "29.7%", 2022: "30.5%", 2023: "25.5%"}
    assert all_residents.kind == young.kind == StatSeries.Kind.RATE
    assert all_residents.period_label(2021) == "令和3年度（2021年度）"


def test_home_care_and_acp_awareness_by_calendar_year_with_the_printed_dash():
    table = "区民意識調査 在宅医療とACPの認知度"
    home_care = _by_label(table, "在宅医療の認知度")
    acp = _by_label(table, "ACPの認知度")
    assert _printed(home_care) == {2021: "73.0%", 2022: "75.6%", 2023: "72.4%"}
    assert _printed(acp) == {2021: "―", 2022: "10.4%", 2023: "15.3%"}
    assert _values("acp-awareness")[2021] == "―"  # no number invented for 令和3年
    # The printed plan heads these columns 令和３年（202１年）: calendar years, not fiscal years.
    assert home_care.period_label(2021) == "令和3年（2021年）"


def test_hot_kodomo_support_new_and_continued_and_the_r4_breakdown():
    table = "せたがやホッと子どもサポートの相談件数"
    assert _printed(_by_label(table, "新規")) == {2020: "208件", 2021: "300件", 2022: "367件"}
    assert _printed(_by_label(table, "前年度からの継続")) == {2020: "94件", 2021: "66件", 2022: "74件"}
    breakdown = StatSeries.objects.filter(table__title__startswith="せたがやホッと子どもサポートの主な相談内容")
    assert {s.label: _printed(s) for s in breakdown} == {
        "いじめ": {2022: "48件"},
        "対人関係": {2022: "91件"},
        "学校・教職員等の対応": {2022: "64件"},
        "虐待": {2022: "20件"},
        "心身の悩み": {2022: "27件"},
        "家庭・家族": {2022: "43件"},
        "子育て": {2022: "26件"},
    }


def test_education_consultation_sessions_with_the_definition_note():
    series = StatSeries.objects.get(table__title="教育相談対応回数")
    assert _printed(series) == {2020: "13,464回", 2021: "16,141回", 2022: "15,932回"}
    assert series.table.note_list() == ["※回数とは、１回の面接及び他機関との連携をすべて１として合計したもの。"]


def test_room_search_support_keeps_counts_and_the_rate_apart():
    table = "お部屋探しサポートの実績"
    consultants = _by_label(table, "相談者数")
    informed = _by_label(table, "情報提供人数")
    rate = _by_label(table, "提供率")
    assert _printed(consultants) == {2020: "279人", 2021: "261人", 2022: "291人"}
    assert _printed(informed) == {2020: "106人", 2021: "126人", 2022: "136人"}
    assert _printed(rate) == {2020: "38%", 2021: "48%", 2022: "47%"}
    assert (consultants.kind, informed.kind, rate.kind) == ("count", "count", "rate")


def test_hot_school_figures_for_r4():
    table = StatTable.objects.get(code="hot-school-2022")
    printed = {(s.group, s.label): _printed(s)[2022] for s in table.series.all()}
    assert printed == {
        ("ほっとスクール城山", "相談・見学件数"): "351件",
        ("ほっとスクール城山", "入室者数"): "27人",
        ("ほっとスクール城山", "高校等進学者数"): "7人",
        ("ほっとスクール城山", "学校復帰者数"): "0人",
        ("ほっとスクール尾山台", "相談・見学件数"): "173件",
        ("ほっとスクール尾山台", "入室者数"): "5人",
        ("ほっとスクール尾山台", "高校等進学者数"): "1人",
        ("ほっとスクール尾山台", "学校復帰者数"): "1人",
        ("ほっとスクール希望丘", "相談・見学件数"): "1,211件",
        ("ほっとスクール希望丘", "入室者数"): "44人",
        ("ほっとスクール希望丘", "高校等進学者数"): "9人",
        ("ほっとスクール希望丘", "学校復帰者数"): "3人",
    }


def test_every_rate_is_a_percent_within_0_100_and_every_count_a_whole_number():
    for value in StatValue.objects.select_related("series").exclude(value=None):
        value.full_clean()
        if value.series.kind == StatSeries.Kind.RATE:
            assert value.series.unit == "%"
        else:
            assert value.series.unit != "%"


def test_a_rate_series_refuses_a_count_unit_and_a_rate_outside_0_100():
    rate = StatSeries.objects.get(code="room-search-rate")
    rate.unit = "人"
    with pytest.raises(Exception, match="割合の系列の単位は % です"):
        rate.full_clean()
    value = StatValue(series=StatSeries.objects.get(code="room-search-rate"), year=2019, value=Decimal("120"))
    with pytest.raises(Exception, match="割合は0から100までです"):
        value.full_clean()


def test_loading_again_changes_nothing():
    assert not load_master_data().changed
    out = io.StringIO()
    call_command("load_consultations", stdout=out)
    assert out.getvalue().strip() == "相談支援のデータは最新です（変更なし）。"


def test_reload_restores_printed_values_but_keeps_what_the_ward_set():
    section = Section.objects.create(name="池尻まちづくりセンター")
    district = District.objects.get(code="ikejiri")
    district.section = section
    district.save()
    area = district.area
    area.reviewing_section = section
    area.save()
    value = StatValue.objects.get(series__code="welfare-window-machi", year=2017)
    value.value = Decimal("9999")
    value.save()
    category = Category.objects.get(code="elderly")
    category.name = "高齢（介護を含む）"
    category.active = False
    category.save()
    feed = IndicatorFeed.objects.get(indicator__code="G1-M03-V1-O1")
    feed.active = False
    feed.save()

    report = load_master_data()

    assert report.updated["計画書の統計値"] == 1
    value.refresh_from_db()
    assert value.value == Decimal("2542")
    district.refresh_from_db()
    area.refresh_from_db()
    assert district.section == section and area.reviewing_section == section
    category.refresh_from_db()
    assert (category.name, category.active) == ("高齢（介護を含む）", False)
    feed.refresh_from_db()
    assert feed.active is False


def test_load_plan_loads_consultations_too_and_reports_what_changed():
    District.objects.filter(code="ikejiri").update(name="池尻（仮）")
    out = io.StringIO()
    call_command("load_plan", stdout=out)
    assert "地区: 追加 0、更新 1" in out.getvalue()
    logged = AuditEntry.objects.for_subject(District.objects.get(code="ikejiri")).latest("pk")
    assert (logged.action, logged.source, logged.changes) == (
        "load_plan",
        "load_plan",
        {"地区名": ["池尻（仮）", "池尻"]},
    )


def test_load_consultations_names_itself_in_the_trail():
    Area.objects.filter(code="setagaya").update(position=9)
    call_command("load_consultations", stdout=io.StringIO())
    logged = AuditEntry.objects.for_subject(Area.objects.get(code="setagaya")).latest("pk")
    assert (logged.source, logged.changes) == ("load_consultations", {"表示順": [9, 1]})
    assert District.objects.get(code="ikejiri").name == "池尻"


def test_the_shipped_feed_names_the_dementia_consultations_of_the_anshin_centers():
    feed = IndicatorFeed.objects.get(indicator__code="G1-M03-V1-O1")
    assert feed.indicator.name == "あんしんすこやかセンターの認知症に関する相談件数"
    assert [w.name for w in feed.windows.all()] == ["あんしんすこやかセンター"]
    assert [c.name for c in feed.categories.all()] == ["認知症"]


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "consultations"
    shutil.copytree(MASTER_DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("places.yaml", "areas:\n  - code: setagaya\n", "places.yaml 地域1: 「name」がありません"),
        (
            "agencies.yaml",
            "comprehensive:\n  - {code: x, name: X, site_count: 1, scope: city, scope_text: t, operation: 委託}\n",
            "「city」は使えません",
        ),
        (
            "statistics.yaml",
            "tables: [{code: t, title: T, measure: 1, vision: 1, part: p,\n"
            "  series: [{code: s, label: L, kind: count, unit: 件, values: {2020: {}}}]}]\n",
            "値か表記",
        ),
        ("windows.yaml", "windows: [\n", "windows.yaml を読めません"),
    ],
)
def test_a_malformed_file_writes_nothing_and_says_where(data_copy, file, text, message):
    (data_copy / file).write_text(text, encoding="utf-8")
    before = District.objects.count(), Agency.objects.count(), StatValue.objects.count()
    with pytest.raises(MasterDataError, match=message):
        load_master_data(data_copy)
    with pytest.raises(CommandError, match="相談支援のデータを読み込めませんでした"):
        call_command("load_consultations", "--dir", str(data_copy), stdout=io.StringIO())
    assert (District.objects.count(), Agency.objects.count(), StatValue.objects.count()) == before

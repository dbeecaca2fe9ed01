"""Layout (b): the plan's printed tables. The workbook of 推進施策5 and 推進施策10 is built from the printed plan
(tests/import_files/source_tables.py); it must import to exactly the fixture, and repair a database that differs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.importing import printed
from indicators.importing.preview import apply_upload, preview_upload
from indicators.models import Indicator, Relisting, Series, Target
from measures.models import Measure, Vision
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build, snapshot, source_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(planner_user):
    return planner_user


def test_source_tables_import_to_exactly_the_fixture(planner):
    before = snapshot.everything()
    preview = preview_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    assert preview.file_errors == []
    assert preview.layouts == ["計画の表（印刷レイアウト）"]
    assert len(preview.rows) == source_tables.ROW_COUNT
    assert [row.status for row in preview.rows] == ["unchanged"] * source_tables.ROW_COUNT
    assert {row.label.split()[0] for row in preview.rows} == set(source_tables.CODES)
    result = apply_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    assert not result.has_errors
    assert snapshot.everything() == before


def _spoil_measures_5_and_10():
    """Change what the printed tables carry, in every way they carry it."""
    series = Series.objects.filter(indicator__code__in=source_tables.CODES)
    Target.objects.filter(series__in=series).delete()
    series.update(baseline_value=None, baseline_note="", baseline_text="", total_value=Decimal(1), total_text="")
    for indicator in Indicator.objects.filter(code__in=source_tables.CODES):
        indicator.plan_items.clear()
    Indicator.objects.filter(code__in=source_tables.CODES).update(name="（仮）", unit="", qualifier="延べ")
    Series.objects.filter(indicator__code="G1-M10-V1-O5").update(label="")


def test_source_tables_restore_a_database_that_differs(planner):
    fixture = snapshot.plan()
    _spoil_measures_5_and_10()
    preview = preview_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    assert not preview.has_errors
    assert {row.status for row in preview.rows} == {"changed"}
    first = {row.label.split()[0]: row for row in preview.rows}["G1-M05-V1-A1"]
    assert ("名称", "（仮）", "お部屋探しサポートの利用相談者数") in first.changes
    assert ("現況値", "（なし）", "280") in first.changes
    assert ("現況値の時点", "（空欄）", "令和5年度見込み") in first.changes
    assert ("令和6年度（2024年度）目標", "（なし）", "290人") in first.changes  # with the unit the row restores
    assert ("総量", "1", "1,180") in first.changes
    assert ("実施計画 施策", "（なし）", "9-1") in first.changes
    apply_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    assert snapshot.plan() == fixture


def test_merged_and_deferred_cells_become_the_printed_targets(planner):
    Target.objects.filter(series__indicator__code__startswith="G1-M05-V2").delete()
    apply_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    yearly = Series.objects.get(indicator__code="G1-M05-V2-A1-1", key="yearly")
    cumulative = Series.objects.get(indicator__code="G1-M05-V2-A1-1", key="cumulative")
    kaigo10 = "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み"
    assert list(yearly.targets.values_list("fiscal_year", "end_fiscal_year", "value", "deferred_to")) == [
        (2024, 2026, Decimal(4), ""),
        (2027, 2027, None, kaigo10),
    ]
    assert list(cumulative.targets.values_list("fiscal_year", "deferred_to")) == [(2027, kaigo10)]
    # The 令和9年度 cell is printed once over the rows 1-① and 1-②: both rows get it.
    assert Series.objects.get(indicator__code="G1-M05-V2-A1-2", key="cumulative").targets.get().deferred_to == kaigo10


def test_printed_export_imports_back_with_no_changes(planner):
    data = printed.export_workbook()
    preview = preview_upload("plan-printed.xlsx", data, user=planner)
    assert not preview.has_errors
    assert {row.status for row in preview.rows} == {"unchanged"}
    relisted = [row for row in preview.rows if row.label.endswith("【再掲】")]
    assert len(relisted) == Relisting.objects.count() == 2
    before = snapshot.everything()
    apply_upload("plan-printed.xlsx", data, user=planner)
    assert snapshot.everything() == before


def test_printed_export_after_a_change_carries_the_change(planner):
    series = Series.objects.get(indicator__code="G1-M10-V1-O5", key="a")
    target = series.targets.get(fiscal_year=2025)
    target.value = Decimal(75)
    target.save()
    Target.objects.create(series=series, fiscal_year=2028, end_fiscal_year=2031, value=Decimal(100))
    data = printed.export_workbook(Measure.objects.filter(goal__number=1, number=10))
    after_change = snapshot.plan()
    target.value = Decimal(70)
    target.save()
    series.targets.filter(fiscal_year=2028).delete()
    preview = preview_upload("plan-printed.xlsx", data, user=planner)
    changed = [row for row in preview.rows if row.status == "changed"]
    assert [(row.label, row.changes) for row in changed] == [
        (
            "G1-M10-V1-O5 個別避難計画作成数（多摩川洪水浸水想定区域内）",
            [
                ("令和10年度（2028年度）目標", "（なし）", "100件（令和10年度（2028年度）～令和13年度（2031年度））"),
                ("令和7年度（2025年度）目標", "70件", "75件"),
            ],
        )
    ]
    apply_upload("plan-printed.xlsx", data, user=planner)
    assert snapshot.plan() == after_change
    # Idempotent: the same file again changes nothing.
    assert {row.status for row in preview_upload("plan-printed.xlsx", data, user=planner).rows} == {"unchanged"}


def test_a_confirmed_import_is_audited_with_the_file_name_and_user(planner):
    Indicator.objects.filter(code="G1-M10-V1-A1").update(name="防災塾")
    apply_upload("実施計画.xlsx", source_tables.workbook(), user=planner)
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.source) == (planner, "実施計画.xlsx")
    assert entry.object_id == str(Indicator.objects.get(code="G1-M10-V1-A1").pk)
    assert entry.changes == {"名称": ["防災塾", "防災塾の実施回数"]}


def _goal2_sheet(rows: list[list], merges: list[str] = ()) -> bytes:
    return build.xlsx(
        {
            "基本目標2": [
                ["基本目標２　世田谷版地域包括ケアシステムを支える基盤整備"],
                ["推進施策１　福祉人材の育成・確保"],
                ["めざす姿１　福祉の仕事に就く人が増えています。"],
                ["■取組みの行動量■"],
                ["番号", "行動量", "現況値", *source_tables.YEARS_HEADER, "総量"],
                *rows,
            ]
        },
        merges={"基本目標2": list(merges)},
    )


def test_printed_tables_create_goal_2_measures_and_indicators(planner):
    data = _goal2_sheet(
        [
            [
                "１",
                "介護職員の研修\n【実施計画 施策２－１】",
                "１２回\n（令和５年度\n見込み）",
                "12 回",
                "14 回",
                "16 回",
                "18 回",
                "60 回",
            ],
            ["２", "人材確保の相談会の開催", "―", "年２回開催", None, None, None, "―"],
        ],
        merges=["D7:G7"],
    )
    preview = preview_upload("goal2.xlsx", data, user=planner)
    assert [row.status for row in preview.rows] == ["new", "new"]
    assert ("推進施策", "（なし）", "基本目標2－推進施策1 福祉人材の育成・確保（新規）") in preview.rows[0].changes
    apply_upload("goal2.xlsx", data, user=planner)
    measure = Measure.objects.get(goal__number=2, number=1)
    vision = Vision.objects.get(measure=measure, number=1)
    assert vision.statement == "福祉の仕事に就く人が増えています。"
    training = Indicator.objects.get(code="G2-M01-V1-A1")
    assert (training.name, training.unit, training.total_kind) == ("介護職員の研修", "回", "sum")
    assert [item.code for item in training.plan_items.all()] == ["2-1"]
    series = training.series.get()
    assert (series.baseline_value, series.baseline_note, series.total_value) == (
        Decimal(12),
        "令和5年度見込み",
        Decimal(60),
    )
    assert list(series.targets.values_list("fiscal_year", "value")) == [
        (y, Decimal(v)) for y, v in zip(range(2024, 2028), [12, 14, 16, 18], strict=True)
    ]
    text_target = Indicator.objects.get(code="G2-M01-V1-A2")
    assert text_target.total_kind == "none"
    assert list(text_target.series.get().targets.values_list("fiscal_year", "end_fiscal_year", "text")) == [
        (2024, 2027, "年２回開催")
    ]
    assert (text_target.series.get().baseline_text, text_target.series.get().total_text) == ("―", "―")
    # The same file again: nothing new; and the printed export of 基本目標2 reads back unchanged.
    assert {row.status for row in preview_upload("goal2.xlsx", data, user=planner).rows} == {"unchanged"}
    exported = printed.export_workbook(Measure.objects.filter(goal__number=2))
    assert {row.status for row in preview_upload("export.xlsx", exported, user=planner).rows} == {"unchanged"}


def test_goal_1_indicators_are_never_invented(planner):
    data = build.xlsx(
        {
            "表": [
                ["推進施策５ 住まい"],
                ["めざす姿１"],
                ["番号", "行動量", "現況値", *source_tables.YEARS_HEADER, "総量"],
                ["９", "架空の指標", "1 件", "1 件", "1 件", "1 件", "1 件", "4 件"],
            ]
        }
    )
    before = snapshot.everything()
    preview = preview_upload("x.xlsx", data, user=planner)
    assert preview.rows[0].status == "error"
    assert "基本目標1の推進施策・めざす姿・指標は計画の印刷どおりに登録済み" in preview.rows[0].errors[0]
    assert "シート「表」 4行目" in preview.rows[0].errors[0]
    apply_upload("x.xlsx", data, user=planner)
    assert snapshot.everything() == before


def test_a_relisted_row_must_repeat_the_original(planner):
    data = printed.export_workbook(Measure.objects.filter(goal__number=1, number=9))
    original = Series.objects.get(indicator__code="G1-M01-V4-A2")
    original.baseline_value = Decimal(6000)
    original.save()
    preview = preview_upload("m9.xlsx", data, user=planner)
    errors = [error for row in preview.rows for error in row.errors]
    assert len(errors) == 1
    assert (
        "【再掲】の値が元の指標（G1-M01-V4-A2 地域資源開発における団体訪問件数）と違います：現況値 6,000 → 6,358"
        in errors[0]
    )


def _measure4_outcomes() -> bytes:
    return build.xlsx(
        {
            "表": [
                ["推進施策４　予防、健康づくり"],
                ["めざす姿　１"],
                ["番号", "成果指標", "現況値", *source_tables.YEARS_HEADER, "総量"],
                *[list(row) for row in source_tables.MEASURE4_VISION1_OUTCOME],
            ]
        }
    )


def test_the_printed_names_rename_nothing(planner):
    """「１日に 30分以上歩いている※区民の割合」 as printed is the stored 「１日に30分以上歩いている区民の割合」."""
    before = snapshot.plan()
    preview = preview_upload("推進施策4.xlsx", _measure4_outcomes(), user=planner)
    assert [(row.status, row.changes) for row in preview.rows] == [("unchanged", [])] * 3
    apply_upload("推進施策4.xlsx", _measure4_outcomes(), user=planner)
    assert snapshot.plan() == before
    assert Indicator.objects.get(code="G1-M04-V1-O1-1").name == "１日に30分以上歩いている区民の割合"


@pytest.mark.parametrize(
    "written",
    [
        "1日に30分以上歩いている区民の割合",  # half-width digit
        "１日に３０分以上歩いている区民の割合",  # full-width digits
        "１日に 30 分以上歩いている　区民の割合",  # spaces, ideographic too
        "１日に30分以上歩いている※区民の割合※1",  # ※ marks inside and at the end
        "１日に30分以上歩いている区民の割合※１",
    ],
)
def test_width_spacing_and_marks_are_not_differences_of_name(planner, written):
    rows = [list(row) for row in source_tables.MEASURE4_VISION1_OUTCOME[:1]]
    rows[0][1] = written + "\n【実施計画 施策７－１】"
    data = build.xlsx(
        {
            "表": [
                ["推進施策４"],
                ["めざす姿　１"],
                ["番号", "成果指標", "現況値", *source_tables.YEARS_HEADER, "総量"],
                *rows,
            ]
        }
    )
    assert [row.status for row in preview_upload("x.xlsx", data, user=planner).rows] == ["unchanged"]


def test_a_different_name_is_still_a_rename(planner):
    rows = [list(row) for row in source_tables.MEASURE4_VISION1_OUTCOME[:1]]
    rows[0][1] = "１日に60分以上歩いている区民の割合"
    data = build.xlsx(
        {
            "表": [
                ["推進施策４"],
                ["めざす姿　１"],
                ["番号", "成果指標", "現況値", *source_tables.YEARS_HEADER, "総量"],
                *rows,
            ]
        }
    )
    row = preview_upload("x.xlsx", data, user=planner).rows[0]
    assert ("名称", "１日に30分以上歩いている区民の割合", "１日に60分以上歩いている区民の割合") in row.changes


def test_a_vision_is_found_from_the_number_when_the_sheet_has_no_vision_rows(planner):
    data = build.xlsx(
        {
            "表": [
                ["推進施策１０　防犯・防災"],
                ["番号", "行動量", "現況値", *source_tables.YEARS_HEADER, "総量"],
                list(source_tables.MEASURE10_ACTION[0]),
            ]
        }
    )
    preview = preview_upload("x.xlsx", data, user=planner)
    assert [row.status for row in preview.rows] == ["unchanged"]
    ambiguous = build.xlsx(
        {
            "表": [
                ["推進施策５"],
                ["番号", "行動量", "現況値", *source_tables.YEARS_HEADER, "総量"],
                list(source_tables.MEASURE5_VISION1_ACTION[1]),  # 行動量 2 is in both めざす姿
            ]
        }
    )
    errors = preview_upload("x.xlsx", ambiguous, user=planner).rows[0].errors
    assert "推進施策5にはめざす姿が複数あり、どのめざす姿の指標か分かりません" in errors[0]

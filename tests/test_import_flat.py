"""Layout (a): the flat template the app offers. Filled with the plan it imports to exactly the fixture; edited, it
shows each change old → new and writes exactly that; 基本目標2 can be built with it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from indicators.importing import flat, printed
from indicators.importing.datasets import Col
from indicators.importing.preview import apply_upload, preview_upload
from indicators.models import Indicator, Series, Target
from measures.models import Measure, Plan
from setagaya_plan.core.models import AuditEntry
from tests.import_files import build, snapshot

pytestmark = pytest.mark.django_db

# The template's columns with a target column for each of the plan's years, 令和6年度（2024年度）～令和13年度
# （2031年度） as the plan's cover prints its period.
PLAN_YEARS = range(2024, 2032)
HEADER = flat.flat_columns(PLAN_YEARS)


def _rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[flat.TEMPLATE_SHEET]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _edited(change) -> bytes:
    """The filled template with some cells changed: change(row dict) is called for every data row."""
    rows = _rows(flat.template_xlsx(with_data=True))
    header, body = rows[0], rows[1:]
    out = [header]
    for values in body:
        record = dict(zip(header, values, strict=True))
        change(record)
        out.append([record[column] for column in header])
    return build.xlsx({"指標": out})


def test_the_template_explains_every_column_on_its_first_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(flat.template_xlsx(with_data=False)))
    assert workbook.sheetnames == ["説明", "指標"]
    explained = {row[0] for row in workbook["説明"].iter_rows(values_only=True) if row and row[0]}
    for column in HEADER:
        assert column in explained or column.startswith("令和"), column
    assert [cell.value for cell in workbook["指標"][1]] == HEADER


def test_the_filled_template_imports_to_exactly_the_fixture(planner_user):
    before = snapshot.everything()
    data = flat.template_xlsx(with_data=True)
    preview = preview_upload("plan.xlsx", data, user=planner_user)
    assert preview.layouts == ["一覧形式（テンプレート）"]
    assert preview.counts == {"new": 0, "changed": 0, "unchanged": Series.objects.count(), "conflict": 0, "error": 0}
    apply_upload("plan.xlsx", data, user=planner_user)
    assert snapshot.everything() == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_the_template_as_csv_in_utf8_or_shift_jis(planner_user, encoding):
    text = flat.template_csv(with_data=True).decode("utf-8-sig")
    data = text.encode(encoding, errors="strict") if encoding != "cp932" else text.replace("～", "〜").encode("cp932")
    preview = preview_upload("plan.csv", data, user=planner_user)
    statuses = {row.status for row in preview.rows}
    if encoding == "cp932":
        # Shift_JIS cannot hold 「～」 (U+FF5E); Excel writes it as 〜, which is then a real change of one name.
        assert statuses <= {"unchanged", "changed"}
        assert all(("～" in old) for row in preview.rows for _, old, _ in row.changes)
    else:
        assert statuses == {"unchanged"}


def test_edits_are_shown_old_to_new_and_written_exactly(planner_user):
    def change(record):
        if record[Col.CODE] == "G1-M05-V1-A1":
            record[Col.NAME] = "お部屋探しサポートの相談者数"
            record["令和7年度（2025年度）"] = 295
            record[Col.BASELINE_NOTE] = "令和5年度実績"
            record[Col.DIRECTION] = "減少をめざす"
            record[Col.PLAN_REFS] = "9-1、9-2"
            record["令和10年度（2028年度）"] = "３１０人"
        if record[Col.CODE] == "G1-M10-V1-O5" and record[Col.PART] == "b":
            record[Col.TOTAL] = 2600

    data = _edited(change)
    preview = preview_upload("edit.xlsx", data, user=planner_user)
    changed = {row.label: row.changes for row in preview.rows if row.status == "changed"}
    assert changed == {
        "G1-M05-V1-A1 お部屋探しサポートの相談者数": [
            ("名称", "お部屋探しサポートの利用相談者数", "お部屋探しサポートの相談者数"),
            ("方向", "増加をめざす", "減少をめざす"),
            ("実施計画 施策", "9-1", "9-1、9-2"),
            ("現況値の時点", "令和5年度見込み", "令和5年度実績"),
            ("令和10年度（2028年度）目標", "（なし）", "310人"),
            ("令和7年度（2025年度）目標", "290人", "295人"),
        ],
        "G1-M10-V1-O5 個別避難計画作成数（多摩川洪水浸水想定区域以外）": [("総量", "2,560", "2,600")],
    }
    before = snapshot.plan()
    apply_upload("edit.xlsx", data, user=planner_user)
    after = snapshot.plan()
    indicator = Indicator.objects.get(code="G1-M05-V1-A1")
    assert (indicator.name, indicator.direction) == ("お部屋探しサポートの相談者数", "down")
    series = indicator.series.get()
    assert series.baseline_note == "令和5年度実績"
    assert series.targets.get(fiscal_year=2025).value == Decimal(295)
    assert series.targets.get(fiscal_year=2028).value == Decimal(310)
    # Nothing else moved.
    changed_codes = {
        row[0]
        for key in ("indicators", "series", "targets", "plan_items")
        for row in set(after[key]) ^ set(before[key])
    }
    assert changed_codes == {"G1-M05-V1-A1", "G1-M10-V1-O5"}
    # Idempotent: importing the same file again changes nothing.
    assert {row.status for row in preview_upload("edit.xlsx", data, user=planner_user).rows} == {"unchanged"}


def test_a_target_over_several_years_by_merged_cells_or_arrows(planner_user):
    rows = _rows(flat.template_xlsx(with_data=True))
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if row[0] == "G1-M10-V1-A1")
    first = header.index("令和6年度（2024年度）") + 1
    letter = openpyxl.utils.get_column_letter
    merged = build.xlsx({"指標": rows}, merges={"指標": [f"{letter(first)}{index + 1}:{letter(first + 3)}{index + 1}"]})
    preview = preview_upload("merged.xlsx", merged, user=planner_user)
    row = next(r for r in preview.rows if r.label.startswith("G1-M10-V1-A1"))
    assert row.changes == [
        ("令和6年度（2024年度）目標", "28回", "28回（令和6年度（2024年度）～令和9年度（2027年度））"),
        ("令和7年度（2025年度）目標", "28回", "（なし）"),
        ("令和8年度（2026年度）目標", "28回", "（なし）"),
        ("令和9年度（2027年度）目標", "28回", "（なし）"),
    ]
    apply_upload("merged.xlsx", merged, user=planner_user)
    series = Series.objects.get(indicator__code="G1-M10-V1-A1")
    assert list(series.targets.values_list("fiscal_year", "end_fiscal_year", "value")) == [(2024, 2027, Decimal(28))]
    # The export writes the same target with 「←」, which reads back as the same target.
    exported = flat.template_xlsx(with_data=True)
    line = next(r for r in _rows(exported) if r[0] == "G1-M10-V1-A1")
    assert line[first - 1 : first + 3] == [28, "←", "←", "←"]
    assert {r.status for r in preview_upload("plan.xlsx", exported, user=planner_user).rows} == {"unchanged"}


def test_the_header_may_sit_below_title_rows_and_columns_may_be_missing(planner_user):
    data = build.xlsx(
        {
            "説明書き": [["このシートは読み飛ばします"]],
            "更新分": [
                ["令和6年度 目標の更新"],
                [],
                ["コード", "名称", "令和6年度（2024年度）", "備考"],
                ["G1-M05-V1-A2", "補助対象住宅の新規登録件数", "９件", "ほかの列は無視"],
            ],
        }
    )
    preview = preview_upload("update.xlsx", data, user=planner_user)
    assert preview.sheets == ["更新分"]
    assert [(row.where, row.changes) for row in preview.rows] == [
        ("シート「更新分」 4行目", [("令和6年度（2024年度）目標", "8件", "9件")])
    ]
    apply_upload("update.xlsx", data, user=planner_user)
    series = Series.objects.get(indicator__code="G1-M05-V1-A2")
    # Columns the file does not have keep their values: 2025–2027, baseline, unit, ….
    assert list(series.targets.values_list("fiscal_year", "value")) == [
        (y, Decimal(8) if y > 2024 else Decimal(9)) for y in range(2024, 2028)
    ]
    assert (series.baseline_value, series.indicator.unit) == (Decimal(7), "件")


def test_goal_2_measures_visions_and_indicators_are_created_from_the_template(planner_user, section):
    header = HEADER
    base = {column: "" for column in header}
    rows = [
        {
            **base,
            Col.GOAL: 2, Col.MEASURE: 3, Col.MEASURE_TITLE: "相談支援体制の充実",
            Col.VISION: 1, Col.VISION_STATEMENT: "身近な地区で相談できる体制が整っています。",
            Col.KIND: "成果指標", Col.NUMBER: "1", Col.NAME: "相談支援の研修参加者数", Col.UNIT: "人",
            Col.DIRECTION: "増加をめざす", Col.TOTAL_KIND: "各年度の合計", Col.PART: "a", Col.PART_LABEL: "区職員",
            Col.BASELINE: 40, Col.BASELINE_NOTE: "令和5年度見込み", "令和6年度（2024年度）": 50,
            "令和7年度（2025年度）": "←", Col.TOTAL: 100, Col.SECTION: section.name, Col.PLAN_REFS: "5-2",
        },
        {
            **base,
            Col.GOAL: 2, Col.MEASURE: 3, Col.VISION: 1, Col.KIND: "成果指標", Col.NUMBER: "1",
            Col.NAME: "相談支援の研修参加者数", Col.UNIT: "人", Col.DIRECTION: "増加をめざす",
            Col.TOTAL_KIND: "各年度の合計", Col.PART: "b", Col.PART_LABEL: "事業者", Col.BASELINE: 10,
            "令和6年度（2024年度）": 20, Col.SECTION: section.name, Col.PLAN_REFS: "5-2",
        },
    ]  # fmt: skip
    data = build.xlsx({"指標": [header, *([row[c] for c in header] for row in rows)]})
    preview = preview_upload("goal2.xlsx", data, user=planner_user)
    assert [row.status for row in preview.rows] == ["new", "new"]
    assert preview.rows[0].changes[:3] == [
        ("推進施策", "（なし）", "基本目標2－推進施策3 相談支援体制の充実（新規）"),
        ("めざす姿", "（なし）", "めざす姿1（新規）"),
        ("指標", "（なし）", "G2-M03-V1-O1 相談支援の研修参加者数（新規）"),
    ]
    apply_upload("goal2.xlsx", data, user=planner_user)
    indicator = Indicator.objects.get(code="G2-M03-V1-O1")
    assert indicator.section == section
    assert [(s.key, s.label, s.baseline_value) for s in indicator.series.all()] == [
        ("a", "区職員", Decimal(40)),
        ("b", "事業者", Decimal(10)),
    ]
    assert list(
        Target.objects.filter(series__indicator=indicator).values_list("series__key", "fiscal_year", "end_fiscal_year")
    ) == [
        ("a", 2024, 2025),
        ("b", 2024, 2024),
    ]
    assert Measure.objects.get(goal__number=2, number=3).title == "相談支援体制の充実"
    # The export now carries 基本目標2 and imports back unchanged.
    exported = flat.template_xlsx(with_data=True)
    assert {row.status for row in preview_upload("plan.xlsx", exported, user=planner_user).rows} == {"unchanged"}


def test_a_file_with_one_bad_row_writes_nothing_at_all(planner_user):
    def change(record):
        if record[Col.CODE] == "G1-M05-V1-A1":
            record[Col.NAME] = "変更された名称"
        if record[Col.CODE] == "G1-M05-V1-A2":
            record["令和6年度（2024年度）"] = "12O件"  # a letter O typed for a zero

    data = _edited(change)
    before = snapshot.everything()
    preview = preview_upload("bad.xlsx", data, user=planner_user)
    assert preview.counts["changed"] == 1 and preview.counts["error"] == 1
    result = apply_upload("bad.xlsx", data, user=planner_user)
    assert result.has_errors
    assert snapshot.everything() == before


def test_the_confirmed_import_writes_an_audit_entry(planner_user):
    data = _edited(lambda r: r.update({Col.UNIT: "か所"}) if r[Col.CODE] == "G1-M10-V1-A3" else None)
    apply_upload("units.xlsx", data, user=planner_user)
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.object_repr) == (planner_user, str(Indicator.objects.get(code="G1-M10-V1-A3")))
    assert (entry.source, entry.changes) == ("units.xlsx", {"単位": ["回", "か所"]})


def test_exports_escape_formula_cells_and_read_them_back(planner_user):
    Indicator.objects.filter(code="G1-M05-V1-A1").update(name='=HYPERLINK("http://example.com")', qualifier="@注記")
    Series.objects.filter(indicator__code="G1-M05-V1-A2").update(baseline_note="-令和5年度", baseline_text="+α")
    for data, name in (
        (flat.template_xlsx(with_data=True), "plan.xlsx"),
        (flat.template_csv(with_data=True), "plan.csv"),
    ):
        text = (
            data.decode("utf-8-sig")
            if name.endswith(".csv")
            else "\n".join(str(cell) for row in _rows(data) for cell in row)
        )
        for escaped in ("'=HYPERLINK", "'@注記", "'-令和5年度", "'+α"):
            assert escaped in text, (name, escaped)
        # The quote is the export's, not the data's: importing the export changes nothing.
        assert {row.status for row in preview_upload(name, data, user=planner_user).rows} == {"unchanged"}
    # The printed layout carries the name (and the known qualifiers 延べ / 重複あり only).
    Indicator.objects.filter(code="G1-M05-V1-A1").update(qualifier="")
    Series.objects.filter(indicator__code="G1-M05-V1-A2").update(baseline_note="令和5年12月時点", baseline_text="")
    printed_export = printed.export_workbook(Measure.objects.filter(goal__number=1, number=5))
    sheet = openpyxl.load_workbook(io.BytesIO(printed_export)).active
    assert any(str(c.value).startswith("'=HYPERLINK") for row in sheet.iter_rows() for c in row if c.value)
    assert {row.status for row in preview_upload("p.xlsx", printed_export, user=planner_user).rows} == {"unchanged"}


def test_a_plan_revised_to_run_longer_gets_its_year_columns_without_a_change_of_code(planner_user):
    # The mid-term review may extend the plan: its years come from the plan in the database, nowhere else.
    Plan.objects.update(end_fiscal_year=2033)
    later = "令和15年度（2033年度）"
    workbook = openpyxl.load_workbook(io.BytesIO(flat.template_xlsx(with_data=False)))
    assert [cell.value for cell in workbook["指標"][1]] == flat.flat_columns(range(2024, 2034))
    explained = [row[0] for row in workbook["説明"].iter_rows(values_only=True)]
    assert "令和6年度（2024年度）… 令和15年度（2033年度）" in explained
    data = build.xlsx({"指標": [["コード", "名称", later], ["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", 333]]})
    result = apply_upload("plan.xlsx", data, user=planner_user)
    assert not result.has_errors
    target = Target.objects.get(series__indicator__code="G1-M05-V1-A1", fiscal_year=2033)
    assert target.value == Decimal(333)

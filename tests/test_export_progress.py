"""`manage.py export_progress`: every value shape of the plan survives the JSON export exactly.

Expected records are written by reading the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from indicators.entry.workflow import SeriesValue, save_report
from indicators.models import Series

pytestmark = pytest.mark.django_db

KAIGO10 = "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み"


@pytest.fixture
def records(tmp_path) -> dict[str, dict]:
    path = tmp_path / "progress.json"
    call_command("export_progress", "--format", "json", "-o", str(path), stderr=io.StringIO())
    return {record["code"]: record for record in json.loads(path.read_text(encoding="utf-8"))}


def original(value, text="", **more) -> list[dict]:
    """The history of a value never revised: 当初 only (docs/export.md)."""
    return [{"revision": "当初", "decided": None, "value": value, "text": text, **more}]


def baseline(value, note="", text="") -> dict:
    history = original(value, text, note=note)
    return {"value": value, "note": note, "text": text, "confirmed": None, "history": history}


def total(value, text="") -> dict:
    return {"value": value, "text": text, "history": original(value, text)}


def single(value, text="", deferred_to="", years=None):
    history = original(value, text, deferred_to=deferred_to, years=years)
    return {"value": value, "text": text, "deferred_to": deferred_to, "years": years, "history": history}


def yearly(*values):
    return {str(year): single(value, years=[year]) for year, value in zip(range(2024, 2028), values, strict=True)}


def test_every_indicator_is_exported(records):
    assert len(records) == 80


def test_plain_count_with_baseline_note_and_plan_ref(records):
    # 推進施策9 行動量1 ティーンズプロジェクトの実施回数: １３０回（令和５年度見込み）, 133/136/139/142, 総量 5５０回.
    record = records["G1-M09-V1-A1"]
    assert record["kind"] == "行動量" and record["number"] == "1"
    assert record["name"] == "ティーンズプロジェクトの実施回数"
    assert record["unit"] == "回" and record["direction"] == "up" and record["total_kind"] == "sum"
    assert record["plan_refs"] == ["3-1"]
    assert record["baseline"] == baseline(130, "令和5年度見込み", "")
    assert record["targets"] == yearly(133, 136, 139, 142)
    assert record["total"] == total(550, "")
    assert record["parts"] == [] and "actuals" not in record


def test_rate_with_mixed_width_digits(records):
    # 推進施策1 成果指標3 専門職等における福祉の相談窓口の認知度: ９2．8% → 93.0 … 94.5, 総量 94.5%.
    record = records["G1-M01-V1-O3"]
    assert record["unit"] == "%" and record["total_kind"] == "last"
    assert record["baseline"]["value"] == 92.8
    assert record["targets"] == yearly(93.0, 93.5, 94.0, 94.5)
    assert record["total"]["value"] == 94.5


def test_text_target_spanning_four_years_and_dash_baseline(records):
    record = records["G1-M01-V1-A2"]
    sentence = "各地区の四者連携の取組みの中で、１０歳代～３０歳代の若者に対して周知活動を実施する。"
    assert record["baseline"] == baseline(None, "", "―")
    assert record["total"] == total(None, "―")
    assert record["total_kind"] == "none" and record["unit"] == ""
    cell = single(None, text=sentence, years=[2024, 2025, 2026, 2027])
    assert record["targets"] == {"2024": cell, "2025": cell, "2026": cell, "2027": cell}


def test_text_step_per_year(records):
    # 推進施策2 行動量2 在宅療養資源マップのWeb運用: ― / 一部運用 / 全面運用 / アクセス数向上に向けた取組み ×2 / ―.
    targets = records["G1-M02-V1-A2"]["targets"]
    assert [targets[str(y)]["text"] for y in range(2024, 2028)] == [
        "一部運用",
        "全面運用",
        "アクセス数向上に向けた取組み",
        "アクセス数向上に向けた取組み",
    ]


def test_compound_count_with_merged_and_deferred_years(records):
    # 推進施策5 めざす姿2 行動量1-① 認知症高齢者グループホームの新規整備数: 整備数 1箇所 / 累計整備数 49箇所;
    # ４箇所 over 令和6–8年度; 令和9年度 第10期…に基づく取組み; 総量 整備数 4箇所 / 累計整備数 53箇所.
    record = records["G1-M05-V2-A1-1"]
    assert record["number"] == "1-①" and record["plan_refs"] == ["9-1"]
    assert record["baseline"] is None and record["targets"] == {} and record["total"] is None
    yearly_part, running_part = record["parts"]
    merged = single(4, years=[2024, 2025, 2026])
    deferred = single(None, deferred_to=KAIGO10, years=[2027])
    assert yearly_part == {
        "key": "yearly",
        "label": "整備数",
        "unit": "箇所",
        "total_kind": "sum",
        "baseline": baseline(1),
        "targets": {"2024": merged, "2025": merged, "2026": merged, "2027": deferred},
        "total": total(4),
    }
    assert running_part["key"] == "cumulative" and running_part["label"] == "累計整備数"
    assert running_part["total_kind"] == "cumulative"
    assert running_part["baseline"]["value"] == 49 and running_part["total"]["value"] == 53


def test_running_total_outcome_with_deferred_year(records):
    # 成果指標1-① 認知症高齢者グループホームの定員数（累計）: 9１８人, ９９０人 (令和6–8), 第10期,
    # 総量 ９９０人（累計）.
    record = records["G1-M05-V2-O1-1"]
    assert record["total_kind"] == "cumulative"
    assert record["baseline"]["value"] == 918
    assert record["targets"]["2026"] == single(990, years=[2024, 2025, 2026])
    assert record["targets"]["2027"]["deferred_to"] == KAIGO10
    assert record["total"]["value"] == 990 and "累計" in record["total"]["text"]


def test_sub_series_a_and_b(records):
    # 推進施策10 成果指標5 個別避難計画作成数: a)340件 b)3,200件（令和５年度見込み）; a)60/70/80/90 b)640×4;
    # 総量 a)３０0件 b)2,560件.
    parts = {part["key"]: part for part in records["G1-M10-V1-O5"]["parts"]}
    assert parts["a"]["label"] == "多摩川洪水浸水想定区域内"
    assert parts["b"]["label"] == "多摩川洪水浸水想定区域以外"
    assert parts["a"]["baseline"] == baseline(340, "令和5年度見込み", "")
    assert parts["b"]["baseline"] == baseline(3200, "令和5年度見込み", "")
    assert parts["a"]["targets"] == yearly(60, 70, 80, 90)
    assert parts["b"]["targets"] == yearly(640, 640, 640, 640)
    assert parts["a"]["total"]["value"] == 300 and parts["b"]["total"]["value"] == 2560


def test_qualifiers_direction_and_footnote(records):
    # 推進施策1 めざす姿2 成果指標1: 4６４件（重複あり） → 430/400/370/340, aims down.
    held = records["G1-M01-V2-O1"]
    assert held["qualifier"] == "重複あり" and held["direction"] == "down"
    assert held["targets"] == yearly(430, 400, 370, 340)
    assert held["footnotes"][0].startswith(
        "※相談支援機関等が把握している複雑化・複合化した課題等を抱えている区民のうち"
    )
    # 成果指標2 研修の参加人数（延べ人数）: unit 名, 延べ.
    assert records["G1-M01-V2-O2"]["qualifier"] == "延べ" and records["G1-M01-V2-O2"]["unit"] == "名"
    # めざす姿3 成果指標1 孤立していると思われる区民の割合※: 13.8% → 12.0%, aims down, with its ※ definition.
    isolated = records["G1-M01-V3-O1"]
    assert isolated["direction"] == "down"
    assert isolated["footnotes"] == [
        "※他者の支援状況から見た孤立。不安や悩みに対して行政機関等からの支援を受けていない、かつ、"
        "不安や悩みが生じた場合、身近に相談相手がいない者。"
    ]


def test_relisted_indicator_is_exported_once_with_both_places(records):
    record = records["G1-M01-V4-A2"]
    assert record["name"] == "地域資源開発における団体訪問件数"
    assert record["baseline"] == baseline(6358, "令和5年度見込み", "")
    assert record["total"]["value"] == 27600
    assert record["listed_under"] == [
        {"goal": 1, "measure": 1, "vision": 4, "number": "2", "relisted": False},
        {"goal": 1, "measure": 9, "vision": 1, "number": "3", "relisted": True},
    ]
    assert not [code for code, r in records.items() if code != "G1-M01-V4-A2" and r["name"] == record["name"]]


def test_baseline_as_of_december(records):
    # 推進施策9 行動量2: １１０回（令和５年12 月時点）.
    assert records["G1-M09-V1-A2"]["baseline"] == baseline(110, "令和5年12月時点", "")


def test_actuals_appear_once_they_exist(tmp_path):
    series = Series.objects.get(indicator__code="G1-M09-V1-A1")
    save_report(
        indicator=series.indicator,
        fiscal_year=2024,
        user=None,
        values={"": SeriesValue(Decimal("131"))},
        expected_version=None,
    )
    path = tmp_path / "p.json"
    call_command("export_progress", "-o", str(path), "--year", "2024", stderr=io.StringIO())
    record = next(r for r in json.loads(path.read_text()) if r["code"] == "G1-M09-V1-A1")
    assert record["actuals"] == {"2024": {"value": 131, "text": ""}}
    assert list(record["targets"]) == ["2024"]


def test_csv_is_utf8_with_bom_and_escapes_formulas(tmp_path):
    Series.objects.filter(indicator__code="G1-M09-V1-A1").update(baseline_text='=HYPERLINK("x")')
    path = tmp_path / "p.csv"
    call_command("export_progress", "--format", "csv", "-o", str(path), stderr=io.StringIO())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:7] == ["コード", "基本目標", "推進施策", "めざす姿", "種別", "番号", "名称"]
    assert "令和6年度（2024年度）目標" in header
    row = next(r for r in rows if r[0] == "G1-M09-V1-A1")
    assert row[header.index("現況値（表記）")] == '\'=HYPERLINK("x")'
    assert row[header.index("令和6年度（2024年度）目標")] == "133"
    # one row per part: 個別避難計画作成数 a) and b)
    assert [r[7] for r in rows if r[0] == "G1-M10-V1-O5"] == ["a", "b"]


def test_xlsx_opens_with_openpyxl(tmp_path):
    path = tmp_path / "p.xlsx"
    call_command("export_progress", "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "指標"
    assert sheet["A1"].value == "コード"
    assert sheet.freeze_panes == "H2"
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "G1-M05-V2-A1-1" in codes and len(codes) == 80 + 5  # five indicators have two parts each


def test_xlsx_needs_an_output_file():
    with pytest.raises(CommandError, match="-o でファイルを指定"):
        call_command("export_progress", "--format", "xlsx")


def test_year_out_of_range_is_refused():
    with pytest.raises(CommandError, match="年度「6」を読み取れません"):
        call_command("export_progress", "--year", "6")

"""The small readers behind every layout: printed value cells, name cells and 番号 (tables of real cells from the
printed plan and of what people type). Fiscal years are read by setagaya_plan.core.fiscal_years
(tests/test_fiscal_years.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.importing.cells import (
    CellError,
    join_lines,
    parse_name_cell,
    parse_number_cell,
    parse_value_cell,
    plan_refs_from_text,
    unescape_formula,
)

D = Decimal


@pytest.mark.parametrize(
    ("raw", "kind", "value", "unit", "note", "qualifier"),
    [
        ("２８０人\n（令和５年度 \n見込み）", "number", D(280), "人", "令和5年度見込み", ""),
        ("7 件\n（令和５年\n12 月時点）", "number", D(7), "件", "令和5年12月時点", ""),
        ("７３．１％\n（令和４年度）", "number", D("73.1"), "%", "令和4年度", ""),
        ("9１８人", "number", D(918), "人", "", ""),
        ("1,180 人", "number", D(1180), "人", "", ""),
        ("6，3５８件", "number", D(6358), "件", "", ""),
        ("25 .3％", "number", D("25.3"), "%", "", ""),
        ("１，８１６\n箇所", "number", D(1816), "箇所", "", ""),
        ("4６４件\n（重複あり）", "number", D(464), "件", "", "重複あり"),
        ("延べ\n53０名", "number", D(530), "名", "", "延べ"),
        ("延べ２，１２0 名", "number", D(2120), "名", "", "延べ"),
        (92.8, "number", D("92.8"), "", "", ""),
        (1180, "number", D(1180), "", "", ""),
        (0.30000000000000004, "number", D("0.3"), "", "", ""),
        ("―", "dash", None, "", "", ""),
        ("－", "dash", None, "", "", ""),
        ("", "empty", None, "", "", ""),
        (None, "empty", None, "", "", ""),
        ("←", "continue", None, "", "", ""),
        ("一部運用", "text", None, "", "", ""),
        ("年２回開催", "text", None, "", "", ""),
    ],
)
def test_a_printed_value_cell(raw, kind, value, unit, note, qualifier):
    cell = parse_value_cell(raw)
    assert (cell.kind, cell.value, cell.unit, cell.note, cell.qualifier) == (kind, value, unit, note, qualifier)


def test_a_running_total_keeps_its_printed_text():
    cell = parse_value_cell("４８件\n（累計）")
    assert (cell.value, cell.cumulative, cell.printed_total_text()) == (D(48), True, "48件（累計）")


@pytest.mark.parametrize(
    ("raw", "parts", "note"),
    [
        ("整備数\n１箇所\n累計整備数\n４９箇所", [("", "整備数", D(1)), ("", "累計整備数", D(49))], ""),
        ("修了人数 ８０人 \n累計人数 １１４人", [("", "修了人数", D(80)), ("", "累計人数", D(114))], ""),
        ("a)340 件\nb)3,200 件\n（令和５年度\n見込み）", [("a", "", D(340)), ("b", "", D(3200))], "令和5年度見込み"),
        ("ａ）６0 件\nｂ）640 件", [("a", "", D(60)), ("b", "", D(640))], ""),
    ],
)
def test_several_values_in_one_cell(raw, parts, note):
    cell = parse_value_cell(raw)
    assert cell.kind == "parts"
    assert [(p.key, p.label, p.value) for p in cell.parts] == parts
    assert all(p.note == note for p in cell.parts)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (
            "第 10 期\n世田谷区\n高齢者保健\n福祉計画・\n介護保険\n事業計画\nに基づく取\n組み",
            "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み",
        ),
        ("他計画：第10期計画", "第10期計画"),
    ],
)
def test_a_year_left_to_another_plan(raw, text):
    cell = parse_value_cell(raw)
    assert (cell.kind, cell.text) == ("deferred", text)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,23,4件", "桁区切りのカンマの位置が正しくありません（3桁ごと、例：1,234）。"),
        ("1.2.3", "小数点が複数あります（例：12.5）。"),
        ("120%", "割合（%）は0から100までの値で入力してください。"),
        ("－５人", "マイナスの値は入力できません（件数・人数などは0以上です）。"),
        ("123456789012345人", "桁数が多すぎます（整数部分は14桁までです）。"),
        ("1.23456", "小数点以下は4桁までで入力してください。"),
        (1.23456, "小数点以下は4桁までで入力してください。"),
        (float("nan"), "数値として読み取れません。"),
    ],
)
def test_a_malformed_number_says_what_to_fix(raw, message):
    with pytest.raises(CellError) as caught:
        parse_value_cell(raw)
    assert str(caught.value) == message


def test_the_quote_of_an_escaped_export_is_taken_off():
    assert unescape_formula("'=1+1") == "=1+1"
    assert unescape_formula("'普通の文") == "'普通の文"
    assert parse_value_cell("'-").kind == "dash"


@pytest.mark.parametrize(
    ("raw", "name", "refs", "relisted", "labels"),
    [
        (
            "お部屋探しサポートの利\n用相談者数\n【実施計画 施策 9－１】",
            "お部屋探しサポートの利用相談者数",
            ("9-1",),
            False,
            {},
        ),
        (
            "地域資源開発における団\n体訪問件数【再掲】\n【実施計画 施策８－２】",
            "地域資源開発における団体訪問件数",
            ("8-2",),
            True,
            {},
        ),
        (
            "個別避難計画作成数\na)多摩川洪水浸水想定区域内\nb)多摩川洪水浸水想定区域以外\n【実施計画 施策１０－１】",
            "個別避難計画作成数",
            ("10-1",),
            False,
            {"a": "多摩川洪水浸水想定区域内", "b": "多摩川洪水浸水想定区域以外"},
        ),
        ("在宅療養資源マップの Web 運用", "在宅療養資源マップのWeb運用", (), False, {}),
        ("瞬間ボランティア＊育成講\n習会の開催", "瞬間ボランティア＊育成講習会の開催", (), False, {}),
        (
            "相談内容をつなげず抱え込んでしまっているケースの件数※",
            "相談内容をつなげず抱え込んでしまっているケースの件数",
            (),
            False,
            {},
        ),
        ("指標【実施計画 施策９－１、９－３】", "指標", ("9-1", "9-3"), False, {}),
    ],
)
def test_a_name_cell(raw, name, refs, relisted, labels):
    cell = parse_name_cell(raw)
    assert (cell.name, cell.plan_refs, cell.relisted, cell.part_labels) == (name, refs, relisted, labels)


@pytest.mark.parametrize(("raw", "number"), [("１-①", "1-①"), ("３－②", "3-②"), (2, "2"), (3.0, "3"), (" １ ", "1")])
def test_a_number_cell(raw, number):
    assert parse_number_cell(raw) == number


def test_joining_lines_drops_the_layout_spaces_only():
    assert join_lines("第 10 期\n世田谷区") == "第10期世田谷区"
    assert join_lines("ICT を\n使った Web 会議") == "ICTを使ったWeb会議"
    assert plan_refs_from_text("９－１、10-2 / 3‐1") == ("9-1", "10-2", "3-1")

"""推進施策５ and 推進施策10's indicator tables as the ward's 実施計画 sheet prints them, transcribed cell by cell from
the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章) — never from fixtures/plan, which they are checked
against.

Cells keep what the printed plan shows: full-width and half-width digits mixed, stray spaces ("7 件", "28 回"), line
breaks inside names and values, notes in parentheses over two lines, a)/b) values and 整備数 / 累計整備数 on
several lines, 【実施計画 施策 9－１】 in names. Where the printed table has one cell over several columns or rows,
the sheet merges them: 「４箇所」 over 令和６–８年度 and the 第10期 cell over rows 1-① and 1-② (推進施策5 めざす姿2
「取組みの行動量」 and 「取組みの成果指標」; see tests/source_expectations/measure05.py).

Both 推進施策 are on ONE sheet, the tables starting in column B below title rows, narrative rows and blank rows,
so nothing can depend on fixed rows or columns.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

YEARS_HEADER = [
    "令和６年度\n（２０２４年度）",
    "令和７年度\n（２０２５年度）",
    "令和８年度\n（２０２６年度）",
    "令和９年度\n（２０２７年度）",
]
KAIGO10_ACTION = "第 10 期\n世田谷区\n高齢者保健\n福祉計画・\n介護保険\n事業計画\nに基づく取\n組み"
KAIGO10_OUTCOME = "第 10 期 \n世田谷区高\n齢者保健福\n祉 計 画 ・ 介\n護保険事業\n計画に基づ\nく取組み"

# (番号, name, 現況値, 令和6, 令和7, 令和8, 令和9, 総量); None where a merged cell continues.
MEASURE5_VISION1_ACTION = [
    (
        "１",
        "お部屋探しサポートの利\n用相談者数\n【実施計画 施策 9－１】",
        "２８０人\n（令和５年度 \n見込み）",
        "２９０人",
        "２９０人",
        "３００人",
        "300 人",
        "1,180 人",
    ),
    (
        "２",
        "補助対象住宅の新規登録\n件数\n【実施計画 施策 9－１】",
        "7 件\n（令和５年\n12 月時点）",
        "８件",
        "８件",
        "８件",
        "8 件",
        "３２件",
    ),
]
MEASURE5_VISION1_OUTCOME = [
    (
        "１",
        "お部屋探しサポートによる\n物件情報提供を受けた利\n用者数\n【実施計画 施策 9－１】",
        "１２０人\n（令和５年度 \n見込み）",
        "１３０人",
        "１３０人",
        "１４０人",
        "１４０人",
        "５４０人",
    ),
    (
        "２",
        "補助対象住宅への入居件\n数（累計）\n【実施計画 施策 9－１】",
        "１４件\n（令和５年\n12 月時点）",
        "２４件",
        "３２件",
        "４０件",
        "４８件",
        "４８件\n（累計）",
    ),
]
MEASURE5_VISION2_ACTION = [
    (
        "１-①",
        "認知症高齢者グループ\nホームの新規整備数\n【実施計画 施策 9－１】",
        "整備数\n１箇所\n累計整備数\n４９箇所",
        "４箇所",
        None,
        None,
        KAIGO10_ACTION,
        "整備数\n４箇所\n累計整備数\n５３箇所",
    ),
    (
        "１-②",
        "都市型軽費老人ホームの\n新規整備数\n【実施計画 施策 9－１】",
        "整備数\n０箇所\n累計整備数\n１１箇所",
        "３箇所",
        None,
        None,
        None,
        "整備数\n３箇所\n累計整備数\n１４箇所",
    ),
    (
        "２",
        "重度障害者向けグループ\nホームの新規施設整備数\n【実施計画 施策 9－１】",
        "整備数\n１箇所\n累計整備数\n４箇所",
        "２箇所",
        "１箇所",
        "４箇所",
        "１箇所",
        "整備数\n８箇所\n累計整備数\n１２箇所",
    ),
]
MEASURE5_VISION2_OUTCOME = [  # 1-①'s 総量 continues after the page break with （累計）
    (
        "１-①",
        "認知症高齢者グループ\nホームの定員数（累計）\n【実施計画 施策 9－１】",
        "9１８人",
        "９９０人",
        None,
        None,
        KAIGO10_OUTCOME,
        "９９０人\n（累計）",
    ),
    (
        "１-②",
        "都市型軽費老人ホームの\n定員数（累計）\n【実施計画 施策 9－１】",
        "200 人",
        "２６０人",
        None,
        None,
        None,
        "260 人\n（累計）",
    ),
    (
        "２",
        "重度障害者向けグループホーム\nの定員数（累計）\n【実施計画 施策 9－１】",
        "４４人",
        "53 人",
        "５８人",
        "110 人",
        "１１５人",
        "１１５人\n（累計）",
    ),
]
MEASURE10_ACTION = [
    (
        "１",
        "防災塾の実施回数\n【実施計画 施策１０－１】",
        "28 回\n（令和５年度 \n見込み）",
        "28 回",
        "28 回",
        "28 回",
        "28 回",
        "112 回",
    ),
    (
        "2",
        "女性防災コーディネーター\n養成講座の修了人数\n【実施計画 施策１０－１】",
        "修了人数\n０人\n累計人数\n３４人",
        "20 人",
        "20 人",
        "20 人",
        "20 人",
        "修了人数 ８０人 \n累計人数 １１４人",
    ),
    (
        "３",
        "マイ・タイムライン作成講\n習会実施回数\n【実施計画 施策１０－１】",
        "―",
        "2 回",
        "2 回",
        "2 回",
        "2 回",
        "8 回",
    ),
    ("４", "瞬間ボランティア＊育成講\n習会の開催", "1 回", "1 回", "1 回", "1 回", "1 回", "4 回"),
    (
        "５",
        "個別避難計画作成案内送\n付者数\n【実施計画 施策１０－１】",
        "8,452 人",
        "5,700 人",
        "5,700 人",
        "5,700 人",
        "5,700 人",
        "22,800 人",
    ),
]
MEASURE10_OUTCOME = [
    (
        "１",
        "防災塾に参加したことで、\n自分の地区の災害リスクや、\n自らとるべき避難行動を\n理解した人の割合\n"
        "【実施計画 施策１０－１】",
        "７３．１％\n（令和４年度）",
        "80％",
        "83％",
        "86％",
        "90％",
        "90％",
    ),
    (
        "2",
        "女性防災コーディネーター\nによる防災研修（地域啓発\n研修）参加者数\n【実施計画 施策１０－１】",
        "285 人\n（令和５年度\n見込み）",
        "510 人",
        "510 人",
        "510 人",
        "510 人",
        "2,040 人",
    ),
    (
        "３",
        "講習会に参加し「マイ・タイムライン」\nを作成した人数\n【実施計画 施策１０－１】",
        "―",
        "50 人",
        "50 人",
        "50 人",
        "50 人",
        "200 人",
    ),
    (
        "４",
        "瞬間ボランティア育成講習\n会の参加者数",
        "26 人\n（令和５年度\n見込み）",
        "50 人",
        "50 人",
        "50 人",
        "50 人",
        "200 人",
    ),
    (
        "５",
        "個別避難計画作成数\na)多摩川洪水浸水想定区域内\nb)多摩川洪水浸水想定区域以外\n【実施計画 施策１０－１】",
        "a)340 件\nb)3,200 件\n（令和５年度\n見込み）",
        "a)６0 件\nb)640 件",
        "a)７0 件\nb)640 件",
        "a)８0 件\nb)640 件",
        "a)90 件\nb)640 件",
        "a)３０0 件\nb)2,560 件",
    ),
]

# 推進施策４ めざす姿１ 「取組みの成果指標」, its first three rows as printed: a ※ inside the name (１日に 30分以上
# 歩いている※ / 区民の割合), full-width and half-width digits side by side. Importing them must rename nothing.
MEASURE4_VISION1_OUTCOME = [
    (
        "１-①",
        "１日に 30分以上歩いている※\n区民の割合\n【実施計画 施策７－１】",
        "77.2%",
        "78.3%",
        "78.8%",
        "79.3%",
        "79.8%",
        "79.8%",
    ),
    (
        "1-②",
        "連携店舗によるせたミー\nル商品の供給数\n【実施計画 施策７－１】",
        "―",
        "4,200 食",
        "5,000 食",
        "5,000 食",
        "5,000 食",
        "19,200 食",
    ),
    (
        "2-①",
        "こころの健康に関する講座\nの参加人数\n【実施計画 施策７－２】",
        "2,０００人\n（令和５年度 \n見込み）",
        "2,100 人",
        "2,100 人",
        "2,100 人",
        "2,100 人",
        "8,400 人",
    ),
]

# Indicators of the two tables, each with its parts: what the import must leave exactly as the fixture has it.
CODES = [
    "G1-M05-V1-A1",
    "G1-M05-V1-A2",
    "G1-M05-V1-O1",
    "G1-M05-V1-O2",
    "G1-M05-V2-A1-1",
    "G1-M05-V2-A1-2",
    "G1-M05-V2-A2",
    "G1-M05-V2-O1-1",
    "G1-M05-V2-O1-2",
    "G1-M05-V2-O2",
    "G1-M10-V1-A1",
    "G1-M10-V1-A2",
    "G1-M10-V1-A3",
    "G1-M10-V1-A4",
    "G1-M10-V1-A5",
    "G1-M10-V1-O1",
    "G1-M10-V1-O2",
    "G1-M10-V1-O3",
    "G1-M10-V1-O4",
    "G1-M10-V1-O5",
]
ROW_COUNT = 25  # one dataset row per indicator or part: 5 compound indicators and 1 a)/b) add one row each


def workbook(tables=None) -> bytes:
    """The sheet 「実施計画（抜粋）」: both 推進施策 one after the other, tables from column B."""
    book = Workbook()
    sheet = book.active
    sheet.title = "実施計画（抜粋）"
    row = 1

    def put(values: list, at: int | None = None) -> int:
        nonlocal row
        at = at or row
        for offset, value in enumerate(values):
            if value is not None:
                sheet.cell(row=at, column=2 + offset, value=value)
        row = at + 1
        return at

    def title(text: str) -> None:
        at = put([text])
        sheet.merge_cells(start_row=at, start_column=2, end_row=at, end_column=9)

    def table(kind: str, rows: list[tuple]) -> None:
        title(f"■取組みの{kind}■")
        put(["番号", kind, "現況値", *YEARS_HEADER, "総量"])
        first = row
        for values in rows:
            put(list(values))
        # Cells printed once over several columns or rows.
        for index, values in enumerate(rows):
            at = first + index
            if values[3] is not None and values[4] is None and values[5] is None:
                sheet.merge_cells(start_row=at, start_column=5, end_row=at, end_column=7)
            if values[6] is not None and index + 1 < len(rows) and rows[index + 1][6] is None:
                sheet.merge_cells(start_row=at, start_column=8, end_row=at + 1, end_column=8)

    title("世田谷区地域保健医療福祉総合計画　第４章　第１節（抜粋）")
    row += 1
    for measure, visions in tables or TABLES:
        title(measure)
        row += 1
        for vision, narrative, action, outcome in visions:
            title(vision)
            put([narrative])
            row += 1
            table("行動量", action)
            row += 1
            table("成果指標", outcome)
            title("※めざす姿の実現に向けた主な取組み（表の下の注記は取り込みません）")
            row += 2
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TABLES = [
    (
        "推進施策５ 住まい",
        [
            (
                "めざす姿　１",
                "住まいを確保することが困難な方に対する居住支援の仕組みが充実しています。",
                MEASURE5_VISION1_ACTION,
                MEASURE5_VISION1_OUTCOME,
            ),
            (
                "めざす姿　２",
                "多様なニーズに応えられる、多様な住まいが確保されています。",
                MEASURE5_VISION2_ACTION,
                MEASURE5_VISION2_OUTCOME,
            ),
        ],
    ),
    (
        "推進施策10 防犯・防災",
        [
            (
                "めざす姿",
                "区民一人ひとりの防犯・防災意識が向上し、安全安心に暮らし続けることができるまちとなっています。",
                MEASURE10_ACTION,
                MEASURE10_OUTCOME,
            ),
        ],
    ),
]

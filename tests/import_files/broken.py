"""Broken files, each with the Japanese message a person must get. Every one is built here, in code.

Each list holds (id, file name, builder, expected message fragment):

* FILE_BROKEN — files the shared upload pipeline (setagaya_plan.core.uploads) refuses before any importer reads a
  row: too large, empty, .xls, encrypted, zip and XML bombs, formulas without results, CSV encodings… Both
  importers get each of them, with the same message.
* PLAN_BROKEN — readable files whose content the 実施計画 importer (indicators.importing) refuses.
* COUNTS_BROKEN — readable files whose content the consultation-count importer (consultations.imports) refuses.

The builders run inside a test with the plan loaded; the tests lower the limits (a zip bomb of 1 GB is not needed
to prove the check): IMPORT_MAX_UPLOAD_BYTES 1 KB for big.xlsx, IMPORT_MAX_UNCOMPRESSED_BYTES 1 MB, IMPORT_MAX_ROWS
50 (LIMITS).
"""

from __future__ import annotations

import datetime
import zipfile
from io import BytesIO

from openpyxl import Workbook

from indicators.importing import flat
from tests.import_files import build, source_tables

H = flat.flat_columns(range(2024, 2032))  # the plan's years, 令和6–13年度, as its cover prints them
YEAR_2024 = "令和6年度（2024年度）"


def flat_rows(*rows: dict, header: list[str] | None = None) -> bytes:
    header = header or [column for column in H]
    return build.xlsx({"指標": [header, *([row.get(column, "") for column in header] for row in rows)]})


def existing(code: str = "G1-M05-V1-A1", **values) -> dict:
    base = {"コード": code, "名称": "お部屋探しサポートの利用相談者数"} if code == "G1-M05-V1-A1" else {"コード": code}
    return {**base, **values}


def short(*rows: list, header=("コード", "名称", YEAR_2024)) -> bytes:
    return build.xlsx({"指標": [list(header), *rows]})


def actual_rows(*rows: list) -> bytes:
    return build.xlsx({"実績": [["コード", "年度", "実績", "コメント"], *rows]})


def formula_without_result() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指標"
    sheet.append(["コード", "名称", YEAR_2024])
    sheet.append(["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", "=280+10"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xml_bomb() -> bytes:
    data = short(["G1-M05-V1-A1", "x", 1])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def change(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return bomb + body.replace(b"<sheetData>", b"<sheetData><!-- &lol3; -->", 1).replace(
            b"<v>1</v>", b"<v>&lol3;</v>", 1
        )

    return build.rewrite(data, "xl/worksheets/sheet1.xml", change)


def zip_bomb() -> bytes:
    """A real xlsx plus a member that inflates 2 MB of zeros from a few KB (the test lowers the cap to 1 MB)."""
    data = short(["G1-M05-V1-A1", "x", 1])
    out = BytesIO()
    source = zipfile.ZipFile(BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\x00" * (2 * 1024 * 1024))
    return out.getvalue()


def many_rows() -> bytes:
    """Rows past the cap (the test lowers IMPORT_MAX_ROWS to 50)."""
    return short(*(["G1-M05-V1-A1", "x", 1] for _ in range(60)))


def docx_like() -> bytes:
    """A Word document renamed to .xlsx: a zip, but without a workbook."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def empty_workbook() -> bytes:
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def plan_and_actuals() -> bytes:
    return build.xlsx(
        {
            "指標": [["コード", "名称", YEAR_2024], ["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", 300]],
            "実績": [["コード", "年度", "実績"], ["G1-M05-V1-A1", 2024, 295]],
        }
    )


def printed_with_bad_year_header() -> bytes:
    return build.xlsx(
        {
            "表": [
                ["推進施策５ 住まい"],
                ["番号", "行動量", "現況値", "令和６年度\n（２０２５年度）", *source_tables.YEARS_HEADER[1:], "総量"],
                list(source_tables.MEASURE5_VISION1_ACTION[0]),
            ]
        }
    )


def truncated() -> bytes:
    """A workbook cut off half-way, as an interrupted download leaves it."""
    data = short(["G1-M05-V1-A1", "x", 1])
    return data[: len(data) // 2]


def too_many_columns() -> bytes:
    return build.xlsx({"Sheet": [[f"列{number}" for number in range(1, 202)], [1] * 201]})


COUNTS_HEADER = ["年度", "月", "地域", "地区", "相談先", "分類", "件数"]
GOOD_COUNT = [2024, 4, "", "池尻", "まちづくりセンター", "高齢", 12]


def counts(*rows: list, header: list | None = None) -> bytes:
    return build.xlsx({"相談件数": [header or COUNTS_HEADER, *rows]})


def count_with(**changes) -> bytes:
    """One good row of counts with some of its cells changed, after a good one (so the bad row is row 3)."""
    row = dict(zip(COUNTS_HEADER, GOOD_COUNT, strict=True))
    row.update(changes)
    other = [2024, 5, "", "池尻", "まちづくりセンター", "高齢", 3]
    return counts(other, [row[column] for column in COUNTS_HEADER])


LIMITS = {"IMPORT_MAX_UNCOMPRESSED_BYTES": 1024 * 1024, "IMPORT_MAX_ROWS": 50}
SMALL_UPLOAD_CAP = 1024  # IMPORT_MAX_UPLOAD_BYTES for the file named big.xlsx


# (id, file name, builder, expected message). Builders are called in the test (the plan must be loaded).
FILE_BROKEN = [
    (
        "formula-without-result",
        "x.xlsx",
        formula_without_result,
        "数式の計算結果が保存されていないセルがあります：シート「指標」 C2",
    ),
    (
        "formula-error-value",
        "x.xlsx",
        lambda: build.cache_formula_result(
            formula_without_result(), "xl/worksheets/sheet1.xml", "C2", "#DIV/0!", error=True
        ),
        "エラー値のセルがあります：シート「指標」 C2（#DIV/0!）",
    ),
    (
        "over-size-cap",
        "big.xlsx",
        lambda: b"PK\x03\x04" + b"\x00" * 2048,
        "ファイルが大きすぎます（2 KB）。取り込めるのは 1 KB までです",
    ),
    (
        "xls",
        "古い形式.xls",
        lambda: build.compound_file("Workbook", "SummaryInformation"),
        ".xlsx 形式で保存し直してください",
    ),
    ("xls-renamed", "renamed.xlsx", lambda: build.compound_file("Workbook"), ".xlsx 形式で保存し直してください"),
    (
        "password-protected",
        "secret.xlsx",
        lambda: build.compound_file("EncryptionInfo", "EncryptedPackage"),
        "パスワードで保護（暗号化）されたファイルは取り込めません",
    ),
    ("empty-workbook", "x.xlsx", empty_workbook, "ファイルにデータがありません（空のブックです）"),
    ("empty-file", "x.xlsx", lambda: b"", "ファイルが空です（0 バイト）"),
    ("empty-csv", "x.csv", lambda: "\r\n \r\n".encode("utf-8-sig"), "ファイルにデータがありません"),
    ("zip-bomb", "x.xlsx", zip_bomb, "ファイルを展開すると大きすぎます（2 MB、上限 1 MB）"),
    (
        "xml-bomb",
        "x.xlsx",
        xml_bomb,
        "ファイルに安全でない XML（エンティティ定義・DTD）が含まれているため取り込めません",
    ),
    ("not-a-workbook", "x.xlsx", lambda: "コード,名称\n".encode(), "Excel ファイル（.xlsx）として読み取れません"),
    ("docx-renamed", "x.xlsx", lambda: docx_like(), "Excel ファイル（.xlsx）として読み取れません"),
    (
        "png-renamed",
        "x.xlsx",
        lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "Excel ファイル（.xlsx）として読み取れません",
    ),
    ("truncated", "x.xlsx", truncated, "Excel ファイル（.xlsx）として読み取れません"),
    ("too-many-rows", "x.xlsx", many_rows, "行以上）。1ファイル 50 行までです。ファイルを分けてください"),
    (
        "csv-too-many-rows",
        "x.csv",
        lambda: build.csv_bytes([["年度", "月"], *([2024, 4] for _ in range(60))]),
        "行以上）。1ファイル 50 行までです",
    ),
    ("too-many-columns", "x.xlsx", too_many_columns, "列が多すぎます（201列）。200列までです"),
    ("wrong-extension", "plan.pdf", lambda: b"%PDF-1.4", "「plan.pdf」は取り込めない種類のファイルです"),
    ("no-extension", "相談件数", lambda: build.csv_bytes([["年度"]]), "「相談件数」は取り込めない種類のファイルです"),
    (
        "macro-workbook",
        "plan.xlsm",
        lambda: short(["G1-M05-V1-A1", "x", 1]),
        "マクロ付きブック（.xlsm）は取り込めません",
    ),
    ("csv-utf16", "x.csv", lambda: "コード,名称\r\n".encode("utf-16"), "UTF-16 のテキストは取り込めません"),
    ("csv-unknown-encoding", "x.csv", lambda: bytes(range(128, 256)) * 4, "CSV の文字コードを判別できません"),
    ("csv-nul", "x.csv", lambda: "年度,月\x00\r\n2024,4\r\n".encode(), "CSV の文字コードを判別できません"),
]

PLAN_BROKEN = [
    ("no-header", "x.xlsx", lambda: build.xlsx({"Sheet": [["a", "b"], [1, 2]]}), "取り込める表が見つかりません"),
    (
        "wrong-header",
        "x.xlsx",
        lambda: build.xlsx({"指標": [["番号", "名称", "種別"], ["1", "x", "行動量"]]}),
        "1行目の見出しに「コード」の列、または「推進施策」「めざす姿」の列が必要です",
    ),
    (
        "header-twice",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", 1, 2], header=("コード", "名称", YEAR_2024, "令和６年度（２０２４年度）")),
        "見出し「令和６年度（２０２４年度）」が2列あります（C列とD列）",
    ),
    ("header-only", "x.xlsx", lambda: short(), "見出し行の下に取り込む行がありません"),
    (
        "unknown-code",
        "x.xlsx",
        lambda: short(["G1-M99-V1-A1", "x", 1]),
        "コード「G1-M99-V1-A1」の指標は登録されていません",
    ),
    (
        "unknown-place",
        "x.xlsx",
        lambda: flat_rows({"基本目標": 1, "推進施策": 5, "めざす姿": 1, "種別": "行動量", "番号": "7", "名称": "架空"}),
        "推進施策5 めざす姿1 行動量 7は登録されていません。"
        "基本目標1の推進施策・めざす姿・指標は計画の印刷どおりに登録済み",
    ),
    (
        "code-and-place-differ",
        "x.xlsx",
        lambda: flat_rows(existing(**{"推進施策": 6})),
        "コード「G1-M05-V1-A1」の指標の推進施策は「5」ですが、ファイルでは「6」です",
    ),
    (
        "text-in-number",
        "x.xlsx",
        lambda: flat_rows(existing(**{"推進施策": "五"})),
        "推進施策は1以上の数字で入力してください（「五」）",
    ),
    (
        "text-actual",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", 2024, "たくさん"]),
        "「たくさん」：数値で入力してください",
    ),
    (
        "malformed-number",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", "1,2,90人"]),
        "桁区切りのカンマの位置が正しくありません",
    ),
    ("negative", "x.xlsx", lambda: short(["G1-M05-V1-A1", "x", "－５"]), "マイナスの値は入力できません"),
    (
        "rate-over-100",
        "x.xlsx",
        lambda: short(["G1-M10-V1-O1", "x", "120%"]),
        "割合（%）は0から100までの値で入力してください",
    ),
    (
        "wrong-unit",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", "290回"]),
        "単位「回」がこの指標の単位「人」と違います",
    ),
    (
        "duplicate-rows",
        "x.xlsx",
        lambda: short(
            ["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", 290],
            ["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", 291],
        ),
        "シート「指標」 2行目と同じ指標・内訳の行です（重複）",
    ),
    (
        "duplicate-actuals",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", 2024, 290], ["G1-M05-V1-A1", "令和6年度", 291]),
        "シート「実績」 2行目と同じ指標・年度の実績です（重複）",
    ),
    (
        "year-mismatch",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", 1], header=("コード", "名称", "令和6年度（2025年度）")),
        "和暦と西暦が一致しません（令和6年度は2024年度です）",
    ),
    (
        "year-outside-plan",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", 1], header=("コード", "名称", "令和15年度（2033年度）")),
        "令和15年度（2033年度）は計画期間（令和6年度（2024年度）～令和13年度（2031年度））の外です",
    ),
    ("printed-year-mismatch", "x.xlsx", printed_with_bad_year_header, "和暦と西暦が一致しません"),
    (
        "actual-year-unreadable",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", "来年度", 1]),
        "年度「来年度」を読み取れません（例：2024、令和6年度）",
    ),
    (
        "actual-year-outside",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", 2035, 1]),
        "令和17年度（2035年度）は計画期間の外です",
    ),
    (
        "unknown-part",
        "x.xlsx",
        lambda: actual_rows(["G1-M10-V1-O5/c", 2024, 1]),
        "指標 G1-M10-V1-O5 に内訳「c」はありません（あるのは a、b）",
    ),
    (
        "part-missing",
        "x.xlsx",
        lambda: actual_rows(["G1-M10-V1-O5", 2024, 1]),
        "指標 G1-M10-V1-O5 は内訳（a、b）ごとに実績を入れます",
    ),
    ("arrow-first", "x.xlsx", lambda: short(["G1-M05-V1-A1", "x", "←"]), "「←」は前の年度の目標が続くときに使います"),
    (
        "bad-direction",
        "x.xlsx",
        lambda: flat_rows(existing(**{"方向": "上昇"})),
        "「上昇」は使えません。「増加をめざす」・「減少をめざす」のいずれかを入力してください",
    ),
    (
        "unknown-section",
        "x.xlsx",
        lambda: flat_rows(existing(**{"所管課": "架空課"})),
        "所管課「架空課」は登録されていません",
    ),
    (
        "two-values-in-a-cell",
        "x.xlsx",
        lambda: short(["G1-M10-V1-O5", "x", "a)60件\nb)640件"]),
        "一つのセルに複数の値があります。内訳ごとに行を分けてください",
    ),
    (
        "new-measure-without-title",
        "x.xlsx",
        lambda: flat_rows(
            {
                "基本目標": 2,
                "推進施策": 1,
                "めざす姿": 1,
                "めざす姿の文": "x",
                "種別": "行動量",
                "番号": "1",
                "名称": "x",
            }
        ),
        "新しい推進施策（基本目標2－推進施策1）には推進施策名が必要です",
    ),
    (
        "date-in-a-value",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", __import__("datetime").date(2024, 4, 1)]),
        "日付として入力されています",
    ),
    ("plan-and-actuals", "x.xlsx", plan_and_actuals, "計画データ（指標・目標）と実績が一つのファイルに入っています"),
    (
        "csv-printed-layout",
        "x.csv",
        lambda: build.csv_bytes(
            [["番号", "行動量", "現況値", "令和6年度（2024年度）", "総量"], ["1", "x", "1", "1", "1"]]
        ),
        "CSV で取り込めるのは一覧形式のテンプレートと実績シートです",
    ),
]
PLAN_BROKEN += [
    (
        "actual-year-superscript",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", "²⁰²⁴", 1]),
        "年度「²⁰²⁴」を読み取れません（例：2024、令和6年度）",
    ),
    (
        "actual-year-heisei-mismatch",
        "x.xlsx",
        lambda: actual_rows(["G1-M05-V1-A1", "平成29年度（2024年度）", 1]),
        "「平成29年度（2024年度）」の和暦と西暦が一致しません（平成29年度は2017年度です）",
    ),
]

COUNTS_BROKEN = [
    (
        "counts-missing-columns",
        "x.csv",
        lambda: build.csv_bytes([["年度", "月"], [2024, 4]]),
        "見出しの行に列「地区」「相談先」「分類」「件数」がありません",
    ),
    (
        "counts-plan-template",
        "x.xlsx",
        lambda: short(["G1-M05-V1-A1", "x", 1]),
        "見出しの行に列「年度」「月」「地区」「相談先」「分類」「件数」がありません",
    ),
    ("counts-header-only", "x.xlsx", lambda: counts(), "見出しの行の下に取り込む行がありません"),
    (
        "counts-year-word",
        "x.xlsx",
        lambda: count_with(年度="来年度"),
        "年度「来年度」を読み取れません（例：2024、令和6年度）",
    ),
    ("counts-year-kanji", "x.xlsx", lambda: count_with(年度="二〇二四"), "年度「二〇二四」を読み取れません"),
    ("counts-year-superscript", "x.xlsx", lambda: count_with(年度="²"), "年度「²」を読み取れません"),
    ("counts-year-empty", "x.xlsx", lambda: count_with(年度=""), "年度を入力してください（例：2024、令和6年度）"),
    (
        "counts-year-mismatch",
        "x.xlsx",
        lambda: count_with(年度="令和6年度（2025年度）"),
        "「令和6年度（2025年度）」の和暦と西暦が一致しません（令和6年度は2024年度です）",
    ),
    (
        "counts-year-too-early",
        "x.xlsx",
        lambda: count_with(年度=2010),
        "平成29年度（2017年度）より前の年度は入力できません",
    ),
    ("counts-month-13", "x.xlsx", lambda: count_with(月=13), "月「13」が読めません（1～12、または年度計の行は空欄）"),
    ("counts-month-word", "x.xlsx", lambda: count_with(月="四月"), "月「四月」が読めません"),
    (
        "counts-month-date",
        "x.xlsx",
        lambda: count_with(月=datetime.datetime(2024, 4, 1)),
        "月「2024-04-01 00:00:00」が読めません",
    ),
    (
        "counts-month-not-begun",
        "x.xlsx",
        lambda: count_with(年度=2098, 月=4),
        "2098年4月はまだ始まっていません",
    ),
    ("counts-decimal", "x.xlsx", lambda: count_with(件数="12.5"), "「件」の数は整数で入力してください"),
    ("counts-negative", "x.xlsx", lambda: count_with(件数="－１"), "マイナスの値は入力できません"),
    ("counts-empty-count", "x.xlsx", lambda: count_with(件数=""), "件数を入力してください"),
    ("counts-words", "x.xlsx", lambda: count_with(件数="約12"), "数値から始めてください"),
    ("counts-unknown-district", "x.xlsx", lambda: count_with(地区="池袋"), "地区「池袋」は28地区にありません"),
    ("counts-wrong-area", "x.xlsx", lambda: count_with(地域="北沢"), "池尻地区は世田谷地域です"),
    (
        "counts-unknown-source",
        "x.xlsx",
        lambda: count_with(相談先="区役所"),
        "相談先「区役所」は相談窓口にも相談支援機関にもありません",
    ),
    ("counts-unknown-category", "x.xlsx", lambda: count_with(分類="介護保険"), "分類「介護保険」はありません"),
    (
        "counts-window-without-district",
        "x.xlsx",
        lambda: count_with(地区=""),
        "まちづくりセンターの件数は地区ごとに入力してください",
    ),
    (
        "counts-twice",
        "x.xlsx",
        lambda: counts(GOOD_COUNT, GOOD_COUNT),
        "2行目と同じ欄の件数です（どちらか一方にしてください）",
    ),
    (
        "counts-whole-year-and-months",
        "x.xlsx",
        lambda: counts(GOOD_COUNT, [2024, "年度計", "", "池尻", "児童館", "高齢", 9]),
        "年度計と月別の両方では入力できません",
    ),
    (
        "counts-csv-cp932",
        "x.csv",
        lambda: build.csv_bytes([COUNTS_HEADER, ["来年度", 4, "", "池尻", "まちづくりセンター", "高齢", 1]], "cp932"),
        "年度「来年度」を読み取れません",
    ),
]

"""The flat template: one row per indicator, or per indicator part (a)/b), 整備数 / 累計整備数).

Reading (`read_sheet`) copies the cells under the header row into the canonical dataset; a target cell merged
across years, or a 「←」 in the years after a target, means one target for those years. Writing (`template_*`)
produces the template the app offers for download: a first sheet 「説明」 that explains every column, then the
sheet 「指標」, empty or filled with the plan as stored — which imports back with no changes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.importing.cells import CONTINUE_MARK, DEFERRED_PREFIX, plain_number
from indicators.importing.datasets import Col, RowSource, append, plan_columns, year_column
from indicators.models import Indicator, Series, Target
from setagaya_plan.core.fiscal_years import fiscal_year_label, plan_years
from setagaya_plan.core.uploads import Sheet
from setagaya_plan.lib.spreadsheet import cell_number, escape_formula

TEMPLATE_SHEET = "指標"
HELP_SHEET = "説明"
YEARS_HELP = "{first}… {last}"  # the year columns' line of the help sheet: the plan's first … last year


def flat_columns(years: Iterable[int] | None = None) -> list[str]:
    """The template's columns: the canonical ones but 再掲, with a target column per year of the plan."""
    return [column for column in plan_columns(years) if column != Col.RELISTED]


# (column, required?, explanation, example) — the 「説明」 sheet and docs/import.md say the same.
COLUMN_HELP = [
    (
        Col.CODE,
        "△",
        "指標のコード（例 G1-M05-V2-A1-1）。既存の指標はコードか、推進施策・めざす姿・種別・番号で特定します。"
        "新しい指標は空欄にします。",
        "G1-M05-V1-A1",
    ),
    (Col.GOAL, "△", "基本目標の番号（1 または 2）。コードがない行では必須です。", "1"),
    (Col.MEASURE, "△", "推進施策の番号。コードがない行では必須です。", "5"),
    (
        Col.MEASURE_TITLE,
        "",
        "推進施策の名称。新しい推進施策（基本目標2）を作るときは必須。空欄なら登録済みの名称のままです。",
        "住まい",
    ),
    (Col.VISION, "△", "めざす姿の番号（一つだけの推進施策は 1）。コードがない行では必須です。", "1"),
    (Col.VISION_STATEMENT, "", "めざす姿の文。新しいめざす姿を作るときは必須。空欄なら登録済みの文のままです。", ""),
    (Col.KIND, "△", "「行動量」または「成果指標」。コードがない行では必須です。", "行動量"),
    (Col.NUMBER, "△", "印刷どおりの番号（1、1-①、3-② など）。コードがない行では必須です。", "1"),
    (
        Col.NAME,
        "○",
        "指標の名称。【実施計画 施策9－1】を含めると実施計画 施策としても読み取ります。",
        "お部屋探しサポートの利用相談者数",
    ),
    (
        Col.PART,
        "",
        "内訳のキー。空欄は指標全体。a・b は a)/b) の内訳、yearly・cumulative は 整備数／累計整備数 など。"
        "内訳ごとに1行にします。",
        "",
    ),
    (Col.PART_LABEL, "", "内訳の名前（多摩川洪水浸水想定区域内、整備数 など）。", ""),
    (Col.UNIT, "", "指標の単位（人、件、回、% など）。", "人"),
    (Col.PART_UNIT, "", "内訳の単位。空欄なら指標の単位。", ""),
    (Col.DIRECTION, "", "「増加をめざす」または「減少をめざす」。", "増加をめざす"),
    (Col.TOTAL_KIND, "", "総量の種類：各年度の合計／最終年度の値／累計／数値の総量なし。", "各年度の合計"),
    (Col.PART_TOTAL_KIND, "", "内訳の総量の種類。空欄なら指標の設定。", ""),
    (Col.QUALIFIER, "", "延べ、重複あり など数え方の注記。", ""),
    (Col.BASELINE, "", "現況値（数値）。「280人（令和5年度見込み）」のように時点を括弧で書いても読み取ります。", "280"),
    (
        Col.BASELINE_NOTE,
        "",
        "現況値の時点（令和5年度見込み、令和5年12月時点、令和4年度 など）。原則の令和5年度実績なら空欄。",
        "令和5年度見込み",
    ),
    (Col.BASELINE_TEXT, "", "数値でない現況値の表記（― など）。", ""),
    (
        YEARS_HELP,
        "",
        "各年度の目標。数値、文章（一部運用 など）、または「他計画：計画名」（その年度の目標を別の計画に委ねる場合）。"
        "複数年度で一つの目標は、最初の年度に書いて続く年度を「←」にする（またはセルを結合する）。空欄は目標なし。",
        "290",
    ),
    (Col.TOTAL, "", "総量（数値）。", "1180"),
    (Col.TOTAL_TEXT, "", "総量の印刷どおりの表記（48件（累計）、― など）。", ""),
    (Col.PLAN_REFS, "", "世田谷区実施計画の施策番号。複数は「、」で区切ります。", "9-1"),
    (Col.SECTION, "", "所管課の名称（登録済みの所管課）。空欄は未設定。", ""),
    (Col.FOOTNOTES, "", "指標を定義する※の注記。1行に1つ。", ""),
]

RULES = [
    "1行が1つの指標（内訳のある指標は内訳ごとに1行）です。見出しの行の位置は自由ですが、見出しの名前は変えないでください。",
    "取り込む前に、新規・変更（変更前→変更後）・変更なし・エラーを一覧で確認できます。エラーが一つでもあれば何も書き込みません。",
    "列そのものがない項目は登録済みの値のまま変わりません。列があって空欄のセルは「空」として取り込みます。",
    "基本目標1の推進施策・めざす姿・指標は計画の印刷どおりに登録済みです。新しく追加できるのは基本目標2のものだけです。",
    "数式は計算しません。数式のセルは、Excel で保存された計算結果を読みます（結果のない数式はエラーになります）。",
    "CSV で保存する場合は「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」（Shift_JIS）を使ってください。",
]


def read_sheet(sheet: Sheet, header, dataset) -> None:
    columns = {
        name: (sheet.get(header.row, column).letter, header.texts[column]) for column, name in header.columns.items()
    }
    columns.update(
        {
            year_column(year): (sheet.get(header.row, column).letter, header.texts[column])
            for column, year in header.years.items()
        }
    )
    for row in sheet.row_numbers():
        if row <= header.row:
            continue
        values: dict[str, object] = {}
        for column, name in header.columns.items():
            values[name] = _value(sheet.get(row, column).value)
        for column, year in header.years.items():
            cell = sheet.get(row, column)
            merged_from_left = cell.span and cell.span[1] < column and cell.span[1] in header.years
            values[year_column(year)] = CONTINUE_MARK if merged_from_left else _value(cell.value)
        if all(value == "" for value in values.values()):
            continue
        append(dataset, values, RowSource(sheet.where(row), columns=columns))


def _value(value):
    return "" if value is None else value


# Writing the template.


def export_rows(indicators=None) -> list[dict]:
    """The plan as stored, one dict per series, keyed by the flat template's columns."""
    queryset = indicators if indicators is not None else Indicator.objects.all()
    queryset = queryset.with_structure().select_related("section").in_plan_order()
    years = plan_years()
    rows = []
    for indicator in queryset:
        for series in sorted(indicator.series.all(), key=lambda s: (s.position, s.pk)):
            rows.append(series_row(indicator, series, years))
    return rows


def series_row(indicator: Indicator, series: Series, years: range) -> dict:
    vision = indicator.vision
    measure = vision.measure
    row = {
        Col.CODE: indicator.code,
        Col.GOAL: measure.goal.number,
        Col.MEASURE: measure.number,
        Col.MEASURE_TITLE: measure.title,
        Col.VISION: vision.number,
        Col.VISION_STATEMENT: vision.statement,
        Col.KIND: indicator.get_kind_display(),
        Col.NUMBER: indicator.number,
        Col.NAME: indicator.name,
        Col.PART: series.key,
        Col.PART_LABEL: series.label,
        Col.UNIT: indicator.unit,
        Col.PART_UNIT: series.unit,
        Col.DIRECTION: indicator.get_direction_display(),
        Col.TOTAL_KIND: indicator.get_total_kind_display(),
        Col.PART_TOTAL_KIND: series.get_total_kind_display() if series.total_kind else "",
        Col.QUALIFIER: indicator.qualifier,
        Col.BASELINE: number_cell(series.baseline_value),
        Col.BASELINE_NOTE: series.baseline_note,
        Col.BASELINE_TEXT: series.baseline_text,
        Col.TOTAL: number_cell(series.total_value),
        Col.TOTAL_TEXT: series.total_text,
        Col.PLAN_REFS: "、".join(indicator.plan_ref_codes()),
        Col.SECTION: indicator.section.name if indicator.section else "",
        Col.FOOTNOTES: indicator.footnotes,
    }
    targets = list(series.targets.all())
    for year in years:
        target = next((t for t in targets if t.covers(year)), None)
        if target is None:
            row[year_column(year)] = ""
        elif target.fiscal_year < year and target.fiscal_year in years:
            row[year_column(year)] = CONTINUE_MARK
        else:
            row[year_column(year)] = target_cell(target)
    return row


def target_cell(target: Target):
    if target.deferred_to:
        return DEFERRED_PREFIX + target.deferred_to
    if target.value is not None:
        return number_cell(target.value)
    return target.text


def number_cell(value: Decimal | None):
    """A stored Decimal as a spreadsheet number (280, 92.8), or an empty cell."""
    return "" if value is None else cell_number(value)


def template_xlsx(with_data: bool) -> bytes:
    years = plan_years()
    columns = flat_columns(years)
    workbook = Workbook()
    help_sheet = workbook.active
    help_sheet.title = HELP_SHEET
    _write_help(help_sheet, years)
    sheet = workbook.create_sheet(TEMPLATE_SHEET)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F1FE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in export_rows() if with_data else []:
        sheet.append([escape_formula(row.get(column, "")) for column in columns])
    sheet.freeze_panes = "J2"
    for index, column in enumerate(columns, start=1):
        wide = column in (Col.NAME, Col.VISION_STATEMENT, Col.FOOTNOTES)
        sheet.column_dimensions[get_column_letter(index)].width = 40 if wide else max(10, min(len(column) * 2 + 2, 24))
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(with_data: bool) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens the Japanese text as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = flat_columns()
    writer.writerow(columns)
    for row in export_rows() if with_data else []:
        writer.writerow([_csv_value(row.get(column, "")) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if isinstance(value, Decimal):
        return plain_number(value)
    return escape_formula(value)


def _write_help(sheet, years: range) -> None:
    sheet.append(["計画データ取込みテンプレート（世田谷区地域保健医療福祉総合計画）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["使い方"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for rule in RULES:
        sheet.append([f"・{rule}"])
    sheet.append([])
    sheet.append(["列", "必須", "説明", "記入例"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    years_help = YEARS_HELP.format(first=fiscal_year_label(years.start), last=fiscal_year_label(years.stop - 1))
    for column, required, explanation, example in COLUMN_HELP:
        column = years_help if column == YEARS_HELP else column
        sheet.append([column, required, explanation, escape_formula(example)])
    sheet.append([])
    sheet.append(["必須：○ は必ず入力、△ はコードがない行で入力。"])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 6
    sheet.column_dimensions["C"].width = 90
    sheet.column_dimensions["D"].width = 30
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

"""Consultation counts to xlsx and CSV, in the flat layout the import reads back (consultations.imports).

Rows come from a django-import-export Resource; CSV is UTF-8 with BOM and CRLF so that Excel opens it, and text
cells that Excel would run as formulas are escaped (setagaya_plan.lib.spreadsheet). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io

from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.styles import Font

from consultations.imports import COLUMNS
from consultations.models import WHOLE_YEAR, ConsultationCount, CountQuerySet
from setagaya_plan.lib.spreadsheet import escape_formula

EXPORT_COLUMNS = [*COLUMNS, "状態"]


class CountResource(resources.Resource):
    fiscal_year = fields.Field(column_name="年度")
    month = fields.Field(column_name="月")
    area = fields.Field(column_name="地域")
    district = fields.Field(column_name="地区")
    source = fields.Field(column_name="相談先")
    category = fields.Field(column_name="分類")
    count = fields.Field(column_name="件数")
    status = fields.Field(column_name="状態")

    class Meta:
        export_order = ["fiscal_year", "month", "area", "district", "source", "category", "count", "status"]

    def dehydrate_fiscal_year(self, count: ConsultationCount) -> int:
        return count.report.fiscal_year

    def dehydrate_month(self, count: ConsultationCount):
        return "年度計" if count.report.month == WHOLE_YEAR else count.report.month

    def dehydrate_area(self, count: ConsultationCount) -> str:
        area = count.report.reviewing_area
        return area.name if area else ""

    def dehydrate_district(self, count: ConsultationCount) -> str:
        return count.report.district.name if count.report.district_id else ""

    def dehydrate_source(self, count: ConsultationCount) -> str:
        return count.source.name

    def dehydrate_category(self, count: ConsultationCount) -> str:
        return count.category.name

    def dehydrate_count(self, count: ConsultationCount) -> int:
        return count.count

    def dehydrate_status(self, count: ConsultationCount) -> str:
        return count.report.get_status_display()


def export_rows(counts: CountQuerySet) -> list[list]:
    queryset = counts.select_related("report__district__area", "report__area", "window", "agency", "category").order_by(
        "report__fiscal_year",
        "report__month",
        "report__district__position",
        "report__area__position",
        "window__position",
        "agency__program",
        "agency__position",
        "category__position",
    )
    dataset = CountResource().export(queryset=queryset)
    # Months in fiscal order (April first); the stable sort keeps the places' order inside each month.
    rows = [list(row) for row in dataset]
    rows.sort(key=lambda row: (row[0], _fiscal_month_order(row[1])))
    return [[escape_formula(cell) for cell in row] for row in rows]


def _fiscal_month_order(month) -> int:
    if month == "年度計":
        return -1
    return (int(month) - 4) % 12


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "相談件数"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (8, 8, 8, 10, 26, 16, 10, 8), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Consultation counts from a spreadsheet: flat layout, read through the shared upload pipeline (core.uploads:
size, type, zip and XML checks, xlsx or CSV as sheets), checked, previewed, then written all-or-nothing through
consultations.workflow (so every cell is audited like grid entry).

The layout is the export's (consultations.exports), one count per row under a header row (the sheet's first row
holding values):

    年度 | 月 | 地域 | 地区 | 相談先 | 分類 | 件数      (extra columns such as 状態 are ignored)

* 年度: what core.fiscal_years reads (2024, 令和6年度, 令和6年度（2024年度）, ２０２４).
  月: 4, ４月; empty or 年度計 for a whole-year figure.
* 地区 by name (池尻 or 池尻地区); empty for agencies counted per 地域 (then 地域 is needed) or ward-wide.
* 相談先: a window (まちづくりセンター …) or an agency of the registry; 分類: a category; 件数: the shared input rule.

Nothing is written until the person confirms the preview; a file with any error writes nothing and lists every
error with its row and column. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from consultations.forms import parse_count
from consultations.models import WHOLE_YEAR, Agency, Area, Category, ConsultationCount, District, WindowType
from consultations.workflow import Place, check_no_mixed_periods, check_period, check_source_at, save_counts
from setagaya_plan.core import uploads
from setagaya_plan.core.fiscal_years import FiscalYearError, parse_fiscal_year, parse_month
from setagaya_plan.core.review import ReviewError
from setagaya_plan.core.uploads import ImportFileError
from setagaya_plan.lib.numerals import to_half_width

COLUMNS = ["年度", "月", "地域", "地区", "相談先", "分類", "件数"]
REQUIRED = ["年度", "月", "地区", "相談先", "分類", "件数"]
MAX_ERRORS_SHOWN = 200
# A month cell that means the whole fiscal year (the count is kept per year, not per month).
WHOLE_YEAR_WORDS = ("", "年度計", "年間", "通年")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    row: int
    district_id: int | None
    area_id: int | None
    fiscal_year: int
    month: int
    window_id: int | None
    agency_id: int | None
    category_id: int
    count: int

    @property
    def report_key(self) -> tuple:
        return (self.district_id, self.area_id, self.fiscal_year, self.month)

    @property
    def cell_key(self) -> tuple:
        return (*self.report_key, self.window_id, self.agency_id, self.category_id)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new: int = 0
    changed: list[tuple[ImportRow, int]] = field(default_factory=list)  # (row, old count)
    unchanged: int = 0
    reviewed_reports: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)


@dataclass
class Table:
    """The sheet's header (its first row holding values) and the rows under it, each with its row number."""

    headers: list[str]
    rows: list[tuple[int, list]]


def read_rows(name: str, data: bytes) -> Table:
    """The first sheet holding data (xlsx) or the CSV, through the shared upload checks (core.uploads)."""
    _, sheets = uploads.read(name, data)
    sheet = next(sheet for sheet in sheets if not sheet.is_empty)  # uploads.read refuses a file without data
    numbers = list(sheet.row_numbers())
    width = sheet.max_column
    headers = [_text(cell.value) for cell in sheet.row_cells(numbers[0], width)]
    rows = [(number, [cell.value for cell in sheet.row_cells(number, width)]) for number in numbers[1:]]
    return Table(headers, rows)


class _Lookups:
    """Master data by the names people type, loaded once per import."""

    def __init__(self) -> None:
        self.districts = {}
        for district in District.objects.select_related("area"):
            for key in (district.name, f"{district.name}地区", district.code):
                self.districts[key] = district
        self.areas = {}
        for area in Area.objects.all():
            for key in (area.name, f"{area.name}地域", area.code, area.office_name):
                self.areas[key] = area
        self.windows = {}
        for window in WindowType.objects.all():
            for key in (window.name, window.full_name, window.code):
                if key:
                    self.windows[key] = window
        self.agencies = {}
        for agency in Agency.objects.select_related("window_type"):
            for key in (agency.name, f"{agency.name}＊", agency.code):
                self.agencies.setdefault(key, agency)
        self.categories = {category.name: category for category in Category.objects.all()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_half_width(str(value)).strip()


def read_fiscal_year(raw) -> int:
    try:
        return parse_fiscal_year(raw)
    except FiscalYearError as error:
        raise ValidationError(error.message) from None


def read_month(raw) -> int:
    """A month, 1–12, or WHOLE_YEAR for an empty cell or 年度計."""
    if _text(raw).replace(" ", "") in WHOLE_YEAR_WORDS:
        return WHOLE_YEAR
    try:
        return parse_month(raw)
    except FiscalYearError:
        raise ValidationError(f"月「{_text(raw)}」が読めません（1～12、または年度計の行は空欄）。") from None


def preview(table: Table) -> ImportPreview:
    """Check every row; when all are good, compare them with the saved counts. Writes nothing."""
    result = ImportPreview()
    headers = table.headers
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        raise ImportFileError(
            f"見出しの行に列「{'」「'.join(missing)}」がありません。見出しは {' | '.join(COLUMNS)} です。"
        )
    if not table.rows:
        raise ImportFileError("見出しの行の下に取り込む行がありません。")
    lookups = _Lookups()
    index = {name: headers.index(name) for name in COLUMNS if name in headers}
    seen: dict[tuple, int] = {}
    for offset, values in table.rows:
        cells = {name: values[position] if position < len(values) else None for name, position in index.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue  # blank lines between blocks are common in hand-made sheets
        row = _parse_row(offset, cells, lookups, result.errors)
        if row is None:
            continue
        if row.cell_key in seen:
            result.errors.append(
                RowError(offset, "件数", f"{seen[row.cell_key]}行目と同じ欄の件数です（どちらか一方にしてください）。")
            )
            continue
        seen[row.cell_key] = offset
        result.rows.append(row)
    if not result.errors:
        _check_periods(result)
    if result.ok:
        _compare(result)
    return result


def _parse_row(number: int, cells: dict, lookups: _Lookups, errors: list[RowError]) -> ImportRow | None:
    found = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    fiscal_year, month, count = _period_and_count(cells, fail)
    district, area = _place_cells(cells, lookups, fail)
    source = _source_cell(cells, lookups, fail)
    category = _category_cell(cells, lookups, fail)
    if len(errors) > found:
        return None
    place = Place(district=district, area=area)
    try:
        check_source_at(source, place)
    except ReviewError as error:
        per_district = isinstance(source, WindowType) or source.count_level == Agency.Scope.DISTRICT
        fail("地区" if district is not None or per_district else "地域", str(error))
        return None
    try:
        check_period(fiscal_year, month)
    except ReviewError as error:
        fail("月" if month else "年度", str(error))
        return None
    return ImportRow(
        row=number,
        district_id=district.pk if district else None,
        area_id=area.pk if area else None,
        fiscal_year=fiscal_year,
        month=month,
        window_id=source.pk if isinstance(source, WindowType) else None,
        agency_id=source.pk if isinstance(source, Agency) else None,
        category_id=category.pk,
        count=count,
    )


def _period_and_count(cells: dict, fail):
    """年度, 月 and 件数 of a row; None for each that is wrong (and said so through `fail`)."""
    fiscal_year = month = count = None
    try:
        fiscal_year = read_fiscal_year(cells.get("年度"))
    except ValidationError as error:
        fail("年度", error.messages[0])
    try:
        month = read_month(cells.get("月"))
    except ValidationError as error:
        fail("月", error.messages[0])
    try:
        count = parse_count(cells.get("件数"))
        if count is None:
            fail(
                "件数", "件数を入力してください（相談がなかったときは 0。計算式のセルは値にしてから保存してください）。"
            )
    except ValidationError as error:
        fail("件数", error.messages[0])
    return fiscal_year, month, count


def _place_cells(cells: dict, lookups: _Lookups, fail):
    """The 地区 (with its 地域 checked), or a 地域 alone for counts kept per 地域; (None, None) for the ward."""
    district = area = None
    district_name = _text(cells.get("地区"))
    area_name = _text(cells.get("地域"))
    if district_name:
        district = lookups.districts.get(district_name)
        if district is None:
            fail("地区", f"地区「{district_name}」は28地区にありません。")
        elif area_name and lookups.areas.get(area_name) != district.area:
            fail("地域", f"{district}は{district.area}です（「{area_name}」ではありません）。")
    elif area_name:
        area = lookups.areas.get(area_name)
        if area is None:
            fail("地域", f"地域「{area_name}」は5地域（世田谷・北沢・玉川・砧・烏山）にありません。")
    return district, area


def _source_cell(cells: dict, lookups: _Lookups, fail):
    """The 相談先: a window, or an agency (counted as its window where it is one)."""
    source_name = _text(cells.get("相談先"))
    source = lookups.windows.get(source_name) or lookups.agencies.get(source_name)
    if not source_name:
        fail("相談先", "相談先（窓口または相談支援機関）を入力してください。")
    elif source is None:
        fail("相談先", f"相談先「{source_name}」は相談窓口にも相談支援機関にもありません。")
    elif isinstance(source, Agency) and source.window_type_id:
        source = source.window_type
    return source


def _category_cell(cells: dict, lookups: _Lookups, fail):
    category_name = _text(cells.get("分類"))
    category = lookups.categories.get(category_name)
    if not category_name:
        fail("分類", "分類を入力してください。")
    elif category is None:
        fail("分類", f"分類「{category_name}」はありません（計画担当が「分類」の画面で追加できます）。")
    elif not category.active:
        fail("分類", f"分類「{category_name}」は現在使われていません。")
    return category


def _place(district_id, area_id) -> Place:
    district = District.objects.get(pk=district_id) if district_id else None
    area = Area.objects.get(pk=area_id) if area_id else None
    return Place(district=district, area=area)


def _check_periods(result: ImportPreview) -> None:
    """A place's year is kept month by month or as one whole-year figure, in the file and in the database."""
    months: dict[tuple, dict[int, int]] = defaultdict(dict)
    for row in result.rows:
        months[(row.district_id, row.area_id, row.fiscal_year)].setdefault(row.month, row.row)
    for (district_id, area_id, fiscal_year), seen in months.items():
        if WHOLE_YEAR in seen and len(seen) > 1:
            first = min(r for m, r in seen.items() if m != WHOLE_YEAR)
            result.errors.append(
                RowError(
                    seen[WHOLE_YEAR],
                    "月",
                    f"{first}行目は月別です。同じ場所・年度を年度計と月別の両方では入力できません。",
                )
            )
            continue
        place = _place(district_id, area_id)
        for month, number in seen.items():
            try:
                check_no_mixed_periods(place, fiscal_year, month)
            except ReviewError as error:
                result.errors.append(RowError(number, "月", str(error)))
                break


def _compare(result: ImportPreview) -> None:
    keys = {row.report_key for row in result.rows}
    years = {key[2] for key in keys}
    existing = {}
    reviewed = set()
    counts = ConsultationCount.objects.filter(report__fiscal_year__in=years).select_related("report")
    for count in counts:
        report = count.report
        key = (report.district_id, report.area_id, report.fiscal_year, report.month)
        if key in keys:
            existing[(*key, count.window_id, count.agency_id, count.category_id)] = count.count
            if not report.is_editable_by_staff:
                reviewed.add(key)
    touched = set()
    for row in result.rows:
        old = existing.get(row.cell_key)
        if old is None:
            result.new += 1
            touched.add(row.report_key)
        elif old != row.count:
            result.changed.append((row, old))
            touched.add(row.report_key)
        else:
            result.unchanged += 1
    result.reviewed_reports = len(reviewed & touched)


def serialise(rows: list[ImportRow]) -> list[list]:
    return [
        [r.row, r.district_id, r.area_id, r.fiscal_year, r.month, r.window_id, r.agency_id, r.category_id, r.count]
        for r in rows
    ]


def deserialise(data: list[list]) -> list[ImportRow]:
    return [ImportRow(*item) for item in data]


@transaction.atomic
def apply(rows: list[ImportRow], user, file_name: str) -> int:
    """Write the previewed rows, all or nothing; returns how many reports changed."""
    windows = {w.pk: w for w in WindowType.objects.all()}
    agencies = {a.pk: a for a in Agency.objects.select_related("window_type")}
    categories = {c.pk: c for c in Category.objects.all()}
    grouped: dict[tuple, dict] = defaultdict(dict)
    for row in rows:
        source = windows[row.window_id] if row.window_id else agencies[row.agency_id]
        grouped[row.report_key][(source, categories[row.category_id])] = row.count
    changed = 0
    for (district_id, area_id, fiscal_year, month), values in grouped.items():
        place = _place(district_id, area_id)
        before = place.reports().filter(fiscal_year=fiscal_year, month=month).values_list("version", flat=True).first()
        report = save_counts(
            place=place,
            fiscal_year=fiscal_year,
            month=month,
            user=user,
            values=values,
            expected_version=None,
            source=file_name,
            allow_reviewed=True,
        )
        if report is not None and report.version != before:
            changed += 1
    return changed

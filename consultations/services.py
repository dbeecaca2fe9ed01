"""Loading the consultations master data (fixtures/consultations) with the plan.

`load_master_data` runs at the end of `manage.py load_plan`. It is idempotent — a second run changes nothing —
and it never deletes: places, windows, agencies and the printed statistics are updated in place to what the files
say (the files are the transcription of the plan), while rows that belong to the ward once created — the
categories planners extend and the indicator feeds planners tune — are only created when missing. The links a
ward sets by hand (which section enters a 地区, which reviews a 地域) are never touched.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models, transaction

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
from indicators.models import Indicator
from setagaya_plan.core.loading import LoadReport, Writer

MASTER_DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "consultations"


class MasterDataError(Exception):
    """A malformed master-data file; the message names the file and the place."""


def _read(directory: Path, name: str) -> dict:
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise MasterDataError(f"{name} を読めません: {error}") from None
    if not isinstance(data, dict):
        raise MasterDataError(f"{name}: 先頭はマッピング（キー: 値）にしてください")
    return data


def _require(item: dict, key: str, where: str):
    if not isinstance(item, dict) or item.get(key) in (None, ""):
        raise MasterDataError(f"{where}: 「{key}」がありません")
    return item[key]


def _choice(choices: type[models.TextChoices], raw: str, where: str) -> str:
    for value, label in choices.choices:
        if raw in (value, label):
            return value
    raise MasterDataError(f"{where}: 「{raw}」は使えません（{'、'.join(label for _, label in choices.choices)}）")


@transaction.atomic
def load_master_data(directory: Path = MASTER_DATA_DIR, source: str = "load_plan") -> LoadReport:
    writer = Writer(source=source, error=MasterDataError)
    _load_places(writer, _read(directory, "places.yaml"))
    windows = _load_windows(writer, _read(directory, "windows.yaml"))
    _load_agencies(writer, _read(directory, "agencies.yaml"), windows)
    _load_categories(writer, _read(directory, "categories.yaml"))
    _load_statistics(writer, _read(directory, "statistics.yaml"))
    _load_feeds(writer, _read(directory, "feeds.yaml"))
    return writer.flush()


def _load_places(writer: Writer, data: dict) -> None:
    district_position = 0
    for area_position, item in enumerate(data.get("areas") or [], start=1):
        where = f"places.yaml 地域{area_position}"
        area = writer.upsert(
            Area,
            {"code": _require(item, "code", where)},
            {"name": _require(item, "name", where), "position": area_position},
        )
        for district in _require(item, "districts", where):
            district_position += 1
            place = f"{where} 地区{district_position}"
            writer.upsert(
                District,
                {"code": _require(district, "code", place)},
                {"name": _require(district, "name", place), "area": area, "position": district_position},
            )


def _load_windows(writer: Writer, data: dict) -> dict[str, WindowType]:
    windows = {}
    for position, item in enumerate(data.get("windows") or [], start=1):
        where = f"windows.yaml {position}件目"
        code = _require(item, "code", where)
        windows[code] = writer.upsert(
            WindowType,
            {"code": code},
            {
                "name": _require(item, "name", where),
                "full_name": item.get("full_name", ""),
                "welfare_window": bool(item.get("welfare_window", False)),
                "description": item.get("description", ""),
                "position": position,
            },
        )
    return windows


def _load_agencies(writer: Writer, data: dict, windows: dict[str, WindowType]) -> None:
    for program in Agency.Program:
        for position, item in enumerate(data.get(program.value) or [], start=1):
            where = f"agencies.yaml {program.value} {position}件目"
            window_code = item.get("window_type")
            if window_code and window_code not in windows:
                raise MasterDataError(f"{where}: 相談窓口「{window_code}」が windows.yaml にありません")
            writer.upsert(
                Agency,
                {"code": _require(item, "code", where)},
                {
                    "name": _require(item, "name", where),
                    "glossary_mark": bool(item.get("glossary_mark", False)),
                    "program": program.value,
                    "main_field": item.get("main_field", ""),
                    "members": item.get("members", ""),
                    "site_count": int(_require(item, "site_count", where)),
                    "scope": _choice(Agency.Scope, _require(item, "scope", where), where),
                    "scope_text": _require(item, "scope_text", where),
                    "operation": _choice(Agency.Operation, _require(item, "operation", where), where),
                    "window_type": windows.get(window_code) if window_code else None,
                    "position": position,
                },
            )


def _load_categories(writer: Writer, data: dict) -> None:
    # Created once: afterwards the ward owns them (renames, 入力に使う on or off), so a reload never reverts.
    existing = set(Category.objects.values_list("code", flat=True))
    for position, item in enumerate(data.get("categories") or [], start=1):
        where = f"categories.yaml {position}件目"
        code = _require(item, "code", where)
        if code not in existing:
            writer.create(
                Category,
                {
                    "code": code,
                    "name": _require(item, "name", where),
                    "description": item.get("description", ""),
                    "position": position * 10,
                },
            )


def _load_statistics(writer: Writer, data: dict) -> None:
    for table_position, item in enumerate(data.get("tables") or [], start=1):
        where = f"statistics.yaml 表{table_position}"
        table = writer.upsert(
            StatTable,
            {"code": _require(item, "code", where)},
            {
                "title": _require(item, "title", where),
                "caption": item.get("caption", ""),
                "measure_number": int(_require(item, "measure", where)),
                "vision_number": int(_require(item, "vision", where)),
                "part": _require(item, "part", where),
                "notes": "\n".join(item.get("notes") or []),
                "position": table_position,
            },
        )
        loaded: dict[str, StatSeries] = {}
        for position, series_item in enumerate(_require(item, "series", where), start=1):
            place = f"{where} 系列{position}"
            part_of_code = series_item.get("part_of")
            if part_of_code and part_of_code not in loaded:
                raise MasterDataError(f"{place}: 内数の元「{part_of_code}」は同じ表の前の系列にしてください")
            series = writer.upsert(
                StatSeries,
                {"code": _require(series_item, "code", place)},
                {
                    "table": table,
                    "group": series_item.get("group", ""),
                    "label": _require(series_item, "label", place),
                    "kind": _choice(StatSeries.Kind, _require(series_item, "kind", place), place),
                    "unit": _require(series_item, "unit", place),
                    "decimal_places": int(series_item.get("decimal_places", 0)),
                    "period_kind": _choice(StatSeries.PeriodKind, series_item.get("period", "fiscal_year"), place),
                    "part_of": loaded.get(part_of_code) if part_of_code else None,
                    "note": series_item.get("note", ""),
                    "position": position,
                },
            )
            loaded[series.code] = series
            for year, cell in (_require(series_item, "values", place) or {}).items():
                _load_value(writer, series, int(year), cell, f"{place} {year}")


def _load_value(writer: Writer, series: StatSeries, year: int, cell, where: str) -> None:
    if isinstance(cell, dict):
        raw, text, mark = cell.get("value"), cell.get("text", ""), cell.get("mark", "")
    else:
        raw, text, mark = cell, "", ""
    if raw is None and not text:
        raise MasterDataError(f"{where}: 値か表記（―など）を書いてください")
    value = Decimal(str(raw)) if raw is not None else None
    existing = StatValue.objects.filter(series=series, year=year).first()
    # Compare as numbers: 45.0 and the stored 45.0000 are the same printed figure.
    if existing is not None and existing.value is not None and value is not None and existing.value == value:
        value = existing.value
    writer.upsert(StatValue, {"series": series, "year": year}, {"value": value, "text": text, "mark": mark})


def _load_feeds(writer: Writer, data: dict) -> None:
    windows = {w.code: w for w in WindowType.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    for position, item in enumerate(data.get("feeds") or [], start=1):
        where = f"feeds.yaml {position}件目"
        indicator = Indicator.objects.filter(code=_require(item, "indicator", where)).first()
        # Created once, then the planners' to tune; an indicator missing from the loaded plan is simply skipped.
        if indicator is None or IndicatorFeed.objects.filter(indicator=indicator).exists():
            continue
        try:
            chosen_windows = [windows[code] for code in item.get("windows") or []]
            chosen_agencies = [agencies[code] for code in item.get("agencies") or []]
            chosen_categories = [categories[code] for code in item.get("categories") or []]
        except KeyError as error:
            raise MasterDataError(f"{where}: 「{error.args[0]}」が見つかりません") from None
        feed = writer.create(IndicatorFeed, {"indicator": indicator, "note": item.get("note", "")})
        writer.set_related(feed, "windows", chosen_windows)
        writer.set_related(feed, "agencies", chosen_agencies)
        writer.set_related(feed, "categories", chosen_categories)

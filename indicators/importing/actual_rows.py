"""One actual from a file, compared with what is stored and written through indicators.entry.workflow.save_report.

Every actual goes through the audited workflow (an audit entry 「ファイル取込」 with the file name and the
planner), so an import has no side door. An actual already entered in the screens (or a report already submitted
or approved) that the file would overwrite is a conflict: the preview shows it, and the real import refuses it
unless the planner confirmed overwriting. An empty cell never deletes an actual or a comment.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.entry.workflow import SeriesValue, save_report
from indicators.importing import widgets as w
from indicators.importing.change_notes import actual_change, target_note
from indicators.importing.datasets import ABSENT, ACol, RowSource
from indicators.importing.plan_rows import CHANGED, NEW, NON_FIELD, UNCHANGED, Change, Cleaner, RowInvalid, RowOutcome
from indicators.models import Indicator, Report
from setagaya_plan.core.fiscal_years import fiscal_year_label, plan_years
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting
from setagaya_plan.core.review import ReviewError
from setagaya_plan.core.uploads import Where
from setagaya_plan.lib.numerals import format_decimal
from setagaya_plan.lib.value_input import ValueRules, parse_value

WIDGETS = {
    ACol.CODE: w.TextWidget(),
    ACol.PART: w.PartKeyWidget(),
    ACol.YEAR: w.FiscalYearWidget(),
    ACol.ACTUAL: w.TextWidget(),
    ACol.COMMENT: w.TextWidget(),
}
DEFAULT_SOURCE = "ファイル取込"


class _Cleaner(Cleaner):
    widgets = WIDGETS
    year_widget = None


class ActualRowImporter:
    def __init__(
        self,
        *,
        user=None,
        file_name: str = "",
        dry_run: bool = True,
        overwrite_confirmed: bool = False,
        conflicts_are_errors: bool = False,
    ):
        self.user = user
        self.source_name = (file_name or DEFAULT_SOURCE)[:200]
        self.dry_run = dry_run
        self.overwrite_confirmed = overwrite_confirmed
        self.conflicts_are_errors = conflicts_are_errors
        self.seen: dict[tuple[int, int], Where] = {}
        # Read once: a file of a year's actuals names most indicators, and their targets decide what a cell may hold.
        self.indicators = {i.code: i for i in Indicator.objects.prefetch_related("series__targets")}
        self.locked: dict[int, bool] = {}
        self.plan_years = plan_years()

    def import_row(self, values: dict, source: RowSource) -> RowOutcome:
        if source.errors:
            raise RowInvalid({NON_FIELD: list(source.errors)})
        row = _Cleaner(values, source)
        code, part, year = _identity(row, self.plan_years)
        row.raise_if_invalid()
        indicator, series = self._series(row, code, part)
        self._check_once_and_open(row, series, year)
        raw = values.get(ACol.ACTUAL, ABSENT)
        new = self._value(row, raw, series, year) if raw is not ABSENT else None
        # Like an empty actual, an empty comment keeps what is stored (a)/b) rows share one report and comment).
        comment = (row.get(ACol.COMMENT) or None) if row.present(ACol.COMMENT) else None
        row.raise_if_invalid()

        report = Report.objects.filter(indicator=indicator, fiscal_year=year).prefetch_related("actuals").first()
        actual = report.actual_for(series) if report else None
        old = SeriesValue(actual.value, actual.text) if actual else SeriesValue()
        label = f"{code}{'/' + part if part else ''} {indicator.name}（{fiscal_year_label(year)}）"
        changes = _changes(series, report, old, new, comment)
        if not changes:
            return RowOutcome(status=UNCHANGED, label=label, instance=report, note=target_note(series, year))

        conflict = ""
        if new is not None and new != old and _filled(old) and report is not None:
            conflict = self._conflict(report, old)
        if conflict and (self.conflicts_are_errors or (not self.dry_run and not self.overwrite_confirmed)):
            row.error(ACol.ACTUAL, conflict + "上書きする場合は、上書きを確認してから取り込んでください。")
            row.raise_if_invalid()
        try:
            with transaction.atomic():
                saved = save_report(
                    indicator=indicator,
                    fiscal_year=year,
                    user=self.user if getattr(self.user, "pk", None) else None,
                    values={series.key: new} if new is not None else {},
                    fields={"comment": comment} if comment is not None else None,
                    expected_version=report.version if report else None,
                    source=self.source_name,
                    allow_reviewed=True,
                )
        except ReviewError as error:
            raise RowInvalid({NON_FIELD: [f"{source.where}：{error}"]}) from None
        status = NEW if actual is None and new is not None else CHANGED
        return RowOutcome(
            status=status,
            label=label,
            changes=changes,
            conflict=conflict,
            instance=saved,
            note=target_note(series, year),
        )

    def _series(self, row: _Cleaner, code: str, part: str):
        """The indicator of the code and the series of the part; a row that names neither is refused."""
        indicator = self.indicators.get(code)
        if indicator is None:
            row.error(ACol.CODE, f"コード「{code}」の指標は登録されていません。")
            row.raise_if_invalid()
        series_by_key = {series.key: series for series in indicator.series.all()}
        if part not in series_by_key:
            keys = "、".join(sorted(k for k in series_by_key if k))
            if part:
                row.error(ACol.CODE, f"指標 {code} に内訳「{part}」はありません（あるのは {keys or '指標全体のみ'}）。")
            else:
                row.error(
                    ACol.CODE,
                    f"指標 {code} は内訳（{keys}）ごとに実績を入れます。"
                    f"コードを「{code}/{min(k for k in series_by_key if k)}」のようにしてください。",
                )
            row.raise_if_invalid()
        return indicator, series_by_key[part]

    def _check_once_and_open(self, row: _Cleaner, series, year: int) -> None:
        """One row per series and year in a file, and none for a year that is closed (締切)."""
        identity = (series.pk, year)
        if identity in self.seen:
            row.error(NON_FIELD, f"{self.seen[identity]}と同じ指標・年度の実績です（重複）。一方を削除してください。")
            row.raise_if_invalid()
        self.seen[identity] = row.source.where
        if year not in self.locked:
            self.locked[year] = FiscalYearSetting.for_year(year).locked
        if self.locked[year]:
            row.error(ACol.YEAR, f"{fiscal_year_label(year)}は締め切られているため、実績を取り込めません。")

    def _value(self, row: _Cleaner, raw, series, year: int) -> SeriesValue | None:
        """The actual as a number, or as words where the year's target is words; None for an empty cell."""
        rules = ValueRules(unit=series.effective_unit)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            try:  # a number cell: the same rule as typed text (whole numbers for counts, ranges)
                return SeriesValue(value=parse_value(raw, rules))
            except ValidationError as error:
                row.error(ACol.ACTUAL, error.messages[0])
                return None
        text = w.TextWidget().clean(str(raw) if isinstance(raw, bool) else raw)
        try:
            return SeriesValue(value=parse_value(text, rules))
        except ValidationError as error:
            if _words_allowed(series, year):
                return SeriesValue(text=text)
            row.error(ACol.ACTUAL, f"「{text}」：{error.messages[0]}")
            return None

    def _conflict(self, report: Report, old: SeriesValue) -> str:
        if report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED):
            return f"{report.get_status_display()}の実績（{_shown(old)}）を上書きします（実績報告は下書きに戻ります）。"
        typed = [AuditEntry.Action.CREATE, AuditEntry.Action.EDIT]
        entered_on_screen = AuditEntry.objects.for_subject(report).filter(action__in=typed).exists()
        if entered_on_screen:
            return f"画面で入力済みの実績（{_shown(old)}）を上書きします。"
        return ""


def _identity(row: _Cleaner, plan_years: range) -> tuple[str, str, int | None]:
    """The row's indicator code, part (from the コード's /a or the 内訳 column) and fiscal year, checked."""
    code, _, code_part = (row.get(ACol.CODE) or "").partition("/")
    code, code_part = code.strip(), code_part.strip().lower()
    part = row.get(ACol.PART, "") or ""
    year = row.get(ACol.YEAR)
    if not code:
        row.error(ACol.CODE, "コードが空欄です。")
    if row.present(ACol.YEAR) and year is None and ACol.YEAR not in row.errors:
        row.error(ACol.YEAR, "年度が空欄です。")
    elif not row.present(ACol.YEAR):
        row.error(NON_FIELD, "年度が分かりません。")
    if year is not None and year not in plan_years:
        row.error(ACol.YEAR, f"{fiscal_year_label(year)}は計画期間の外です。")
    if code_part and part and code_part != part:
        row.error(ACol.PART, f"コードの内訳「{code_part}」と内訳の列「{part}」が違います。")
    return code, part or code_part, year


def _changes(series, report: Report | None, old: SeriesValue, new: SeriesValue | None, comment: str | None):
    """What the row would change: the series' actual and the report's comment, as shown in the preview."""
    changes = []
    field_label = f"{series.label or series.key}・実績" if series.key else "実績"
    if new is not None and new != old:
        changes.append(actual_change(field_label, series, old, new))
    stored_comment = report.comment if report else ""
    if comment is not None and stored_comment != comment:
        changes.append(Change("コメント", stored_comment or "（空欄）", comment or "（空欄）"))
    return changes


def _words_allowed(series, year: int) -> bool:
    target = series.target_for(year)
    if target is not None and target.value is None and target.text:
        return True
    return series.indicator.total_kind == Indicator.TotalKind.NONE and not series.numeric_targets()


def _filled(value: SeriesValue) -> bool:
    return value.value is not None or bool(value.text)


def _shown(value: SeriesValue) -> str:
    if value.value is not None:
        return format_decimal(value.value)
    return value.text or "（なし）"

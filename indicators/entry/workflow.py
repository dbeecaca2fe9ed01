"""What is particular to reviewing an indicator's actuals; the review workflow itself is setagaya_plan.core.review.

Here: how a report's values are saved (the actual of each series and the report's texts, old → new per item),
what must be filled in before a report is submitted, who reviews and reopens reports (REPORT_REVIEW), and the
year's deadline and lock. Browser entry, the section grid and file imports all save through `save_report`, so
every change is checked against the version the person started from and lands in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.access import can_approve
from indicators.evaluation import refresh_grades
from indicators.models import Actual, Grade, Indicator, Report, Series
from setagaya_plan.core import audit, review
from setagaya_plan.core.access import is_planner
from setagaya_plan.core.models import FiscalYearSetting
from setagaya_plan.core.review import ReviewError


@dataclass(frozen=True)
class SeriesValue:
    value: Decimal | None = None
    text: str = ""


REPORT_TEXT_FIELDS = ("factor_analysis", "next_steps", "comment", "self_grade")


def _series_label(series: Series) -> str:
    return f"{series.label or series.key}・" if series.key else ""


def series_missing_target(report: Report) -> list[Series]:
    """Series whose actual misses the year's target (目標未達: Series.misses_target)."""
    short = []
    for actual in report.actuals.select_related("series__indicator").prefetch_related("series__targets"):
        if actual.series.misses_target(report.fiscal_year, actual.value):
            short.append(actual.series)
    return short


def missing_for_submission(report: Report) -> list[str]:
    """What must be filled in before the report can be submitted, in Japanese; empty when it is complete."""
    missing = []
    series_list = list(report.indicator.series.all())
    actuals = {actual.series_id: actual for actual in report.actuals.all()}
    for series in series_list:
        if not series.expects_actual(report.fiscal_year):
            continue
        actual = actuals.get(series.pk)
        if actual is None or (actual.value is None and not actual.text):
            missing.append(f"{_series_label(series)}実績".replace("・実績", "の実績"))
    if report.indicator.has_text_target(report.fiscal_year) and not report.self_grade:
        missing.append("自己評価")
    if _needs_analysis(report):
        if not report.factor_analysis.strip():
            missing.append("要因分析（目標に届かなかった理由）")
        if not report.next_steps.strip():
            missing.append("今後の方向性")
    return missing


def _needs_analysis(report: Report) -> bool:
    """Whether submitting needs 要因分析 and 今後の方向性: an actual below its target, or a self-grade short of 達成."""
    return bool(series_missing_target(report)) or report.self_grade in (
        Report.SelfGrade.MOSTLY,
        Report.SelfGrade.NOT_MET,
    )


def shortfall_notice(report: Report | None) -> str:
    """Early word on a saved draft: submitting it will need 要因分析 (and 今後の方向性) that are still blank.

    Said when the draft is saved and on the entry page, so nobody learns it only from a refused submission.
    """
    if report is None or not report.is_editable_by_staff or not _needs_analysis(report):
        return ""
    blank = [
        name
        for name, text in (("要因分析", report.factor_analysis), ("今後の方向性", report.next_steps))
        if not text.strip()
    ]
    if not blank:
        return ""
    reason = (
        "保存した実績は目標に届いていません" if series_missing_target(report) else "自己評価が「達成」ではありません"
    )
    return f"{reason}。提出するときは{'と'.join(blank)}の入力が必要です。"


def _submission_problem(report: Report) -> str:
    missing = missing_for_submission(report)
    return "提出する前に入力してください：" + "、".join(missing) if missing else ""


REPORT_REVIEW = review.ReviewRules(
    noun="実績",
    record_noun="実績報告",
    values_noun="実績",
    submission_problem=_submission_problem,
    may_review=lambda user, report: can_approve(user, report.indicator),
    may_reopen=lambda user, report: is_planner(user),
    after_step=lambda report: refresh_grades([report.indicator_id]),
)


@transaction.atomic
def save_report(
    *,
    indicator: Indicator,
    fiscal_year: int,
    user,
    values: Mapping[str, SeriesValue],
    fields: Mapping[str, str] | None = None,
    expected_version: int | None,
    source: str = audit.SCREEN,
    allow_reviewed: bool = False,
) -> Report:
    """Create or edit the report of one indicator and year: the actual of each series (by series key) and texts.

    `expected_version` is the version the person's form was built from (None for a new report). Staff may only
    edit drafts and returned reports; an import by a planner may overwrite reviewed ones (`allow_reviewed`),
    which sends the report back to draft (setagaya_plan.core.review.record_changes).
    """
    review.ensure_year_open(fiscal_year)
    fields = dict(fields or {})
    unknown = set(fields) - set(REPORT_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    series_by_key = {series.key: series for series in indicator.series.all()}
    unknown_keys = set(values) - set(series_by_key)
    if unknown_keys:
        raise ReviewError(f"この指標にない内訳です：{'、'.join(sorted(unknown_keys))}")

    report, created = review.open_for_edit(
        REPORT_REVIEW,
        Report.objects.filter(indicator=indicator, fiscal_year=fiscal_year),
        expected_version=expected_version,
        create=lambda: Report.objects.create(indicator=indicator, fiscal_year=fiscal_year, updated_by=user, version=0),
        allow_reviewed=allow_reviewed,
    )
    changes = _save_actuals(report, {series_by_key[key]: new for key, new in values.items()})
    changed_fields = []
    for name, new_text in fields.items():
        old_text = getattr(report, name)
        if old_text != new_text:
            changes[str(Report._meta.get_field(name).verbose_name)] = [old_text, new_text]
            setattr(report, name, new_text)
            changed_fields.append(name)
    report = review.record_changes(
        report,
        user,
        created=created,
        changes=changes,
        fields=changed_fields,
        source=source,
        comment=fields.get("comment", ""),
    )
    if created or changes:
        # An import may take a reviewed report back to draft, and a draft's values never grade; keep the stored
        # grades what a fresh evaluation says, in this transaction.
        refresh_grades([indicator.pk])
    return report


def _save_actuals(report: Report, values: Mapping[Series, SeriesValue]) -> dict[str, list]:
    """Write the actuals that differ; {label: [old, new]} of what changed."""
    changes: dict[str, list] = {}
    stored = {actual.series_id: actual for actual in Actual.objects.filter(report=report)}
    for series, new in values.items():
        actual = stored.get(series.pk)
        old_value, old_text = (actual.value, actual.text) if actual else (None, "")
        label = _series_label(series)
        changes.update(audit.diff({f"{label}実績": old_value}, {f"{label}実績": new.value}))
        if old_text != new.text:
            changes[f"{label}実績（文章）"] = [old_text, new.text]
        if actual is None:
            if new.value is not None or new.text:
                Actual.objects.create(report=report, series=series, value=new.value, text=new.text)
        elif (old_value, old_text) != (new.value, new.text):
            actual.value, actual.text = new.value, new.text
            actual.save(update_fields=["value", "text"])
    return changes


# ---- a fiscal year's deadline and lock ----------------------------------------------------------------------------


@transaction.atomic
def set_year_lock(fiscal_year: int, user, locked: bool, comment: str = "") -> FiscalYearSetting:
    setting = FiscalYearSetting.for_year(fiscal_year)
    if setting.locked == locked:
        return setting
    setting.locked = locked
    setting.locked_at = timezone.now() if locked else None
    setting.locked_by = user if locked else None
    setting.save()
    action = audit.Action.LOCK if locked else audit.Action.UNLOCK
    audit.log(setting, action, user, changes={"締切": [not locked, locked]}, comment=comment.strip())
    return setting


@transaction.atomic
def set_deadline(fiscal_year: int, user, deadline) -> FiscalYearSetting:
    setting = FiscalYearSetting.for_year(fiscal_year)
    old = setting.deadline
    if setting.pk and old == deadline:
        return setting
    setting.deadline = deadline
    setting.save()
    # Logged even when a saved default is kept as it is: the year now has a deadline set by a planner.
    changes = {"提出期限": [audit.plain(old), audit.plain(deadline)]}
    audit.log(setting, audit.Action.DEADLINE, user, changes=changes)
    # Only a grade still waiting for its actual depends on a deadline (the day it becomes 未入力).
    refresh_grades(Grade.objects.waiting().values_list("indicator_id", flat=True).distinct())
    return setting

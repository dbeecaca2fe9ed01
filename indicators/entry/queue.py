"""The work queue of 実績入力: what needs this person, across every open fiscal year, in the order they can act.

A year is open when it has begun and is not closed (締切). The page's chosen year only picks the table below the
queue: a 令和6年度 report waiting for approval is shown on a page that opens on 令和7年度.

The order is what this person can act on first:
- 承認者 (and 計画担当, who may approve any section): 承認待ち.
- 入力担当: 差戻し, then past the deadline (期限超過), then 未提出 (not yet submitted in a year that has ended).
A person with both roles sees their approvals first: a waiting submission holds up a colleague, their own entry
does not. Within a kind, the older year first, then the plan's order.

A submission the approver entered or submitted themselves in its current review cycle is no action of theirs
(separation of duties, decided by core.review.self_approval_refused, the rule `approve` applies; none when
ALLOW_SELF_APPROVAL): it comes after everything they can act on, as waiting for another approver, and is not
counted in the queue's totals.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from indicators.access import visible_indicators
from indicators.models import OUTSTANDING_STATUSES, Indicator, Report, YearStatus
from setagaya_plan.core import review
from setagaya_plan.core.access import Role, is_planner, sections_of
from setagaya_plan.core.fiscal_years import current_fiscal_year, fiscal_year_label, plan_years, years_up_to_now
from setagaya_plan.core.models import FiscalYearSetting

# Kinds of work, in the order the queue shows them (the template words what the person is asked to do).
APPROVE = "approve"
RETURNED = "returned"
OVERDUE = "overdue"
NOT_SUBMITTED = "not_submitted"
OTHER_APPROVER = "other_approver"  # submitted, but this approver entered or submitted it: another one approves
KIND_ORDER = (APPROVE, RETURNED, OVERDUE, NOT_SUBMITTED, OTHER_APPROVER)


@dataclass(frozen=True)
class QueueItem:
    kind: str
    indicator: Indicator
    fiscal_year: int
    status: str
    report: Report | None

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def actionable(self) -> bool:
        return self.kind != OTHER_APPROVER

    @property
    def status_label(self) -> str:
        return YearStatus(self.status).label


@dataclass(frozen=True)
class YearCount:
    fiscal_year: int
    count: int

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


@dataclass(frozen=True)
class WorkQueue:
    items: list[QueueItem]  # in order: what the person can act on, then what waits for another approver
    years: list[YearCount]  # every open year, with how many items the person can act on (0 included)

    @property
    def actionable(self) -> list[QueueItem]:
        return [item for item in self.items if item.actionable]

    @property
    def waiting(self) -> list[QueueItem]:
        return [item for item in self.items if not item.actionable]

    def __len__(self) -> int:
        return len(self.actionable)


def _open_year_deadlines(today: datetime.date) -> dict[int, datetime.date]:
    """The plan's years that have begun and are not closed (締切), each with its deadline, in one query."""
    started = years_up_to_now(plan_years(), today)
    saved = {setting.fiscal_year: setting for setting in FiscalYearSetting.objects.filter(fiscal_year__in=started)}
    return {
        year: saved[year].deadline if year in saved else FiscalYearSetting.default_deadline(year)
        for year in started
        if not (year in saved and saved[year].locked)
    }


def _kind(status: str, *, approves: bool, enters: bool, ended: bool, late: bool) -> str | None:
    """What, if anything, this person is asked to do about an indicator in a year."""
    if status == YearStatus.SUBMITTED:
        return APPROVE if approves else None
    if not enters or status not in OUTSTANDING_STATUSES:
        return None
    if status == YearStatus.RETURNED:
        return RETURNED
    if late:
        return OVERDUE
    return NOT_SUBMITTED if ended else None


def work_queue(user, today: datetime.date) -> WorkQueue:
    """What needs `user` in every open year, ordered as the module says; counted per year."""
    deadlines = _open_year_deadlines(today)
    years = list(deadlines)
    planner = is_planner(user)
    approvable = {section.pk for section in sections_of(user, Role.APPROVER)}
    enterable = {section.pk for section in sections_of(user, Role.ENTRY)}
    if not years or not (planner or approvable or enterable):
        return WorkQueue(items=[], years=[YearCount(year, 0) for year in years])
    now = current_fiscal_year(today)
    reports = Report.objects.filter(fiscal_year__in=years).select_related("updated_by")
    indicators = (
        visible_indicators(user)
        .for_entry()
        .prefetch_related(Prefetch("reports", queryset=reports, to_attr="open_reports"))
        .in_plan_order()
    )
    found = []
    for position, indicator in enumerate(indicators):
        by_year = {report.fiscal_year: report for report in indicator.open_reports}
        for year in years:
            report = by_year.get(year)
            status = indicator.year_status(year, report)
            kind = _kind(
                status,
                approves=planner or indicator.section_id in approvable,
                enters=indicator.section_id in enterable,
                ended=year < now,
                late=today > deadlines[year],
            )
            if kind is not None:
                found.append((kind, year, position, indicator, status, report))
    items = _in_order(found, _refused_approvals(found, user))
    per_year = Counter(item.fiscal_year for item in items if item.actionable)
    return WorkQueue(items=items, years=[YearCount(year, per_year[year]) for year in years])


def _refused_approvals(found, user) -> set:
    """The pks of the submissions found for approval that `user` may not approve, in one query for all of them."""
    return review.self_approval_refused([report for kind, *_, report in found if kind == APPROVE], user)


def _in_order(found, refused: set) -> list[QueueItem]:
    entries = []
    for kind, year, position, indicator, status, report in found:
        if kind == APPROVE and report.pk in refused:
            kind = OTHER_APPROVER
        entries.append((KIND_ORDER.index(kind), year, position, QueueItem(kind, indicator, year, status, report)))
    entries.sort(key=lambda entry: entry[:3])
    return [item for *_, item in entries]

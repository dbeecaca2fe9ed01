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

The queue costs what it shows: the statuses and kinds are decided in SQL (`Indicator.year_status` as
`IndicatorQuerySet.with_year_status`), the counts per year are one aggregate query, and only the first
QUEUE_SHOWN items of each list are loaded. The separation-of-duties check reads the open years' submissions (their
keys only) and the audit trail in one query each, so the counts stay exact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Value, When

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
WAITING_RANK = KIND_ORDER.index(OTHER_APPROVER)

# Items of each list shown on the page; the rest is counted (「ほか N件」) and reached through the section table.
QUEUE_SHOWN = 50

# What sorts items of one kind and year: the plan's order (IndicatorQuerySet.in_plan_order), as named columns so
# that the union of the years can be ordered by them.
_PLAN_ORDER = {
    "goal_number": F("vision__measure__goal__number"),
    "measure_number": F("vision__measure__number"),
    "vision_number": F("vision__number"),
}
_ORDER = ("rank", "queue_year", "goal_number", "measure_number", "vision_number", "kind", "position")


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
    """The first QUEUE_SHOWN items of each list, with the exact counts of all of them."""

    items: list[QueueItem]  # in order: what the person can act on, then what waits for another approver (shown)
    years: list[YearCount]  # every open year, with how many items the person can act on (0 included)
    waiting_count: int = 0  # every submission waiting for another approver, shown or not
    next_item: QueueItem | None = None  # the first actionable item not shown: where 「ほか N件」 leads

    @property
    def actionable(self) -> list[QueueItem]:
        return [item for item in self.items if item.actionable]

    @property
    def waiting(self) -> list[QueueItem]:
        return [item for item in self.items if not item.actionable]

    @property
    def more(self) -> int:
        """Actionable items counted but not shown."""
        return len(self) - len(self.actionable)

    @property
    def more_waiting(self) -> int:
        return self.waiting_count - len(self.waiting)

    def __len__(self) -> int:
        return sum(entry.count for entry in self.years)


def _open_year_deadlines(today: datetime.date) -> dict[int, datetime.date]:
    """The plan's years that have begun and are not closed (締切), each with its deadline, in one query."""
    started = years_up_to_now(plan_years(), today)
    saved = {setting.fiscal_year: setting for setting in FiscalYearSetting.objects.filter(fiscal_year__in=started)}
    return {
        year: saved[year].deadline if year in saved else FiscalYearSetting.default_deadline(year)
        for year in started
        if not (year in saved and saved[year].locked)
    }


@dataclass(frozen=True)
class _Person:
    """What decides the kind of an item for this person: where they approve and where they enter."""

    planner: bool
    approvable: frozenset
    enterable: frozenset

    @property
    def approves_anywhere(self) -> bool:
        return self.planner or bool(self.approvable)

    def approves(self) -> Q:
        return Q() if self.planner else Q(section_id__in=self.approvable)


def _rank(person: _Person, *, status: str, ended: bool, late: bool, refused: set[int]) -> Case:
    """The kind of an item (its index in KIND_ORDER) in one year, in SQL over the annotated `status`; NULL for
    nothing to do. The rule of the module docstring: a submission for whom approves it (another approver's when
    `refused` holds the indicator), else for whom enters: 差戻し, then past the deadline, then not submitted in a
    year that has ended."""
    whens = []
    if person.approves_anywhere:
        submitted = Q(**{status: YearStatus.SUBMITTED}) & person.approves()
        if refused:
            whens.append(When(submitted & Q(pk__in=refused), then=Value(WAITING_RANK)))
        whens.append(When(submitted, then=Value(KIND_ORDER.index(APPROVE))))
    if person.enterable:
        enters = Q(section_id__in=person.enterable)
        whens.append(When(enters & Q(**{status: YearStatus.RETURNED}), then=Value(KIND_ORDER.index(RETURNED))))
        if late or ended:
            kind = OVERDUE if late else NOT_SUBMITTED
            outstanding = enters & Q(**{f"{status}__in": OUTSTANDING_STATUSES})
            whens.append(When(outstanding, then=Value(KIND_ORDER.index(kind))))
    return Case(*whens, default=None, output_field=IntegerField())


def work_queue(user, today: datetime.date, shown: int | None = None) -> WorkQueue:
    """What needs `user` in every open year, ordered as the module says; counted per year; the first `shown`
    (QUEUE_SHOWN) of each list loaded. A fixed number of queries whatever the number of indicators."""
    shown = QUEUE_SHOWN if shown is None else shown
    deadlines = _open_year_deadlines(today)
    years = list(deadlines)
    person = _Person(
        planner=is_planner(user),
        approvable=frozenset(section.pk for section in sections_of(user, Role.APPROVER)),
        enterable=frozenset(section.pk for section in sections_of(user, Role.ENTRY)),
    )
    if not years or not (person.approves_anywhere or person.enterable):
        return WorkQueue(items=[], years=[YearCount(year, 0) for year in years])
    visible = visible_indicators(user).order_by()
    refused_reports = _refused_approvals(visible, years, person, user)
    refused: dict[int, set[int]] = {}
    for report in refused_reports:
        refused.setdefault(report.fiscal_year, set()).add(report.indicator_id)
    rules = _YearRules(person, current_fiscal_year(today), today, deadlines, refused)
    ranked = visible
    for year in years:
        ranked = ranked.with_year_status(year, f"status_{year}").annotate(
            **{f"rank_{year}": rules.rank(year, f"status_{year}")}
        )
    counted = ranked.aggregate(
        **{f"n{year}": Count("pk", filter=Q(**{f"rank_{year}__lt": WAITING_RANK})) for year in years}
    )
    # One item more than is shown: the first one left out is where 「ほか N件」 leads.
    listed = _listed(visible, years, rules, shown + 1)
    actionable, waiting = _items(listed, refused_reports[:shown], years)
    return WorkQueue(
        items=actionable[:shown] + waiting,
        years=[YearCount(year, counted[f"n{year}"]) for year in years],
        waiting_count=len(refused_reports),
        next_item=actionable[shown] if len(actionable) > shown else None,
    )


@dataclass(frozen=True)
class _YearRules:
    person: _Person
    now: int  # the current fiscal year
    today: datetime.date
    deadlines: dict[int, datetime.date]
    refused: dict[int, set[int]]

    def rank(self, year: int, status: str) -> Case:
        return _rank(
            self.person,
            status=status,
            ended=year < self.now,
            late=self.today > self.deadlines[year],
            refused=self.refused.get(year, set()),
        )


def _refused_approvals(visible, years: list[int], person: _Person, user) -> list[Report]:
    """The submissions of the open years that `user` may approve by role but not by the separation of duties, in
    queue order (the older year, then the plan's order): the submissions read as keys and plan places only, then
    core.review.self_approval_refused, one query for all of them."""
    if not person.approves_anywhere:
        return []
    submissions = list(
        Report.objects.filter(
            fiscal_year__in=years, status=YearStatus.SUBMITTED, indicator__in=visible.filter(person.approves())
        )
        .only("pk", "status", "submitted_by_id", "indicator_id", "fiscal_year")
        .annotate(
            **{name: F(f"indicator__{expression.name}") for name, expression in _PLAN_ORDER.items()},
            indicator_kind=F("indicator__kind"),
            indicator_position=F("indicator__position"),
        )
    )
    refused_pks = review.self_approval_refused(submissions, user)
    refused = [report for report in submissions if report.pk in refused_pks]
    refused.sort(
        key=lambda report: (
            report.fiscal_year,
            *(getattr(report, name) for name in _PLAN_ORDER),
            report.indicator_kind,
            report.indicator_position,
        )
    )
    return refused


def _listed(visible, years: list[int], rules: _YearRules, limit: int) -> list[Indicator]:
    """The first `limit` items the person can act on, in queue order, as indicators annotated with `rank`,
    `queue_year` and `queue_status`: one query, the union of one SELECT per open year."""
    parts = [
        visible.select_related("section")
        .with_year_status(year, "queue_status")
        .annotate(rank=rules.rank(year, "queue_status"), queue_year=Value(year, output_field=IntegerField()))
        .annotate(**_PLAN_ORDER)
        .filter(rank__lt=WAITING_RANK)
        for year in years
    ]
    return list(parts[0].union(*parts[1:], all=True).order_by(*_ORDER)[:limit])


def _items(listed: list[Indicator], waiting: list[Report], years: list[int]) -> tuple[list[QueueItem], list[QueueItem]]:
    """Queue items of the listed indicators, each with its report of the year, and of the `waiting` submissions,
    each with its indicator: one query for both."""
    if not listed and not waiting:
        return [], []
    wanted = Q(indicator__in=[indicator.pk for indicator in listed], fiscal_year__in=years)
    reports = Report.objects.filter(wanted | Q(pk__in=[report.pk for report in waiting]))
    found = {
        (report.indicator_id, report.fiscal_year): report
        for report in reports.select_related("updated_by", "indicator__section")
    }
    actionable = [
        QueueItem(
            KIND_ORDER[indicator.rank],
            indicator,
            indicator.queue_year,
            indicator.queue_status,
            found.get((indicator.pk, indicator.queue_year)),
        )
        for indicator in listed
    ]
    others = []
    for submission in waiting:
        report = found[(submission.indicator_id, submission.fiscal_year)]
        others.append(QueueItem(OTHER_APPROVER, report.indicator, report.fiscal_year, report.status, report))
    return actionable, others

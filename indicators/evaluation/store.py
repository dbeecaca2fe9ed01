"""Stored grades (indicators.models.Grade): written from a fresh Evaluator run by every change of an input.

`refresh_grades(indicator_ids, years)` recomputes the official grades of some indicators (None: all) and replaces
their rows, in the caller's transaction. Every path that changes what grading reads calls it: saving a report and
each review step (indicators.entry.workflow), file imports (indicators.importing), `load_plan`, the admin's edits
of indicators, series, targets and 【再掲】, confirmed baselines, the grading scheme and its thresholds
(changes.py), and a year's deadline. `manage.py regrade` rebuilds every row.

A bulk writer (a file import of many rows) wraps its work in `deferred_refresh()`: the refreshes asked for inside
are collected and run once at the end of the block, still inside the caller's transaction.

Grades are computed as of no particular day: a grade still waiting for its actual is stored "pending" with the day
it becomes 未入力 (`missing_after`, the deadline), and `Grade.objects.as_of(today)` reads the day's status.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db import transaction

from indicators.evaluation.data import Calendar, Scheme, Status
from indicators.evaluation.evaluator import Evaluator
from indicators.evaluation.grading import IndicatorGrade, grade_indicator
from indicators.evaluation.schemes import active_scheme
from indicators.models import Grade, Indicator
from indicators.models.grades import RATE_OPTIONS
from setagaya_plan.core.fiscal_years import plan_years

# Indicators graded per Evaluator run when rebuilding many: bounds memory at 100× the plan.
CHUNK = 400
FOUR_PLACES = Decimal("0.0001")
RATE_LIMIT = Decimal(10) ** (RATE_OPTIONS["max_digits"] - RATE_OPTIONS["decimal_places"])
_collecting = threading.local()


def refresh_grades(indicator_ids: Iterable[int] | None = None, years: Iterable[int] | None = None) -> None:
    """Recompute and store the official grades of these indicators (None: every indicator) for these fiscal years
    (None: every year of the plan). Inside `deferred_refresh()` the work waits for the end of the block."""
    pending = getattr(_collecting, "ids", None)
    if pending is not None:
        if indicator_ids is None:
            _collecting.all = True
        else:
            pending.update(indicator_ids)
        return
    _refresh(None if indicator_ids is None else set(indicator_ids), None if years is None else set(years))


@contextmanager
def deferred_refresh() -> Iterator[None]:
    """Collect the refreshes asked for inside the block and run them once at its end (nested: the outermost)."""
    if getattr(_collecting, "ids", None) is not None:
        yield
        return
    _collecting.ids, _collecting.all = set(), False
    try:
        yield
        ids, everything = _collecting.ids, _collecting.all
    finally:
        _collecting.ids = None
    if everything:
        _refresh(None, None)
    elif ids:
        _refresh(ids, None)


def regrade_all() -> int:
    """Rebuild every stored grade (manage.py regrade); returns the number of rows written."""
    _refresh(None, None)
    return Grade.objects.count()


@transaction.atomic
def _refresh(indicator_ids: set[int] | None, years: set[int] | None) -> None:
    if indicator_ids is None:
        ids = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(indicator_ids)
    all_years = list(plan_years())
    chosen = [y for y in all_years if years is None or y in years]
    scheme = active_scheme()
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK], chosen if years is not None else None, all_years, scheme)


def _refresh_chunk(ids: list[int], years: list[int] | None, all_years: list[int], scheme: Scheme) -> None:
    """Grade a chunk of indicators and write only the rows that differ from what is stored (a threshold change
    rewrites the grades it changes, not the plan)."""
    # Two transactions refreshing the same indicator (a save beside a scheme change) take turns, in pk order so they
    # never deadlock; the second then reads what the first committed instead of inserting beside its rows.
    list(Indicator.objects.filter(pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True))
    stored = Grade.objects.filter(indicator_id__in=ids)
    if years is not None:
        stored = stored.filter(fiscal_year__in=years)
    existing = {
        (indicator_id, year, measure_id): (pk, tuple(values))
        for pk, indicator_id, year, measure_id, *values in stored.values_list(
            "pk", "indicator_id", "fiscal_year", "measure_id", *STORED_FIELDS
        )
    }
    chunk = list(Indicator.objects.with_structure().filter(pk__in=ids).order_by("pk"))
    # Graded as of no day: nothing is overdue, so what waits for an actual is "pending" (see missing_after).
    evaluator = Evaluator(chunk, scheme=scheme, today=datetime.date.min)
    fresh = {}
    for indicator in chunk:
        for year in years if years is not None else all_years:
            fresh.update(_rows(indicator, evaluator.grade(indicator, year), evaluator, all_years[0]))
    stale = {pk for key, (pk, values) in existing.items() if fresh.get(key) != values}
    for start in range(0, len(stale), 500):
        Grade.objects.filter(pk__in=sorted(stale)[start : start + 500]).delete()
    Grade.objects.bulk_create(
        [
            Grade(
                indicator_id=key[0],
                fiscal_year=key[1],
                measure_id=key[2],
                **dict(zip(STORED_FIELDS, values, strict=True)),
            )
            for key, values in fresh.items()
            if key not in existing or existing[key][0] in stale
        ],
        batch_size=1000,
    )


# What a stored grade holds besides where and when it is (indicator, fiscal year, measure).
STORED_FIELDS = (
    "relisted",
    "status",
    "level",
    "rank",
    "missing_after",
    "counts_as_met",
    "needs_attention",
    "regressed",
    "misses_target",
    "due",
    "approved",
    "achievement",
    "progress",
    "pace",
    "target_value",
)


def _rows(indicator, grade: IndicatorGrade, evaluator: Evaluator, first_year: int) -> dict[tuple, tuple]:
    """{(indicator, year, measure): the values of STORED_FIELDS} for each measure the indicator is printed in."""
    scheme = evaluator.scheme
    main = grade.main
    values = {
        "status": str(grade.status),
        "level": grade.level.code if grade.is_graded else "",
        "rank": rank_of(grade.level.code if grade.is_graded else grade.status, scheme),
        "missing_after": _missing_after(indicator, grade, evaluator, first_year),
        "counts_as_met": grade.is_met,
        "needs_attention": grade.needs_attention,
        "regressed": grade.is_graded and grade.regressed,
        "misses_target": grade.misses_target,
        "due": grade.due,
        "approved": grade.approved,
        "achievement": _rate(main.achievement if main else None),
        "progress": _rate(main.progress if main else None),
        "pace": _rate(main.pace if main else None),
        "target_value": grade.target_value,
    }
    return {
        (indicator.pk, grade.year, measure.pk): tuple({**values, "relisted": index > 0}[name] for name in STORED_FIELDS)
        for index, measure in enumerate(indicator.listed_measures())
    }


def rank_of(key: str, scheme: Scheme) -> int:
    """The order of a grade key, best first: the scheme's levels, then the statuses in their order (未入力 first)."""
    levels = [level.code for level in scheme.levels]
    return levels.index(key) if key in levels else len(levels) + list(Status).index(key)


def _missing_after(indicator, grade: IndicatorGrade, evaluator: Evaluator, first_year: int) -> datetime.date | None:
    """The last day a pending grade is still 集計中: the earliest deadline whose passing makes it 未入力.

    Usually the year's own deadline; for a count summed over merged years, the deadline of its earliest year
    still without an actual. Found by grading as of the day after each candidate deadline.
    """
    if grade.status != Status.PENDING:
        return None
    calendar = evaluator.calendar
    candidates = sorted({calendar.deadline(y) for y in range(min(first_year, grade.year), grade.year + 1)})
    for deadline in candidates:
        later = Calendar(today=deadline + datetime.timedelta(days=1), deadlines=calendar.deadlines)
        if grade_indicator(evaluator.data[indicator.pk], grade.year, evaluator.scheme, later).status == Status.MISSING:
            return deadline
    return calendar.deadline(grade.year)


def _rate(rate: Decimal | None) -> Decimal | None:
    """A rate as stored: rounded down to four places (shown rounded down to one: the same digits); none for an
    infinite one (a zero divisor, shown ―) or one too large for the column."""
    if rate is None or not rate.is_finite():
        return None
    try:
        rounded = rate.quantize(FOUR_PLACES, rounding=ROUND_FLOOR)
    except InvalidOperation:
        return None
    return rounded if abs(rounded) < RATE_LIMIT else None

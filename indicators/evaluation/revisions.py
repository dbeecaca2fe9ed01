"""Which revision of the 実施計画 a fiscal year is graded against: the target in force (docs/evaluation.md).

The rule, over plain data so that it is tested by hand:

* A year is graded against the latest revision decided on or before the year's reporting deadline (Calendar):
  the targets the sections knew when their reports were due. 当初 (no decision date) is always in force.
* A revision decided after a year's deadline changes that year's grade only when the planners chose so for that
  revision (`regrade`, logged in the audit trail); then it counts for every year.
* Revisions are numbered in the order of their decision dates (the model refuses anything else), so "latest" is
  the highest number.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from indicators.evaluation.data import Calendar, SeriesData

ORIGINAL = "当初"


@dataclass(frozen=True)
class RevisionData:
    """A revision as the rule needs it: its order, name, decision date and whether it re-grades past years."""

    number: int = 0
    name: str = ORIGINAL
    decided: datetime.date | None = None
    regrade: bool = False

    def in_force_for(self, year: int, calendar: Calendar) -> bool:
        return self.decided is None or self.regrade or self.decided <= calendar.deadline(year)


@dataclass(frozen=True)
class RevisionState:
    """An indicator's series as a revision left them (its targets, 現況値 and 総量 at that revision)."""

    revision: RevisionData
    series: tuple[SeriesData, ...]


def revision_in_force(revisions: Sequence[RevisionData], year: int, calendar: Calendar) -> RevisionData | None:
    """The revision whose targets grade `year`; None when none is in force (every revision decided later)."""
    eligible = [revision for revision in revisions if revision.in_force_for(year, calendar)]
    return max(eligible, key=lambda revision: revision.number, default=None)


def state_in_force(states: Sequence[RevisionState], year: int, calendar: Calendar) -> RevisionState | None:
    """The state of the revision in force for `year` among an indicator's states (oldest first).

    An indicator first set by a later revision has no state before it: until that revision is in force it has
    no target (None), which grades as 目標なし.
    """
    revision = revision_in_force([state.revision for state in states], year, calendar)
    if revision is None:
        return None
    return next(state for state in states if state.revision == revision)

"""Indicator actuals proposed from approved consultation counts (built in the consultations issue).

Contract used by the entry screens: `proposal_for(indicator, fiscal_year)` returns a Proposal when the indicator
names consultation counts as its source, otherwise None. The entry page shows it with
`{% include "consultations/includes/actual_proposal.html" %}` (context variable `proposal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Proposal:
    value: Decimal
    source_label: str
    breakdown: list[tuple[str, Decimal]] = field(default_factory=list)


def proposal_for(indicator, fiscal_year: int) -> Proposal | None:
    return None

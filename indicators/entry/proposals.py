"""Proposed actuals from elsewhere in the product, shown on the entry page and checked by the entry forms.

indicators knows no source of proposals. An app that can propose an indicator's actual — consultations, from
approved consultation counts — registers a provider here in its AppConfig.ready(). A provider takes a list of
indicators and a fiscal year and returns a Proposal for each indicator it can propose, keyed by the indicator's
pk, in a number of queries that does not grow with the list (the grid asks for a whole section at once).

The entry page shows a proposal with its own template (`Proposal.template`); an entered value that differs from
the proposal needs a reason in the comment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import Indicator


@dataclass(frozen=True)
class Proposal:
    value: Decimal
    source_label: str
    template: str  # included on the entry page with `proposal` in its context
    breakdown: list[tuple[str, Decimal]] = field(default_factory=list)
    note: str = ""
    unit: str = ""


ProposalProvider = Callable[[Sequence[Indicator], int], Mapping[int, Proposal]]

_providers: list[ProposalProvider] = []


def register(provider: ProposalProvider) -> ProposalProvider:
    """Add a provider (once, however often an app's ready() runs)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def proposals_for(indicators: Sequence[Indicator], fiscal_year: int) -> dict[int, Proposal]:
    """Each indicator's proposal for the year, by pk; the first provider that proposes one wins."""
    found: dict[int, Proposal] = {}
    indicators = list(indicators)
    if not indicators:
        return found
    for provider in _providers:
        for pk, proposal in provider(indicators, fiscal_year).items():
            found.setdefault(pk, proposal)
    return found


def proposal_for(indicator: Indicator, fiscal_year: int) -> Proposal | None:
    return proposals_for([indicator], fiscal_year).get(indicator.pk)

"""indicators.entry.proposals: the extension point through which other apps propose an indicator's actual."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consultations import feeds
from indicators.entry import proposals
from indicators.entry.proposals import Proposal, proposal_for, proposals_for
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

TEMPLATE = "consultations/includes/actual_proposal.html"


def _proposal(value: int, source: str) -> Proposal:
    return Proposal(value=Decimal(value), source_label=source, template=TEMPLATE)


@pytest.fixture
def providers(monkeypatch) -> list:
    registered: list = []
    monkeypatch.setattr(proposals, "_providers", registered)
    return registered


def test_consultations_register_their_provider_when_the_app_is_ready():
    assert feeds.proposals in proposals._providers


def test_registering_twice_keeps_one(providers):
    def provider(indicators, year):
        return {}

    proposals.register(provider)
    proposals.register(provider)
    assert providers == [provider]


def test_each_indicator_gets_the_first_providers_proposal_and_others_none(providers):
    training, isolation, other = Indicator.objects.filter(
        code__in=["G1-M01-V1-A3", "G1-M01-V3-O1", "G1-M09-V1-A1"]
    ).order_by("code")
    calls = []

    def first(indicators, year):
        calls.append(([i.code for i in indicators], year))
        return {training.pk: _proposal(5, "研修の記録")}

    def second(indicators, year):
        return {training.pk: _proposal(9, "別の記録"), isolation.pk: _proposal(13, "区民意識調査")}

    providers.extend([first, second])
    found = proposals_for([training, isolation, other], 2024)
    assert {pk: p.source_label for pk, p in found.items()} == {training.pk: "研修の記録", isolation.pk: "区民意識調査"}
    assert calls == [(["G1-M01-V1-A3", "G1-M01-V3-O1", "G1-M09-V1-A1"], 2024)]
    assert proposal_for(other, 2024) is None
    assert proposal_for(training, 2024).value == Decimal(5)


def test_no_indicators_asks_no_provider(providers):
    def provider(indicators, year):
        raise AssertionError("asked for nothing")

    providers.append(provider)
    assert proposals_for([], 2024) == {}


def test_without_providers_nothing_is_proposed(providers):
    assert proposal_for(Indicator.objects.get(code="G1-M03-V1-O1"), 2024) is None

"""Indicator actuals proposed from approved consultation counts.

`proposals(indicators, fiscal_year)` is this app's provider for indicators.entry.proposals (registered in
ConsultationsConfig.ready()): a Proposal for each indicator that names consultation counts as its source (an
active IndicatorFeed) when some of them are approved for the year. The entry page shows it with
consultations/includes/actual_proposal.html; the 入力担当 confirms the value or overrides it with a reason there.

Only APPROVED counts are summed: a draft or submitted month may still change. `note` says how much of the year
is approved, so a proposal made mid-year is not mistaken for the year's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from consultations.models import (
    WHOLE_YEAR,
    Area,
    Category,
    CountReport,
    District,
    IndicatorFeed,
)
from indicators.entry.proposals import Proposal
from indicators.models import Indicator
from setagaya_plan.core.fiscal_years import FISCAL_MONTHS, fiscal_year_label

TEMPLATE = "consultations/includes/actual_proposal.html"


def proposals(indicators: Sequence[Indicator], fiscal_year: int) -> dict[int, Proposal]:
    """The proposals of the indicators fed by consultation counts, by indicator pk; queries do not grow with the
    indicators that have no feed."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    feeds = IndicatorFeed.objects.filter(indicator__in=list(by_pk), active=True).prefetch_related(
        "windows", "agencies", "categories"
    )
    found = {}
    for feed in feeds:
        proposal = _proposal(feed, by_pk[feed.indicator_id], fiscal_year)
        if proposal is not None:
            found[feed.indicator_id] = proposal
    return found


def proposal_for(indicator: Indicator, fiscal_year: int) -> Proposal | None:
    return proposals([indicator], fiscal_year).get(indicator.pk)


def _proposal(feed: IndicatorFeed, indicator: Indicator, fiscal_year: int) -> Proposal | None:
    counts = feed.counts().for_year(fiscal_year).approved()
    by_area = counts.by_area()
    if not by_area:
        return None
    total = sum(by_area.values())
    breakdown = [
        (f"{area}", Decimal(by_area[area.pk])) for area in Area.objects.order_by("position") if area.pk in by_area
    ]
    if None in by_area:
        breakdown.append(("全区（地域に分けない機関）", Decimal(by_area[None])))
    if feed.categories.count() > 1:
        by_category = counts.by_category()
        for category in Category.objects.filter(pk__in=by_category).order_by("position"):
            breakdown.append((f"分類：{category.name}", Decimal(by_category[category.pk])))
    return Proposal(
        value=Decimal(total),
        source_label=f"{fiscal_year_label(fiscal_year)} {feed.source_label()}",
        template=TEMPLATE,
        breakdown=breakdown,
        note=_coverage_note(fiscal_year),
        unit=indicator.unit,
    )


def _coverage_note(fiscal_year: int) -> str:
    """How much of the year is approved: 地区 × months (28 × 12 when complete), and what is still pending."""
    reports = CountReport.objects.filter(fiscal_year=fiscal_year, district__isnull=False)
    approved = reports.filter(status=CountReport.Status.APPROVED).values_list("month", flat=True)
    approved_months = sum(len(FISCAL_MONTHS) if month == WHOLE_YEAR else 1 for month in approved)
    expected = District.objects.count() * len(FISCAL_MONTHS)
    pending = reports.exclude(status=CountReport.Status.APPROVED).count()
    text = f"承認済の件数だけを集計しています（地区×月 {expected} のうち承認済 {approved_months}）。"
    if approved_months < expected:
        text += "すべての月がそろっていないため、年度の途中の値です。"
    if pending:
        text += f"未承認の報告が {pending} 件あり、含んでいません。"
    return text

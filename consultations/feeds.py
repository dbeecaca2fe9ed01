"""Indicator actuals proposed from approved consultation counts.

Contract used by the entry screens: `proposal_for(indicator, fiscal_year)` returns a Proposal when the indicator
names consultation counts as its source (an active IndicatorFeed) and some of them are approved for the year,
otherwise None. The entry page shows it with `{% include "consultations/includes/actual_proposal.html" %}`
(context variable `proposal`); the 入力担当 confirms the value or overrides it with a reason there.

Only APPROVED counts are summed: a draft or submitted month may still change. `note` says how much of the year
is approved, so a proposal made mid-year is not mistaken for the year's total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from consultations.models import (
    WHOLE_YEAR,
    Area,
    Category,
    CountReport,
    District,
    IndicatorFeed,
)
from setagaya_plan.core.fiscal_years import FISCAL_MONTHS, fiscal_year_label


@dataclass(frozen=True)
class Proposal:
    value: Decimal
    source_label: str
    breakdown: list[tuple[str, Decimal]] = field(default_factory=list)
    note: str = ""
    unit: str = ""


def feed_for(indicator) -> IndicatorFeed | None:
    return (
        IndicatorFeed.objects.filter(indicator=indicator, active=True)
        .prefetch_related("windows", "agencies", "categories")
        .first()
    )


def proposal_for(indicator, fiscal_year: int) -> Proposal | None:
    feed = feed_for(indicator)
    if feed is None:
        return None
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

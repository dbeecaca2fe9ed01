"""Japanese fiscal years (年度, April–March) and their 和暦 labels.

The plan names years the way Japanese documents do, 令和6年度（2024年度）; code uses the Western number of the
year in which the fiscal year starts (FY2024 = 1 April 2024 – 31 March 2025).
"""

from __future__ import annotations

import datetime

from measures.models import Plan

REIWA_OFFSET = 2018  # 令和1年 = 2019
HEISEI_OFFSET = 1988  # 平成1年 = 1989


def era_label(fiscal_year: int) -> str:
    """令和6年度 for 2024, 平成29年度 for 2017 (令和元年度 for 2019, as printed in official documents)."""
    if fiscal_year >= 2019:
        n = fiscal_year - REIWA_OFFSET
        return f"令和{'元' if n == 1 else n}年度"
    n = fiscal_year - HEISEI_OFFSET
    return f"平成{'元' if n == 1 else n}年度"


def fiscal_year_label(fiscal_year: int) -> str:
    """令和6年度（2024年度）: the label used everywhere in the UI, as in the plan."""
    return f"{era_label(fiscal_year)}（{fiscal_year}年度）"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date belongs to: 31 March 2025 is still FY2024."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


# Months of a fiscal year in their order (April first).
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def calendar_year_of(fiscal_year: int, month: int) -> int:
    """January–March belong to the fiscal year that started the April before."""
    return fiscal_year + 1 if 1 <= month <= 3 else fiscal_year


def plan_period_label(plan: Plan) -> str:
    """令和6年度（2024年度）～令和13年度（2031年度）: a plan's period as the plan prints it."""
    return f"{fiscal_year_label(plan.start_fiscal_year)}～{fiscal_year_label(plan.end_fiscal_year)}"

"""要因分析 and 今後の方向性 under the printed tables of the annual report.

The report prints what the 所管課 wrote with each approved actual of the year, after the tables of each めざす姿, in
the tables' order. An indicator printed again as 【再掲】 is written once, where it is the place's own indicator; an
unapproved report is not part of the official report and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.models import Report


@dataclass
class Analysis:
    number: str  # as printed in this place (行動量3)
    name: str
    factor_analysis: str
    next_steps: str


def year_analyses(tables, evaluator, year: int) -> list[Analysis]:
    """The year's approved 要因分析 / 今後の方向性 of the indicators in `tables` (PrintedTable), printed order."""
    found = []
    for table in tables:
        for row in table.rows:
            if not row.first_of_indicator or row.relisted:
                continue
            report = evaluator.report(row.indicator, year)
            if report is None or report.status != Report.Status.APPROVED:
                continue
            if report.factor_analysis.strip() or report.next_steps.strip():
                found.append(
                    Analysis(
                        number=f"{table.label}{row.number}",
                        name=row.name,
                        factor_analysis=report.factor_analysis.strip(),
                        next_steps=report.next_steps.strip(),
                    )
                )
    return found

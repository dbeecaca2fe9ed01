"""How a grade is shown: its label, icon and colour — text and icon always, never colour alone.

One source for every place that shows a grade: the template fragment templates/includes/grade_badge.html (through
the `grade_badge` tag of indicators.templatetags.grades) on the entry, progress and public pages and the annual
report, and the workbooks, which write the same label and icon as cell text and the colour as a fill.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.evaluation.data import REGRESSED_ICON, REGRESSED_LABEL, STATUS_ICONS, Status

GRAY = "gray"
REGRESSED_COLOUR = "regressed"


@dataclass(frozen=True)
class Badge:
    label: str
    icon: str
    colour: str

    @property
    def text(self) -> str:
        """◎達成, ▼後退: the badge as plain text, for workbooks and CSV."""
        return f"{self.icon}{self.label}"


REGRESSED = Badge(REGRESSED_LABEL, REGRESSED_ICON, REGRESSED_COLOUR)


def status_badge(status: str) -> Badge:
    """The gray badge of a status that is not a grade (未入力, 集計中, 判定年度前 …)."""
    return Badge(Status(status).label, STATUS_ICONS.get(status, ""), GRAY)


def grade_badges(grade) -> list[Badge]:
    """A grade's badges: its level (or status), then 後退 when a graded result is worse than its baseline.

    `grade` is a SeriesGrade, an IndicatorGrade, a scheme Level (the legend and table headers) or a Badge.
    """
    if grade is None:
        return []
    badges = [grade if isinstance(grade, Badge) else Badge(grade.label, grade.icon, grade.colour)]
    if is_regressed(grade):
        badges.append(REGRESSED)
    return badges


def is_regressed(grade) -> bool:
    return bool(getattr(grade, "is_graded", False) and getattr(grade, "regressed", False))


def grade_text(grade, separator: str = "・") -> str:
    """◎達成, ×未達成・▼後退: every badge of a grade as one text."""
    return separator.join(badge.text for badge in grade_badges(grade))

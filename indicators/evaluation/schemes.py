"""Grading schemes: the shipped ones, and the active one read from the database."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from indicators.evaluation.data import Level, Scheme
from indicators.models import GradeLevel, GradingScheme
from setagaya_plan.core import audit

# The schemes the product ships with; migration 0005_ship_grading_schemes installs a frozen copy of them.

SHIPPED_SCHEMES: list[dict] = [
    {
        "code": "default",
        "name": "標準（達成・概ね達成・未達成）",
        "description": (
            "達成率（実績÷目標。減少をめざす指標は目標÷実績）で判定します。100％以上で「達成」、80％以上で"
            "「概ね達成」、それ未満は「未達成」。現況値より悪化したときは別に「後退」を示します。"
        ),
        "basis": "achievement",
        "levels": [
            ("met", "達成", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly", "概ね達成", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("not_met", "未達成", None, False, True, "not_met", "red", "×"),
        ],
    },
    {
        "code": "five_level",
        "name": "5段階（大きく上回って達成～大きく下回った）",
        "description": "達成率で5段階に判定します。120％以上、100％以上、80％以上、50％以上、50％未満。",
        "basis": "achievement",
        "levels": [
            ("far_above", "目標を大きく上回って達成", Decimal(120), True, False, "", "blue", "◎"),
            ("above", "目標を上回って達成", Decimal(100), True, False, "met", "green", "○"),
            ("nearly", "目標をほぼ達成", Decimal(80), False, False, "mostly", "yellow", "△"),
            ("below", "目標を下回った", Decimal(50), False, True, "not_met", "orange", "▽"),
            ("far_below", "目標を大きく下回った", None, False, True, "", "red", "×"),
        ],
    },
    {
        "code": "pace",
        "name": "進み具合（順調・概ね順調・やや遅れている・遅れている）",
        "description": (
            "現況値から最終年度の目標までを直線で結び、その年度にあるべき値と比べます（福岡市の保健福祉総合計画の"
            "評価と同じ考え方）。各年度の件数を合計する指標は、総量までの直線と実績の累計を比べます。"
            "100％以上で「順調」、80％以上で「概ね順調」、50％以上で「やや遅れている」、それ未満は「遅れている」。"
        ),
        "basis": "pace",
        "levels": [
            ("on_track", "順調", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly_on_track", "概ね順調", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("slightly_behind", "やや遅れている", Decimal(50), False, True, "", "orange", "△"),
            ("behind", "遅れている", None, False, True, "not_met", "red", "×"),
        ],
    },
]
LEVEL_FIELDS = ("code", "label", "min_rate", "counts_as_met", "needs_attention", "self_grade", "colour", "icon")


def shipped_scheme(code: str = "default") -> Scheme:
    data = next(s for s in SHIPPED_SCHEMES if s["code"] == code)
    return Scheme(
        code=data["code"],
        name=data["name"],
        description=data["description"],
        basis=data["basis"],
        levels=tuple(Level(**dict(zip(LEVEL_FIELDS, row, strict=True))) for row in data["levels"]),
    )


def scheme_from_model(model) -> Scheme:
    return Scheme(
        code=model.code,
        name=model.name,
        description=model.description,
        basis=model.basis,
        survey_tolerance=model.survey_tolerance,
        levels=tuple(
            Level(**{name: getattr(level, name) for name in LEVEL_FIELDS})
            for level in sorted(model.levels.all(), key=lambda level: level.position)
        ),
    )


def active_scheme() -> Scheme:
    """The scheme planners chose; the shipped default when none is stored (e.g. a freshly flushed database)."""

    model = GradingScheme.objects.with_levels().filter(is_active=True).first()
    return scheme_from_model(model) if model else shipped_scheme()


@transaction.atomic
def install_shipped_schemes(user=None) -> list:
    """Store the shipped schemes that are missing (by code); activate the default when none is active."""

    created = []
    for position, data in enumerate(SHIPPED_SCHEMES):
        if GradingScheme.objects.filter(code=data["code"]).exists():
            continue
        scheme = GradingScheme.objects.create(
            code=data["code"],
            name=data["name"],
            description=data["description"],
            basis=data["basis"],
            position=position,
        )
        for index, row in enumerate(data["levels"]):
            GradeLevel.objects.create(scheme=scheme, position=index, **dict(zip(LEVEL_FIELDS, row, strict=True)))
        changes = {"評価の段階": [None, "、".join(row[1] for row in data["levels"])]}
        audit.log(scheme, audit.Action.INSTALL_SCHEMES, user, changes=changes)
        created.append(scheme)
    if not GradingScheme.objects.filter(is_active=True).exists():
        GradingScheme.objects.filter(code="default").update(is_active=True)
    return created

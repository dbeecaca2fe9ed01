"""Ship the three grading schemes of docs/evaluation.md; the default one is active.

A frozen copy of indicators.evaluation.SHIPPED_SCHEMES as it was when this migration was written: later changes
to the shipped definitions must not rewrite what planners have since adjusted.
"""

from decimal import Decimal

from django.db import migrations

SCHEMES = [
    (
        "default",
        "標準（達成・概ね達成・未達成）",
        "達成率（実績÷目標。減少をめざす指標は目標÷実績）で判定します。100％以上で「達成」、80％以上で「概ね達成」、"
        "それ未満は「未達成」。現況値より悪化したときは別に「後退」を示します。",
        "achievement",
        [
            ("met", "達成", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly", "概ね達成", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("not_met", "未達成", None, False, True, "not_met", "red", "×"),
        ],
    ),
    (
        "five_level",
        "5段階（大きく上回って達成～大きく下回った）",
        "達成率で5段階に判定します。120％以上、100％以上、80％以上、50％以上、50％未満。",
        "achievement",
        [
            ("far_above", "目標を大きく上回って達成", Decimal(120), True, False, "", "blue", "◎"),
            ("above", "目標を上回って達成", Decimal(100), True, False, "met", "green", "○"),
            ("nearly", "目標をほぼ達成", Decimal(80), False, False, "mostly", "yellow", "△"),
            ("below", "目標を下回った", Decimal(50), False, True, "not_met", "orange", "▽"),
            ("far_below", "目標を大きく下回った", None, False, True, "", "red", "×"),
        ],
    ),
    (
        "pace",
        "進み具合（順調・概ね順調・やや遅れている・遅れている）",
        "現況値から最終年度の目標までを直線で結び、その年度にあるべき値と比べます（福岡市の保健福祉総合計画の評価と"
        "同じ考え方）。各年度の件数を合計する指標は、総量までの直線と実績の累計を比べます。100％以上で「順調」、"
        "80％以上で「概ね順調」、50％以上で「やや遅れている」、それ未満は「遅れている」。",
        "pace",
        [
            ("on_track", "順調", Decimal(100), True, False, "met", "green", "◎"),
            ("mostly_on_track", "概ね順調", Decimal(80), False, False, "mostly", "yellow", "○"),
            ("slightly_behind", "やや遅れている", Decimal(50), False, True, "", "orange", "△"),
            ("behind", "遅れている", None, False, True, "not_met", "red", "×"),
        ],
    ),
]
LEVEL_FIELDS = ("code", "label", "min_rate", "counts_as_met", "is_shortfall", "self_grade", "colour", "icon")


def ship(apps, schema_editor):
    GradingScheme = apps.get_model("indicators", "GradingScheme")
    GradeLevel = apps.get_model("indicators", "GradeLevel")
    for position, (code, name, description, basis, levels) in enumerate(SCHEMES):
        if GradingScheme.objects.filter(code=code).exists():
            continue
        scheme = GradingScheme.objects.create(
            code=code, name=name, description=description, basis=basis, position=position, is_active=False
        )
        for index, row in enumerate(levels):
            GradeLevel.objects.create(scheme=scheme, position=index, **dict(zip(LEVEL_FIELDS, row, strict=True)))
    if not GradingScheme.objects.filter(is_active=True).exists():
        GradingScheme.objects.filter(code="default").update(is_active=True)


def unship(apps, schema_editor):
    # The schema migration before this one drops the tables; nothing to undo here.
    pass


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_grading_schemes_and_confirmed_baselines")]

    operations = [migrations.RunPython(ship, unship)]

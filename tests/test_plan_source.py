"""The loaded plan against the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章).

Expectations come from tests/source_expectations, a second transcription written by reading
the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章), never from the fixture files these tests check.
"""

from __future__ import annotations

import importlib
from collections import Counter
from decimal import Decimal

import pytest

from indicators.models import Indicator, Series
from measures.models import Goal, Measure
from tests.source_expectations.cells import SAME, Deferred, Text

pytestmark = pytest.mark.django_db

MEASURE_TITLES = {
    1: "地区で相談を受け止め、つながり続ける仕組み",
    2: "地域生活を支える保健、医療、福祉の連携",
    3: "福祉サービス",
    4: "予防、健康づくり",
    5: "住まい",
    6: "日常生活の支援",
    7: "就労",
    8: "学校や教育分野と福祉分野の連携",
    9: "社会参加の促進",
    10: "防犯・防災",
}
KIND = {"行動量": Indicator.Kind.ACTION, "成果指標": Indicator.Kind.OUTCOME}


def expectations(number: int):
    return importlib.import_module(f"tests.source_expectations.measure{number:02d}")


def test_goals_as_printed():
    goals = {goal.number: goal.title for goal in Goal.objects.all()}
    assert goals == {1: "世田谷版地域包括ケアシステムを強化する", 2: "世田谷版地域包括ケアシステムを支える基盤整備"}


def test_goal_1_has_its_ten_measures_and_goal_2_none_invented():
    titles = {m.number: m.title for m in Measure.objects.filter(goal__number=1)}
    assert titles == MEASURE_TITLES
    assert not Measure.objects.filter(goal__number=2).exists()


@pytest.mark.parametrize("measure_number", range(1, 11))
def test_indicator_counts_per_vision(measure_number):
    expected = expectations(measure_number).COUNTS
    found = Counter(
        (indicator.vision.number, indicator.get_kind_display())
        for indicator in Indicator.objects.filter(
            vision__measure__goal__number=1, vision__measure__number=measure_number
        )
    )
    # A 【再掲】 row is printed in the table but is the original indicator, listed here.
    for indicator in Indicator.objects.filter(relistings__vision__measure__number=measure_number):
        relisting = indicator.relistings.get(vision__measure__number=measure_number)
        found[(relisting.vision.number, indicator.get_kind_display())] += 1
    assert dict(found) == expected


def _series(measure_number: int, vision: int, kind: str, number: str, part: str) -> Series:
    indicator = Indicator.objects.filter(
        vision__measure__goal__number=1,
        vision__measure__number=measure_number,
        vision__number=vision,
        kind=KIND[kind],
        number=number,
    ).first()
    if indicator is None:
        relisted = Indicator.objects.get(
            relistings__vision__measure__number=measure_number,
            relistings__vision__number=vision,
            relistings__number=number,
            kind=KIND[kind],
        )
        indicator = relisted
    return indicator.series.get(key=part)


def _rows():
    for measure_number in range(1, 11):
        for row in expectations(measure_number).ROWS:
            vision, kind, number, part = row[:4]
            yield pytest.param(measure_number, *row, id=f"m{measure_number}-v{vision}-{kind}-{number}-{part or 'main'}")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@pytest.mark.parametrize(
    "measure_number, vision, kind, number, part, unit, baseline, baseline_note, targets, total", list(_rows())
)
def test_indicator_values_as_printed(
    measure_number, vision, kind, number, part, unit, baseline, baseline_note, targets, total
):
    series = _series(measure_number, vision, kind, number, part)
    assert series.effective_unit == unit
    assert series.baseline_value == _decimal(baseline)
    assert series.baseline_note == baseline_note
    assert series.total_value == _decimal(total)

    previous = None
    for year, expected in zip(range(2024, 2028), targets, strict=True):
        target = series.target_for(year)
        if expected is SAME:
            assert target == previous, f"{year}: expected the {year - 1} cell to cover this year"
            if target is not None:
                assert target.covers(year - 1)
            continue
        previous = target
        if expected is None:
            assert target is None, f"{year}: expected no target, found {target.value or target.text}"
        elif isinstance(expected, Text):
            assert target is not None and target.value is None
            assert target.text == expected.text
        elif isinstance(expected, Deferred):
            assert target is not None and target.deferred_to == expected.plan
        else:
            assert target is not None and target.value == Decimal(expected), year
            assert target.fiscal_year == year


def test_every_indicator_is_expected():
    """No indicator in the database that the printed tables do not print."""
    expected = {(m, row[0], KIND[row[1]], row[2]) for m in range(1, 11) for row in expectations(m).ROWS}
    found = {
        (i.vision.measure.number, i.vision.number, i.kind, i.number)
        for i in Indicator.objects.select_related("vision__measure")
    }
    relisted = {
        (r.vision.measure.number, r.vision.number, i.kind, r.number)
        for i in Indicator.objects.filter(relistings__isnull=False)
        for r in i.relistings.select_related("vision__measure")
    }
    assert found | relisted == expected

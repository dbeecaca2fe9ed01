"""indicators.evaluation: every value shape of the printed plan (docs/data.md) graded by hand under each shipped scheme.

Targets and baselines are copied from the printed plan (世田谷区地域保健医療福祉総合計画 令和6年3月, 第4章); the
comment above each case quotes the printed row. Expected rates and grades are worked out by hand in the comments,
not computed from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from indicators.evaluation import (
    ActualData,
    Calendar,
    IndicatorData,
    ReportData,
    SeriesData,
    Status,
    TargetCell,
    achievement_rate,
    baseline_year_of,
    expected_on_line,
    grade_indicator,
    is_regressed,
    progress_rate,
    rollup,
    shipped_scheme,
)
from setagaya_plan.lib.numerals import floor_rate, format_rate

D = Decimal
DEFAULT = shipped_scheme("default")
FIVE = shipped_scheme("five_level")
PACE = shipped_scheme("pace")
KAIGO10 = "第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み"
# After every deadline of 2024–2027 (30 June of the following year).
LATE = Calendar(today=datetime.date(2028, 9, 1))
# 令和6年度's deadline (30 June 2025) not yet passed.
EARLY = Calendar(today=datetime.date(2025, 5, 1))


def yearly(*values) -> tuple[TargetCell, ...]:
    return tuple(TargetCell(2024 + i, value=D(str(v))) for i, v in enumerate(values))


def approved(**values) -> ReportData:
    """An approved report whose actuals are given by series key ("" for a plain indicator)."""
    return ReportData(actuals={key: ActualData(D(str(v))) for key, v in values.items()})


def plain(value) -> ReportData:
    return ReportData(actuals={"": ActualData(D(str(value)))})


def grade(indicator, year, scheme=DEFAULT, calendar=LATE, official=True):
    return grade_indicator(indicator, year, scheme, calendar, official)


# 推進施策1 めざす姿1 行動量3 地域包括ケアの地区展開に関する研修の実施及び動画公開: １回 ５回 ５回 ５回 ５回 ２０回
TRAINING = SeriesData(unit="回", total_kind="sum", baseline=D(1), targets=yearly(5, 5, 5, 5))


def training() -> IndicatorData:
    """The training indicator without any report."""
    return IndicatorData(code="G1-M01-V1-A3", series=(TRAINING,))


# --- the rates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, target, direction, expected",
    [
        ("5", "5", "up", "100"),
        ("4", "5", "up", "80"),
        ("3", "5", "up", "60"),
        ("7", "5", "up", "140"),
        # aiming down, 目標 ÷ 実績: 430 ÷ 500 = 0.86
        ("500", "430", "down", "86"),
        ("400", "430", "down", "107.5"),
        # nothing to divide by: an upward target of 0 beaten, a downward actual of 0
        ("2", "0", "up", "Infinity"),
        ("0", "0", "up", "100"),
        ("0", "13.5", "down", "Infinity"),
    ],
)
def test_achievement_rate(actual, target, direction, expected):
    assert achievement_rate(D(actual), D(target), direction) == D(expected)


def test_progress_rate_needs_a_numeric_baseline_different_from_the_target():
    # 研修: (3 − 1) ÷ (5 − 1) = 50%
    assert progress_rate(D(3), D(1), D(5)) == D(50)
    # 抱え込みケース 464件 → 430件, actual 500: (500 − 464) ÷ (430 − 464) = 36 ÷ −34 = −105.88…%
    assert floor_rate(progress_rate(D(500), D(464), D(430))) == D("-105.9")
    assert progress_rate(D(3), None, D(5)) is None
    assert progress_rate(D(3), D(5), D(5)) is None


def test_regression_in_the_indicator_direction_with_tolerance():
    assert is_regressed(D(0), D(1), "up")
    assert not is_regressed(D(1), D(1), "up")
    assert is_regressed(D(500), D(464), "down")
    assert not is_regressed(D(400), D(464), "down")
    # 孤立していると思われる区民の割合 13.8% aiming down: 14.0% is 0.2 points worse — within ±3 points
    assert not is_regressed(D("14.0"), D("13.8"), "down", D(3))
    assert is_regressed(D("14.0"), D("13.8"), "down", D(0))
    assert not is_regressed(D(5), None, "up")


@pytest.mark.parametrize(
    "note, year",
    [
        ("", 2023),
        ("令和5年度見込み", 2023),
        ("令和4年度", 2022),
        ("令和5年12月時点", 2023),
        ("令和６年３月時点", 2023),
        ("令和元年度", 2019),
        ("令和5年13月時点", 2023),  # no such month: the rule's default, never an error
    ],
)
def test_baseline_year_from_its_note(note, year):
    assert baseline_year_of(note) == year


# --- upward count -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, default, five, achievement, progress, regressed",
    [
        (5, "met", "above", "100.0%", "100.0%", False),
        (4, "mostly", "nearly", "80.0%", "75.0%", False),
        (3, "not_met", "below", "60.0%", "50.0%", False),
        (2, "not_met", "far_below", "40.0%", "25.0%", False),
        (0, "not_met", "far_below", "0.0%", "-25.0%", True),
        (6, "met", "far_above", "120.0%", "125.0%", False),
    ],
)
def test_upward_count(actual, default, five, achievement, progress, regressed):
    indicator = IndicatorData(series=(TRAINING,), reports={2024: plain(actual)})
    result = grade(indicator, 2024)
    assert result.status == Status.GRADED
    assert result.level.code == default
    assert format_rate(result.achievement) == achievement
    assert format_rate(result.progress) == progress
    assert result.regressed is regressed
    assert result.needs_attention is (default == "not_met" or regressed)
    assert grade(indicator, 2024, FIVE).level.code == five


def test_grades_carry_label_icon_and_colour():
    result = grade(IndicatorData(series=(TRAINING,), reports={2024: plain(3)}), 2024)
    assert (result.label, result.icon, result.colour) == ("未達成", "×", "red")
    met = grade(IndicatorData(series=(TRAINING,), reports={2024: plain(5)}), 2024)
    assert (met.label, met.icon, met.colour) == ("達成", "◎", "green")


# --- downward ---------------------------------------------------------------------------------------------------

# 推進施策1 めざす姿2 成果指標1 福祉の相談窓口などが相談内容をつなげず、抱え込んでしまっているケースの件数
# 4６４件（重複あり） 430件 400件 370件 340件 340件 — aims down.
HELD = SeriesData(unit="件", total_kind="last", baseline=D(464), targets=yearly(430, 400, 370, 340))


@pytest.mark.parametrize(
    "year, actual, level, achievement, regressed",
    [
        (2024, 430, "met", "100.0%", False),  # 430 ÷ 430
        (2024, 400, "met", "107.5%", False),  # 430 ÷ 400
        (2024, 500, "mostly", "86.0%", True),  # 430 ÷ 500; worse than 464 → 後退
        (2025, 500, "mostly", "80.0%", True),  # 400 ÷ 500: exactly 80% reaches 概ね達成 ("at least")
        (2025, 520, "not_met", "76.9%", True),  # 400 ÷ 520 = 76.92…%
    ],
)
def test_downward_count(year, actual, level, achievement, regressed):
    result = grade(IndicatorData(direction="down", series=(HELD,), reports={year: plain(actual)}), year)
    assert format_rate(result.achievement) == achievement
    assert result.regressed is regressed
    assert result.level.code == level


# 推進施策1 めざす姿3 成果指標1 孤立していると思われる区民の割合※ 13.8% 13.5% 13.0% 12.5% 12.0% 12.0% — aims down.
ISOLATED = SeriesData(unit="%", total_kind="last", baseline=D("13.8"), targets=yearly("13.5", "13.0", "12.5", "12.0"))


def test_downward_survey_rate_with_tolerance():
    # 14.0%: 13.5 ÷ 14.0 = 96.42…% → 概ね達成; 0.2 points worse than 13.8 is within ±3 → not 後退.
    result = grade(IndicatorData(direction="down", series=(ISOLATED,), reports={2024: plain("14.0")}), 2024)
    assert result.level.code == "mostly" and format_rate(result.achievement) == "96.4%"
    assert not result.regressed and not result.needs_attention
    # 17.0%: 13.5 ÷ 17 = 79.41…% → 未達成; 3.2 points worse → 後退.
    worse = grade(IndicatorData(direction="down", series=(ISOLATED,), reports={2024: plain("17.0")}), 2024)
    assert worse.level.code == "not_met" and worse.regressed and format_rate(worse.achievement) == "79.4%"


def test_survey_tolerance_is_part_of_the_scheme():
    # 推進施策1 めざす姿1 成果指標2 １０歳代～３０歳代における福祉の相談窓口の認知度: 25.5% 26.0% 26.5% 27.0% 27.5%
    awareness = SeriesData(unit="%", total_kind="last", baseline=D("25.5"), targets=yearly(26.0, 26.5, 27.0, 27.5))
    indicator = IndicatorData(series=(awareness,), reports={2024: plain("23.0")})
    # 2.5 points below the baseline: unchanged with ±3, 後退 with ±2. 23.0 ÷ 26.0 = 88.46…% → 概ね達成 either way.
    assert not grade(indicator, 2024).regressed
    strict = dataclasses.replace(DEFAULT, survey_tolerance=D(2))
    result = grade(indicator, 2024, strict)
    assert result.regressed and result.level.code == "mostly" and result.needs_attention
    # Counts (unit 回) have no tolerance: one fewer than the baseline is 後退.
    assert grade(IndicatorData(series=(TRAINING,), reports={2024: plain(0)}), 2024).regressed


# --- running total ---------------------------------------------------------------------------------------------

# 推進施策1 めざす姿4 成果指標2 社会参加の支援につながる地域資源数（累計）:
# 1,816箇所 1,830 1,850 1,870 1,890 総量 1,890箇所（累計）
RESOURCES = SeriesData(unit="箇所", total_kind="cumulative", baseline=D(1816), targets=yearly(1830, 1850, 1870, 1890))


def test_running_total_is_compared_with_that_years_running_total_target():
    result = grade(IndicatorData(series=(RESOURCES,), reports={2025: plain(1850)}), 2025)
    assert result.level.code == "met" and format_rate(result.achievement) == "100.0%"
    # 1,825 in 令和6年度: 1825 ÷ 1830 = 99.72…% → 概ね達成; progress (1825 − 1816) ÷ (1830 − 1816) = 9 ÷ 14 = 64.28…%
    result = grade(IndicatorData(series=(RESOURCES,), reports={2024: plain(1825)}), 2024)
    assert result.level.code == "mostly"
    assert format_rate(result.achievement) == "99.7%" and format_rate(result.progress) == "64.2%"


def test_pace_judges_a_running_total_against_the_straight_line():
    # Line from 1,816 (令和5年度) to 1,890 (令和9年度): 令和6年度 expects 1816 + 74 × 1/4 = 1,834.5.
    assert expected_on_line(RESOURCES, 2024) == D("1834.5")
    # 1,825: (1825 − 1816) ÷ (1834.5 − 1816) = 9 ÷ 18.5 = 48.64…% → 遅れている (below 50%)
    result = grade(IndicatorData(series=(RESOURCES,), reports={2024: plain(1825)}), 2024, PACE)
    assert result.level.code == "behind" and format_rate(result.pace) == "48.6%"
    # 1,835 is past the line: (1835 − 1816) ÷ 18.5 = 102.7% → 順調
    assert grade(IndicatorData(series=(RESOURCES,), reports={2024: plain(1835)}), 2024, PACE).level.code == "on_track"


def test_pace_uses_the_baselines_own_year():
    # 推進施策8 成果指標2 どこにもつながっていない不登校児童・生徒の割合:
    # 25.3％（令和４年度） 23.0％ 20.0％ 19.0％ 18.0％, aims down.
    # The line starts in 令和4年度: 令和6年度 expects 25.3 − 7.3 × 2/5 = 22.38.
    truancy = SeriesData(
        unit="%",
        total_kind="last",
        baseline=D("25.3"),
        baseline_year=baseline_year_of("令和4年度"),
        targets=yearly("23.0", "20.0", "19.0", "18.0"),
    )
    assert expected_on_line(truancy, 2024) == D("22.38")
    indicator = IndicatorData(direction="down", series=(truancy,), reports={2024: plain("23.0")})
    # Against the year's target it is met (23.0 ÷ 23.0) …
    assert grade(indicator, 2024).level.code == "met"
    # … but the line expected 22.38: (23.0 − 25.3) ÷ (22.38 − 25.3) = −2.3 ÷ −2.92 = 78.76…% → やや遅れている
    paced = grade(indicator, 2024, PACE)
    assert paced.level.code == "slightly_behind" and format_rate(paced.pace) == "78.7%"
    assert paced.needs_attention


def test_pace_for_a_downward_rate():
    # 孤立 13.8% → 12.0% in 令和9年度: 令和6年度 expects 13.8 − 1.8/4 = 13.35. 13.5%: −0.3 ÷ −0.45 = 66.6…%
    result = grade(IndicatorData(direction="down", series=(ISOLATED,), reports={2024: plain("13.5")}), 2024, PACE)
    assert format_rate(result.pace) == "66.6%" and result.level.code == "slightly_behind"


def test_pace_for_a_count_summed_into_its_total():
    # 研修 5回 a year, 総量 20回: the line from 0 to 20 expects 5 a year. 4 then 7: 11 ÷ 10 = 110% → 順調.
    indicator = IndicatorData(series=(TRAINING,), reports={2024: plain(4), 2025: plain(7)})
    assert grade(indicator, 2024, PACE).level.code == "mostly_on_track"  # 4 ÷ 5 = 80%
    result = grade(indicator, 2025, PACE)
    assert format_rate(result.pace) == "110.0%" and result.level.code == "on_track"
    # The same 令和7年度 under the default scheme is judged on its own year: 7 ÷ 5 = 140% → 達成.
    assert grade(indicator, 2025).level.code == "met"


# --- compound values and merged years -------------------------------------------------------------------------

# 推進施策5 めざす姿2 行動量1-① 認知症高齢者グループホームの新規整備数: 整備数 1箇所 / 累計整備数 49箇所;
# ４箇所 over 令和6–8年度; 令和9年度 第10期…に基づく取組み; 総量 整備数 4箇所 / 累計整備数 53箇所.
GH_YEARLY = SeriesData(
    key="yearly",
    label="整備数",
    unit="箇所",
    total_kind="sum",
    baseline=D(1),
    targets=(TargetCell(2024, 2026, value=D(4)), TargetCell(2027, deferred_to=KAIGO10)),
)
GH_RUNNING = SeriesData(
    key="cumulative",
    label="累計整備数",
    unit="箇所",
    total_kind="cumulative",
    baseline=D(49),
    targets=(TargetCell(2027, deferred_to=KAIGO10),),
)


def group_homes(reports) -> IndicatorData:
    return IndicatorData(code="G1-M05-V2-A1-1", series=(GH_YEARLY, GH_RUNNING), reports=reports)


def test_compound_count_merged_over_three_years_is_judged_in_the_last():
    reports = {
        2024: approved(yearly=1, cumulative=50),
        2025: approved(yearly=1, cumulative=51),
        2026: approved(yearly=2, cumulative=53),
    }
    # 令和6・7年度: the merged target is judged in 令和8年度.
    interim = grade(group_homes(reports), 2024)
    assert interim.status == Status.INTERIM and interim.label == "判定年度前" and interim.due
    # 令和8年度: 1 + 1 + 2 = 4 of 4 → 達成; the running total has no target of its own.
    final = grade(group_homes(reports), 2026)
    assert final.status == Status.GRADED and final.level.code == "met"
    yearly_grade, running_grade = final.series
    assert yearly_grade.actual == D(4) and format_rate(yearly_grade.achievement) == "100.0%"
    assert yearly_grade.progress is None and not yearly_grade.regressed  # no yearly baseline for a 3-year sum
    assert running_grade.status == Status.NO_TARGET
    # 1 + 1 + 1 = 3 of 4 = 75% → 未達成
    short = dict(reports)
    short[2026] = approved(yearly=1, cumulative=52)
    assert grade(group_homes(short), 2026).level.code == "not_met"


def test_compound_count_with_a_missing_year_cannot_be_summed():
    reports = {2025: approved(yearly=2, cumulative=51), 2026: approved(yearly=2, cumulative=53)}
    assert grade(group_homes(reports), 2026).status == Status.MISSING


def test_deferred_year_is_not_evaluated():
    result = grade(group_homes({2027: approved(cumulative=53)}), 2027)
    assert result.status == Status.EXCLUDED and result.label == "評価対象外"
    assert not result.due and not result.needs_attention


def test_pace_grades_the_years_inside_a_merged_target():
    # 4 over 令和6–8年度 on a straight line: 4/3 a year. 1 in 令和6年度: 1 ÷ 1.333… = 75% → やや遅れている;
    # 1 + 2 in 令和7年度: 3 ÷ 2.666… = 112.5% → 順調.
    reports = {2024: approved(yearly=1, cumulative=50), 2025: approved(yearly=2, cumulative=52)}
    assert grade(group_homes(reports), 2024, PACE).level.code == "slightly_behind"
    result = grade(group_homes(reports), 2025, PACE)
    assert result.level.code == "on_track" and format_rate(result.pace) == "112.5%"


# 推進施策5 めざす姿2 成果指標1-① 認知症高齢者グループホームの定員数（累計）: 9１８人, ９９０人 (令和6–8年度), 第10期…
CAPACITY = SeriesData(
    unit="人",
    total_kind="cumulative",
    baseline=D(918),
    targets=(TargetCell(2024, 2026, value=D(990)), TargetCell(2027, deferred_to=KAIGO10)),
)


def test_level_merged_over_years():
    reports = {2024: plain(940), 2026: plain(960)}
    indicator = IndicatorData(series=(CAPACITY,), reports=reports)
    assert grade(indicator, 2024).status == Status.INTERIM
    # 960 ÷ 990 = 96.96…% → 概ね達成
    final = grade(indicator, 2026)
    assert final.level.code == "mostly" and format_rate(final.achievement) == "96.9%"
    # Pace: 918 + 72 × 1/3 = 942 expected in 令和6年度; (940 − 918) ÷ 24 = 91.66…% → 概ね順調
    paced = grade(indicator, 2024, PACE)
    assert paced.level.code == "mostly_on_track" and format_rate(paced.pace) == "91.6%"
    assert grade(indicator, 2027).status == Status.EXCLUDED


# --- a)/b) ------------------------------------------------------------------------------------------------------

# 推進施策10 成果指標5 個別避難計画作成数: a) 多摩川洪水浸水想定区域内 340件 60 70 80 90 総量 300;
# b) 多摩川洪水浸水想定区域以外 3,200件 640 640 640 640 総量 2,560 （令和５年度見込み）.
PLAN_A = SeriesData(
    key="a", label="多摩川洪水浸水想定区域内", unit="件", baseline=D(340), targets=yearly(60, 70, 80, 90)
)
PLAN_B = SeriesData(
    key="b", label="多摩川洪水浸水想定区域以外", unit="件", baseline=D(3200), targets=yearly(640, 640, 640, 640)
)


def test_sub_series_are_judged_separately_and_the_worse_counts():
    indicator = IndicatorData(series=(PLAN_A, PLAN_B), reports={2024: approved(a=66, b=600)})
    result = grade(indicator, 2024)
    part_a, part_b = result.series
    # a) 66 ÷ 60 = 110% → 達成; b) 600 ÷ 640 = 93.75% → 概ね達成; the indicator: 概ね達成
    assert part_a.level.code == "met" and format_rate(part_a.achievement) == "110.0%"
    assert part_b.level.code == "mostly" and format_rate(part_b.achievement) == "93.7%"
    assert result.level.code == "mostly"
    assert result.achievement is None  # two rates: shown per part
    # The printed baselines (340, 3,200) are stocks, the targets yearly counts: every actual looks like 後退
    # until a planner confirms a yearly baseline (check_plan reports the same rows).
    assert part_a.regressed and result.regressed and result.needs_attention


# --- text targets -----------------------------------------------------------------------------------------------

# 推進施策2 行動量2 在宅療養資源マップのWeb運用: ― 一部運用 全面運用 アクセス数向上に向けた取組み ×2 ―
WEB_MAP = SeriesData(
    total_kind="none",
    targets=tuple(
        TargetCell(2024 + i, text=t)
        for i, t in enumerate(["一部運用", "全面運用", "アクセス数向上に向けた取組み", "アクセス数向上に向けた取組み"])
    ),
)


@pytest.mark.parametrize(
    "self_grade, default, five, pace",
    [
        ("met", "met", "above", "on_track"),
        ("mostly", "mostly", "nearly", "mostly_on_track"),
        ("not_met", "not_met", "below", "behind"),
    ],
)
def test_text_target_carries_the_self_assessment(self_grade, default, five, pace):
    report = ReportData(self_grade=self_grade, actuals={"": ActualData(text="一部運用を開始した")})
    indicator = IndicatorData(series=(WEB_MAP,), reports={2024: report})
    result = grade(indicator, 2024)
    assert result.level.code == default and result.series[0].by_self_grade
    assert result.achievement is None and result.series[0].actual_text == "一部運用を開始した"
    assert grade(indicator, 2024, FIVE).level.code == five
    assert grade(indicator, 2024, PACE).level.code == pace


def test_text_target_over_four_years_is_judged_every_year():
    # 推進施策1 行動量2, one cell over 令和6–9年度:
    # 各地区の四者連携の取組みの中で、１０歳代～３０歳代の若者に対して周知活動を実施する。
    sentence = "各地区の四者連携の取組みの中で、１０歳代～３０歳代の若者に対して周知活動を実施する。"
    outreach = SeriesData(total_kind="none", targets=(TargetCell(2024, 2027, text=sentence),))
    report = ReportData(self_grade="met", actuals={"": ActualData(text="全地区で実施")})
    indicator = IndicatorData(series=(outreach,), reports={2025: report})
    assert grade(indicator, 2025).level.code == "met"
    assert grade(indicator, 2024).status == Status.MISSING


def test_numeric_target_answered_in_words():
    report = ReportData(self_grade="not_met", actuals={"": ActualData(text="集計中のため未確定")})
    assert grade(IndicatorData(series=(TRAINING,), reports={2024: report}), 2024).level.code == "not_met"
    without = ReportData(actuals={"": ActualData(text="集計中のため未確定")})
    assert grade(IndicatorData(series=(TRAINING,), reports={2024: without}), 2024).status == Status.UNGRADABLE


# --- missing, unapproved, no baseline ----------------------------------------------------------------------------


def test_missing_after_the_deadline_and_pending_before():
    assert grade(training(), 2024, calendar=LATE).status == Status.MISSING
    assert grade(training(), 2024, calendar=LATE).label == "未入力"
    assert grade(training(), 2024, calendar=EARLY).status == Status.PENDING
    # A deadline moved earlier by the planners (FiscalYearSetting) counts.
    moved = Calendar(today=datetime.date(2025, 5, 1), deadlines={2024: datetime.date(2025, 4, 30)})
    assert grade(training(), 2024, calendar=moved).status == Status.MISSING


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_unapproved_actuals_are_graded_only_provisionally(status):
    report = ReportData(status=status, actuals={"": ActualData(D(3))})
    indicator = IndicatorData(series=(TRAINING,), reports={2024: report})
    official = grade(indicator, 2024)
    assert official.status == Status.MISSING and not official.approved and official.due
    provisional = grade(indicator, 2024, official=False)
    assert provisional.level.code == "not_met" and provisional.provisional


def test_no_baseline():
    # 推進施策1 めざす姿3 行動量2 対象を限らない見守り協定の締結に向けて働きかけた団体や機関の数: ― ５ ５ ５ ５ ２０
    watch = SeriesData(unit="機関", total_kind="sum", targets=yearly(5, 5, 5, 5))
    indicator = IndicatorData(series=(watch,), reports={2024: plain(5)})
    result = grade(indicator, 2024)
    assert result.level.code == "met" and result.progress is None and not result.regressed
    # The pace of a summed count needs no baseline: 5 of the 5 expected.
    assert grade(indicator, 2024, PACE).level.code == "on_track"


def test_pace_without_baseline_falls_back_to_the_years_target():
    # A level with no printed baseline (hypothetical: no such rate in 基本目標1) is judged against its own year.
    rate = SeriesData(unit="%", total_kind="last", targets=yearly(50, 55, 60, 65))
    result = grade(IndicatorData(series=(rate,), reports={2024: plain(45)}), 2024, PACE)
    assert result.pace is None and result.level.code == "mostly_on_track"  # 45 ÷ 50 = 90%


def test_no_target_for_the_year():
    # 令和10年度 and later: targets come with the mid-term review.
    result = grade(IndicatorData(series=(TRAINING,), reports={2028: plain(5)}), 2028)
    assert result.status == Status.NO_TARGET and not result.due


# --- roll-ups -----------------------------------------------------------------------------------------------------


def test_rollup_counts_share_met_completeness_and_attention():
    grades = [
        grade(IndicatorData(code="A", series=(TRAINING,), reports={2024: plain(5)}), 2024),  # 達成
        grade(IndicatorData(code="B", series=(TRAINING,), reports={2024: plain(4)}), 2024),  # 概ね達成
        grade(IndicatorData(code="C", series=(TRAINING,), reports={2024: plain(3)}), 2024),  # 未達成
        grade(IndicatorData(code="D", series=(TRAINING,)), 2024),  # 未入力
        grade(group_homes({}), 2027),  # 評価対象外
        grade(IndicatorData(code="A", series=(TRAINING,), reports={2024: plain(5)}), 2024),  # A 【再掲】
    ]
    result = rollup(grades)
    assert result.counts == {"met": 2, "mostly": 1, "not_met": 1, "missing": 1, "excluded": 1}
    assert (result.total, result.graded, result.met, result.due, result.complete) == (6, 4, 2, 5, 4)
    assert result.share_met == D(50)
    assert result.completeness == D(80)
    assert [g.code for g in result.attention] == ["C"]
    unique = rollup(grades, unique=True)
    assert unique.total == 5 and unique.met == 1 and floor_rate(unique.share_met) == D("33.3")
    segments = unique.segments(DEFAULT)
    assert [(s["key"], s["count"]) for s in segments] == [
        ("met", 1),
        ("mostly", 1),
        ("not_met", 1),
        ("missing", 1),
        ("excluded", 1),
    ]
    assert segments[0]["share"] == D(20)


def test_empty_rollup():
    result = rollup([])
    assert result.share_met is None and result.completeness is None and result.segments(DEFAULT) == []

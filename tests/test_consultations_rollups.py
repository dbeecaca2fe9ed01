"""Roll-ups by 地区, 地域 and ward, by month and fiscal year, against totals computed by hand below."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bench.plan_data import second_person
from consultations import tables
from consultations.models import Agency, Area, Category, ConsultationCount, District, WindowType
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from setagaya_plan.core import review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]


def _enter(user, place: Place, fiscal_year: int, month: int, cells: dict, status: str = "draft"):
    values = {
        (
            WindowType.objects.filter(name=source).first() or Agency.objects.get(name=source),
            Category.objects.get(name=category),
        ): count
        for (source, category), count in cells.items()
    }
    report = save_counts(
        place=place, fiscal_year=fiscal_year, month=month, user=user, values=values, expected_version=None
    )
    if status in ("submitted", "approved"):
        report = review.submit(COUNT_REVIEW, report, user, report.version)
    if status == "approved":
        report = review.approve(COUNT_REVIEW, report, second_person(), report.version)
    return report


def district(code: str) -> Place:
    return Place(district=District.objects.get(code=code))


@pytest.fixture
def counts(planner_user):
    """FY2024 (令和6年度) and one FY2023 whole-year figure. Totals by hand:

    April:   池尻 10 + 5 (approved), 太子堂 3 (submitted), 梅丘 4 (approved)           = 22, approved 19
    May:     池尻 7 (draft), 梅丘 6 (approved), ward ぷらっとホーム 30 (draft)          = 43, approved 6
    年度計:  砧地域 ぽーと 20 (approved)                                               = 20, approved 20
    FY2024 = 85 (approved 45); FY2023 = 100 (池尻, whole year, approved).
    """
    _enter(
        planner_user,
        district("ikejiri"),
        2024,
        4,
        {("まちづくりセンター", "高齢"): 10, ("あんしんすこやかセンター", "認知症"): 5},
        "approved",
    )
    _enter(planner_user, district("ikejiri"), 2024, 5, {("まちづくりセンター", "高齢"): 7})
    _enter(planner_user, district("taishido"), 2024, 4, {("社会福祉協議会", "障害"): 3}, "submitted")
    _enter(planner_user, district("umegaoka"), 2024, 4, {("児童館", "不登校"): 4}, "approved")
    _enter(planner_user, district("umegaoka"), 2024, 5, {("あんしんすこやかセンター", "高齢"): 6}, "approved")
    _enter(
        planner_user,
        Place(area=Area.objects.get(name="砧")),
        2024,
        0,
        {("地域障害者相談支援センター「ぽーと」", "障害"): 20},
        "approved",
    )
    _enter(planner_user, Place(), 2024, 5, {("ぷらっとホーム世田谷", "生活困窮"): 30})
    _enter(planner_user, district("ikejiri"), 2023, 0, {("まちづくりセンター", "高齢"): 100}, "approved")


def _ids(model, field, names):
    return {model.objects.get(**{field: name}).pk: value for name, value in names.items()}


def test_totals_by_fiscal_year(counts):
    assert ConsultationCount.objects.by_year() == {2023: 100, 2024: 85}
    assert ConsultationCount.objects.approved().by_year() == {2023: 100, 2024: 45}


def test_totals_by_month(counts):
    year = ConsultationCount.objects.for_year(2024)
    assert year.by_month() == {4: 22, 5: 43, 0: 20}
    assert year.approved().by_month() == {4: 19, 5: 6, 0: 20}
    assert ConsultationCount.objects.filter(report__fiscal_year=2024, report__month=4).total() == 22
    assert ConsultationCount.objects.filter(report__fiscal_year=2024, report__month=6).total() == 0


def test_totals_by_area_and_ward(counts):
    year = ConsultationCount.objects.for_year(2024)
    assert year.by_area() == {**_ids(Area, "name", {"世田谷": 25, "北沢": 10, "砧": 20}), None: 30}
    assert year.total() == 85
    assert year.approved().by_area() == _ids(Area, "name", {"世田谷": 15, "北沢": 10, "砧": 20})


def test_totals_by_source_and_category(counts):
    year = ConsultationCount.objects.for_year(2024)
    machi = WindowType.objects.get(name="まちづくりセンター").pk
    anshin = WindowType.objects.get(name="あんしんすこやかセンター").pk
    port = Agency.objects.get(name="地域障害者相談支援センター「ぽーと」").pk
    assert year.by_source()[(machi, None)] == 17
    assert year.by_source()[(anshin, None)] == 11
    assert year.by_source()[(None, port)] == 20
    assert year.by_category() == _ids(
        Category, "name", {"高齢": 23, "認知症": 5, "障害": 23, "不登校": 4, "生活困窮": 30}
    )


def test_month_table_of_the_ward(counts):
    table = tables.month_table(2024, approved_only=False)
    rows = {row.key: row for row in table.rows}
    assert [row.key for row in table.rows] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 0]
    assert (rows[4].total, rows[4].approved) == (22, 19)
    assert (rows[5].total, rows[5].approved) == (43, 6)
    assert (rows[0].total, rows[0].label) == (20, "年度計で入力された件数")
    # June has no figure: its total is blank, not 0 (blank is not zero).
    assert rows[6].total is None and rows[6].approved is None and all(cell is None for cell in rows[6].cells)
    assert (table.total.total, table.total.approved) == (85, 45)
    # In February 2025 eleven months of 令和6年度 have begun; only April and May hold figures (ぽーと's is for the
    # whole year).
    assert table.total.missing == 9
    labels = [column.label for column in table.columns]
    assert labels[:4] == ["まちづくりセンター", "あんしんすこやかセンター", "社会福祉協議会", "児童館"]
    assert set(labels[4:]) == {"地域障害者相談支援センター「ぽーと」", "ぷらっとホーム世田谷"}
    assert table.total.cells[labels.index("まちづくりセンター")] == 17
    missing = dict(zip(labels, table.total.cell_missing, strict=True))
    assert missing["まちづくりセンター"] == 9  # April and May
    assert missing["児童館"] == 10  # April only
    assert missing["地域障害者相談支援センター「ぽーと」"] == 0  # kept as one whole-year figure


def test_place_table_for_one_month(counts):
    table = tables.place_table(2024, 4, approved_only=False)
    setagaya = table.blocks[0]
    rows = {row.label: row.total for row in setagaya.districts}
    assert len(setagaya.districts) == 7
    assert (rows["池尻地区"], rows["太子堂地区"], rows["若林地区"]) == (15, 3, None)  # 若林: nothing entered
    assert setagaya.subtotal.total == 18
    kitazawa = table.blocks[1]
    assert kitazawa.subtotal.total == 4
    assert table.total.total == 22
    assert sum(len(block.districts) for block in table.blocks) == 28


def test_place_table_for_the_year_approved_only(counts):
    table = tables.place_table(2024, None, approved_only=True)
    by_label = {row.label: row.total for block in table.blocks for row in block.districts}
    assert (by_label["池尻地区"], by_label["太子堂地区"], by_label["梅丘地区"]) == (15, None, 10)
    kinuta = next(block for block in table.blocks if block.area and block.area.name == "砧")
    assert kinuta.agencies.total == 20 and kinuta.subtotal.total == 20
    assert table.total.total == 45


def test_place_table_for_the_year_says_which_months_are_missing(counts):
    table = tables.place_table(2024, None, approved_only=False)
    rows = {row.label: row for block in table.blocks for row in block.districts}
    assert (rows["池尻地区"].total, rows["池尻地区"].missing) == (22, 9)  # April and May of 11 begun months
    assert (rows["若林地区"].total, rows["若林地区"].missing) == (None, 11)
    setagaya, kitazawa = table.blocks[0], table.blocks[1]
    assert setagaya.subtotal.missing_places == 7  # every 地区 of 世田谷 has months without a figure
    assert table.total.missing_places == 28
    assert kitazawa.subtotal.total == 10


def test_a_count_of_zero_is_a_figure_and_blank_is_not(planner_user):
    _enter(planner_user, district("ikejiri"), 2024, 4, {("まちづくりセンター", "高齢"): 0})
    table = tables.month_table(2024, approved_only=False)
    rows = {row.key: row for row in table.rows}
    assert (rows[4].total, rows[5].total) == (0, None)
    assert (table.total.total, table.total.missing) == (0, 10)
    places = tables.place_table(2024, 4, approved_only=False)
    by_label = {row.label: row.total for block in places.blocks for row in block.districts}
    assert (by_label["池尻地区"], by_label["太子堂地区"]) == (0, None)
    assert places.total.total == 0
    machi = next(t for t in tables.monthly_trends(2024, approved_only=False)[0] if t.label == "まちづくりセンター")
    assert (machi.total, machi.missing) == (0, 10)
    assert tables.month_table(2030, approved_only=False).total.total is None  # a year with nothing: blank


def test_monthly_trends_per_window_and_category(counts):
    by_source, by_category = tables.monthly_trends(2024, approved_only=False)
    machi = next(t for t in by_source if t.label == "まちづくりセンター")
    assert [value for _, value, _ in machi.bars][:3] == [10, 7, None]
    assert (machi.total, machi.missing) == (17, 9)
    elderly = next(t for t in by_category if t.label == "高齢")
    assert [value for _, value, _ in elderly.bars][:2] == [10, 13]
    # Whole-year figures have no month: not in the monthly charts.
    assert not any(t.label == "地域障害者相談支援センター「ぽーと」" for t in by_source)


def test_ward_page_shows_the_hand_computed_totals(client, counts, planner_user, django_assert_max_num_queries):
    client.force_login(planner_user)
    with django_assert_max_num_queries(16):  # with the plan's years (year choices) and its period (footer)
        response = client.get(reverse("consultations:index"), {"year": 2024})
    assert response.status_code == 200
    page = response.content.decode()
    assert "令和6年度（2024年度） 月別の相談件数" in page
    table = response.context["table"]
    assert table.total.total == 85
    assert '<td class="num total" data-total>85<span class="missing-note">（9か月未入力）</span></td>' in page
    years = {row.fiscal_year: (row.total, row.approved) for row in response.context["years"]}
    assert years == {2023: (100, 100), 2024: (85, 45)}


def test_places_page_for_a_month(client, counts, entry_user, django_assert_max_num_queries):
    client.force_login(entry_user)
    with django_assert_max_num_queries(16):  # with the plan's years (year choices) and its period (footer)
        response = client.get(reverse("consultations:places"), {"year": 2024, "month": 4})
    page = response.content.decode()
    assert "28地区の一覧" in page
    assert response.context["table"].total.total == 22
    assert page.count('class="district-tile"') == 28
    assert "15件" in page  # 池尻地区 in April


def test_trends_page(client, counts, viewer_user, django_assert_max_num_queries):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(16):  # with the plan's years (year choices) and its period (footer)
        response = client.get(reverse("consultations:trends"), {"year": 2024, "status": "approved"})
    page = response.content.decode()
    # Approved only. Monthly: まちづくりセンター, あんしんすこやかセンター, 児童館 and 高齢, 認知症, 不登校 have
    # figures; by year: those three windows and ぽーと. A line without any figure says so instead of empty bars.
    assert page.count("<svg") == 3 + 3 + 4
    assert "この年度の入力はありません。" in page
    assert "承認済の件数だけを集計しています" in page

"""Read-only pages of the consultations app, the categories page and the navigation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultations.models import Category

pytestmark = pytest.mark.django_db

READ_PAGES = ["index", "places", "trends", "statistics", "agencies", "entry", "review"]


@pytest.mark.parametrize("name", READ_PAGES)
def test_pages_need_login(client, name):
    response = client.get(reverse(f"consultations:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_PAGES)
def test_pages_open_for_any_logged_in_user_and_load_nothing_from_the_internet(client, viewer_user, name):
    client.force_login(viewer_user)
    response = client.get(reverse(f"consultations:{name}"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert '<html lang="ja">' in page
    assert client.post(reverse(f"consultations:{name}")).status_code == 405


def test_the_site_navigation_links_to_consultations(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("consultations:index")).content.decode()
    assert f'<a href="{reverse("consultations:index")}" aria-current="page">相談件数</a>' in page


def test_statistics_page_prints_the_figures_as_in_the_plan_with_charts(
    client, viewer_user, django_assert_max_num_queries
):
    client.force_login(viewer_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("consultations:statistics"))
    page = response.content.decode()
    for printed in ["6,608件（※）", "149,183件", "1,588件", "45.0%", "29.7%", "―", "13,464回", "38%", "1,211件"]:
        assert printed in page
    assert "（※）スマートフォンでのワクチン接種予約支援を含む。" in page
    assert "令和3年（2021年）" in page  # 在宅医療・ACP: calendar years
    assert "出典：計画書 第4章 推進施策1 めざす姿1「現状やこれまでの取組み」" in page
    # One chart per printed line over several years, one per breakdown, one per ほっとスクール measure: 21 with
    # 不登校の児童・生徒数 and 刑法犯認知件数 (推進施策8, 10).
    assert page.count('role="img"') == 21
    for printed in ["825名", "1,540名", "令和元年度（2019年度）", "約16,000件", "平成14年（2002年）"]:
        assert printed in page
    assert "出典：計画書 第4章 推進施策8 めざす姿1「現状やこれまでの取組み」" in page
    assert "割合（%）" in page and "件数・人数（件）" in page


def test_rate_charts_use_a_0_to_100_scale(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("consultations:statistics")).content.decode()
    section = page.split('id="stat-welfare-window-awareness"')[1].split("</section>")[0]
    assert ">100<" in section and ">45.0%<" in section


def test_registry_page(client, viewer_user):
    client.force_login(viewer_user)
    page = client.get(reverse("consultations:agencies")).content.decode()
    assert "地域障害者相談支援センター「ぽーと」＊" in page
    assert "28箇所（全地区に１か所）" in page
    assert "指定管理" in page and "直営" in page
    assert "生活支援課、保健福祉課、健康づくり課、子ども家庭支援課" in page
    assert "砧、成城" not in page and "祖師谷、成城、船橋、喜多見、砧（5地区）" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "年度「abc」は選べないため、"),
        ({"year": "1999"}, "年度「1999」は選べないため、"),
        ({"year": "²"}, "年度「²」は選べないため、"),
        ({"year": "9" * 20}, "は選べないため、"),
        ({"year": "2024", "month": "13"}, "月「13」は選べないため、年度全体を表示しています。"),
        ({"year": "2024", "month": "²"}, "月「²」は選べないため、年度全体を表示しています。"),
    ],
)
def test_a_year_or_month_that_makes_no_sense_falls_back_with_a_message(client, viewer_user, params, message):
    client.force_login(viewer_user)
    response = client.get(reverse("consultations:places"), params, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_year_and_month_as_people_write_them(client, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("consultations:places"), {"year": "令和6年度", "month": "４"})
    assert (response.context["fiscal_year"], response.context["month"]) == (2024, 4)
    assert "選べないため" not in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("entry", 403), ("approver", 403), ("viewer", 403)])
def test_categories_page_is_for_planners(client, users_by_role, who, status):
    if users_by_role[who]:
        client.force_login(users_by_role[who])
    assert client.get(reverse("consultations:categories")).status_code == status
    response = client.post(reverse("consultations:categories"), {"action": "add", "name": "ヤングケアラー"})
    assert response.status_code == status
    assert not Category.objects.filter(name="ヤングケアラー").exists()


def test_planners_add_a_category_and_take_one_out_of_use(client, planner_user):
    client.force_login(planner_user)
    response = client.post(reverse("consultations:categories"), {"action": "add", "name": " ヤングケアラー "})
    assert response.status_code == 302
    added = Category.objects.get(name="ヤングケアラー")
    assert added.active and added.code and added.position > Category.objects.get(name="その他").position
    response = client.post(reverse("consultations:categories"), {"action": "add", "name": "ヤングケアラー"})
    assert "分類「ヤングケアラー」はすでにあります" in response.content.decode()
    response = client.post(reverse("consultations:categories"), {"action": "add", "name": ""})
    assert response.status_code == 200 and "このフィールドは必須です" in response.content.decode()
    elderly = Category.objects.get(name="高齢")
    client.post(reverse("consultations:categories"), {"action": "toggle", "category": elderly.pk})
    elderly.refresh_from_db()
    assert elderly.active is False
    assert client.post(reverse("consultations:categories"), {"action": "toggle", "category": "x"}).status_code == 404
    assert client.post(reverse("consultations:categories"), {"action": "drop"}).status_code == 400
    assert Category.objects.count() == 10

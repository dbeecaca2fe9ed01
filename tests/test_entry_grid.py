"""The section grid: many indicators × series in one table; only changed rows are saved, each on its own.

Targets read from the printed plan: 研修の実施及び動画公開 令和６年度５回; 孤立していると思われる区民の割合 13.5%;
個別避難計画作成数 a)６0件 b)640件.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

YEAR = 2024
TRAINING = "G1-M01-V1-A3"
ISOLATION = "G1-M01-V3-O1"
EVACUATION = "G1-M10-V1-O5"
MAP = "G1-M02-V1-A2"


def grid_url(section, year=YEAR):
    return f"{reverse('entry:grid')}?section={section.pk}&year={year}"


def row_data(code, values, *, version=0, orig=None, comment="", orig_comment=""):
    """What the page would post for one row: typed values, and the values the page showed (orig)."""
    indicator = Indicator.objects.get(code=code)
    prefix = f"r{indicator.pk}"
    data = {f"{prefix}-version": version, f"{prefix}-comment": comment, f"{prefix}-orig_comment": orig_comment}
    for key, raw in values.items():
        pk = indicator.series.get(key=key).pk
        data[f"{prefix}-actual_{pk}"] = raw
        data[f"{prefix}-orig_actual_{pk}"] = (orig or {}).get(key, "")
    return data


def actual(code, key=""):
    report = Report.objects.filter(indicator__code=code, fiscal_year=YEAR).first()
    if report is None:
        return None
    found = report.actuals.filter(series__key=key).first()
    return found.value if found else None


def test_grid_shows_every_series_with_labels_from_headers(client, entry_user, section):
    client.force_login(entry_user)
    page = client.get(grid_url(section)).content.decode()
    evacuation = Indicator.objects.get(code=EVACUATION)
    part_a = evacuation.series.get(key="a")
    assert f'aria-labelledby="ind-{evacuation.pk} part-{part_a.pk} col-actual"' in page
    assert '<th scope="col" id="col-actual">令和6年度（2024年度）実績</th>' in page
    assert "a) 多摩川洪水浸水想定区域内" in page and "b) 多摩川洪水浸水想定区域以外" in page
    assert all(f'<td class="grid-target">{target}</td>' in page for target in ["60件", "640件", "5回"])
    assert page.count('data-col="actual"') == 7  # 5 indicators, two of them with two series
    assert "変更した行を保存" in page


def test_only_changed_rows_are_saved_each_with_its_own_version(client, entry_user, section):
    client.force_login(entry_user)
    data = {
        **row_data(TRAINING, {"": "５"}),
        **row_data(ISOLATION, {"": ""}),  # untouched: not written
        **row_data(EVACUATION, {"a": "６０", "b": "６４０"}),
    }
    response = client.post(grid_url(section), data)
    assert response.status_code == 302
    assert actual(TRAINING) == 5 and actual(EVACUATION, "a") == 60 and actual(EVACUATION, "b") == 640
    assert not Report.objects.filter(indicator__code=ISOLATION).exists()
    created = AuditEntry.objects.filter(action="create")
    assert sorted(created.values_list("source", "user")) == [("グリッド", entry_user.pk), ("グリッド", entry_user.pk)]
    page = client.get(response["Location"]).content.decode()
    assert "2件の指標の実績を保存しました。" in page
    assert 'value="5"' in page and 'value="640"' in page


def test_nothing_changed_saves_nothing(client, entry_user, section):
    client.force_login(entry_user)
    response = client.post(grid_url(section), row_data(TRAINING, {"": "5"}, orig={"": "5"}), follow=True)
    assert "変更された行がないため" in response.content.decode()
    assert not Report.objects.exists()


def test_a_row_in_error_saves_nothing_of_itself_and_the_others_are_saved(client, entry_user, section):
    client.force_login(entry_user)
    data = {
        **row_data(TRAINING, {"": "5"}),
        **row_data(EVACUATION, {"a": "60", "b": "六百四十"}),  # b is not a number: the whole row waits
        **row_data(ISOLATION, {"": "120%"}),
    }
    response = client.post(grid_url(section), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1件を保存しました。2件の指標は保存できませんでした。" in page
    assert actual(TRAINING) == 5
    assert not Report.objects.filter(indicator__code__in=[EVACUATION, ISOLATION]).exists()
    assert "数値で入力してください" in page and "割合（%）は0から100までの値で入力してください" in page
    assert 'value="六百四十"' in page and 'value="120%"' in page  # typed values kept
    assert 'aria-invalid="true"' in page
    assert "保存しました</p>" in page  # the saved row says so beside itself


def test_far_off_value_needs_a_comment_in_the_row(client, entry_user, section):
    client.force_login(entry_user)
    page = client.post(grid_url(section), row_data(TRAINING, {"": "20"})).content.decode()
    assert "目標値（5）の3倍を超えています" in page
    assert not Report.objects.exists()
    response = client.post(grid_url(section), row_data(TRAINING, {"": "20"}, comment="動画公開を含む"))
    assert response.status_code == 302 and actual(TRAINING) == 20


def test_conflict_in_a_row_shows_the_other_value_and_keeps_the_typed_one(client, entry_user, planner_user, section):
    indicator = Indicator.objects.get(code=TRAINING)
    save_report(
        indicator=indicator,
        fiscal_year=YEAR,
        user=entry_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=None,
    )
    # The planner's page showed version 1 with 5; meanwhile staff saved 6.
    save_report(
        indicator=indicator, fiscal_year=YEAR, user=entry_user, values={"": SeriesValue(Decimal(6))}, expected_version=1
    )
    client.force_login(planner_user)
    page = client.post(grid_url(section), row_data(TRAINING, {"": "7"}, version=1, orig={"": "5"})).content.decode()
    assert "staff_aさんが" in page and "先に保存しました" in page
    assert "先に保存された値：<strong>6回</strong>" in page
    assert 'value="7"' in page and actual(TRAINING) == 6
    prefix = f"r{indicator.pk}"
    assert f'name="{prefix}-version" value="2"' in page  # saving again is a deliberate overwrite
    response = client.post(grid_url(section), row_data(TRAINING, {"": "7"}, version=2, orig={"": "6"}))
    assert response.status_code == 302 and actual(TRAINING) == 7


def test_submitted_rows_are_read_only(client, entry_user, section):
    report = save_report(
        indicator=Indicator.objects.get(code=TRAINING),
        fiscal_year=YEAR,
        user=entry_user,
        values={"": SeriesValue(Decimal(5))},
        expected_version=None,
    )
    review.submit(REPORT_REVIEW, report, entry_user, report.version)
    client.force_login(entry_user)
    page = client.get(grid_url(section)).content.decode()
    assert page.count('data-col="actual"') == 6
    # A row that became read-only is not in the form: posting it anyway changes nothing.
    response = client.post(grid_url(section), row_data(TRAINING, {"": "9"}, version=2, orig={"": "5"}))
    assert response.status_code == 302 and actual(TRAINING) == 5


def test_text_targets_take_text_in_the_grid(client, entry_user, section):
    client.force_login(entry_user)
    response = client.post(grid_url(section), row_data(MAP, {"": "一部運用を開始"}))
    assert response.status_code == 302
    assert Report.objects.get(indicator__code=MAP).actuals.get().text == "一部運用を開始"


def test_tampered_rows_never_500(client, entry_user, section):
    client.force_login(entry_user)
    indicator = Indicator.objects.get(code=TRAINING)
    prefix = f"r{indicator.pk}"
    for version in ["x", "-3", "99999999999999999999"]:
        response = client.post(
            grid_url(section),
            {f"{prefix}-version": version, f"{prefix}-actual_{indicator.series.get().pk}": "5"},
        )
        assert response.status_code == 200
        assert "画面を開き直してください" in response.content.decode()
    assert not Report.objects.exists()


def test_other_section_or_unknown_section_is_404(client, entry_user, section, other_section):
    client.force_login(entry_user)
    assert client.get(grid_url(other_section)).status_code == 404
    assert client.get(f"{reverse('entry:grid')}?section=abc").status_code == 404


def test_grid_defaults_to_the_members_section(client, entry_user, section):
    client.force_login(entry_user)
    page = client.get(reverse("entry:grid") + "?year=2024").content.decode()
    assert "一括入力　地域包括ケア推進課　令和6年度（2024年度）" in page


def test_grid_queries_do_not_grow_with_rows(client, entry_user, section, django_assert_max_num_queries):
    client.force_login(entry_user)
    with django_assert_max_num_queries(16):
        response = client.get(grid_url(section))
    assert response.status_code == 200

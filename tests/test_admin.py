"""Every admin page opens, and every change form of the plan's models saves unchanged (test client)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from consultations.models import Category, ConsultationCount, CountReport, District, WindowType
from consultations.workflow import Place, save_counts
from indicators.entry.workflow import SeriesValue, save_report, set_deadline
from indicators.evaluation import confirm_baseline, update_scheme
from indicators.models import (
    Actual,
    ConfirmedBaseline,
    Grade,
    GradeLevel,
    GradingScheme,
    Indicator,
    PlanRevision,
    Report,
    Series,
    SeriesVersion,
    Target,
    TargetVersion,
)
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting, Membership, Section
from tests.admin_forms import unchanged_post_data

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
# Models that change only through an audited workflow (actuals, consultation counts) or a logged settings page
# (grading schemes, confirmed baselines), the grades stored from them, and the audit trail itself: the admin shows
# them and never writes them.
READ_ONLY = {
    Actual,
    Report,
    FiscalYearSetting,
    GradingScheme,
    GradeLevel,
    ConfirmedBaseline,
    Grade,
    CountReport,
    ConsultationCount,
    AuditEntry,
    # Revisions and the values they set: written by imports and by edits of targets (indicators.revisions).
    PlanRevision,
    TargetVersion,
    SeriesVersion,
}
# django-axes' records of logins: written only by django-axes, never added by hand (deleting a failed attempt is
# how the admin unlocks a login: tests/test_login_lockout.py).
LOGIN_RECORDS = {AccessAttempt, AccessLog, AccessFailureLog}
PLAN_MODELS = [
    m for m in MODELS if m._meta.app_label in {"measures", "core", "indicators", "consultations"} and m not in READ_ONLY
]


def test_every_model_of_the_project_is_in_the_admin():
    for app in ("measures", "core", "indicators", "consultations"):
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model._meta.label


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("planner", "planner@example.jp", "pw")
    client.force_login(user)
    indicator = Series.objects.get(indicator__code="G1-M01-V1-A3").indicator
    save_report(
        indicator=indicator, fiscal_year=2024, user=user, values={"": SeriesValue(Decimal(4))}, expected_version=None
    )
    section = Section.objects.create(name="保健福祉政策課")
    Membership.objects.create(user=user, section=section, role=Membership.Role.PLANNER)
    set_deadline(2024, user, datetime.date(2025, 6, 30))
    confirm_baseline(indicator.series.get(), Decimal(2), "令和5年度実績（確定値）", "決算で確定したため", user)
    update_scheme(GradingScheme.objects.get(is_active=True), {}, Decimal("2.5"), user, "許容幅を設定")
    save_counts(
        place=Place(district=District.objects.get(code="ikejiri")),
        fiscal_year=2024,
        month=4,
        user=user,
        values={(WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢")): 12},
        expected_version=None,
        today=datetime.date(2024, 5, 1),
    )
    return client


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_changelist_search_and_add_pages_open(admin_client, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "相談"}).status_code == 200
    assert admin_client.get(_url(model, "add")).status_code == (403 if model in READ_ONLY | LOGIN_RECORDS else 200)


@pytest.mark.parametrize("model", PLAN_MODELS, ids=[m._meta.label for m in PLAN_MODELS])
def test_change_form_opens_and_saves(admin_client, model):
    instance = model.objects.order_by("pk").first()
    assert instance is not None, f"the loaded plan has no {model._meta.label}"
    url = _url(model, "change", instance.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    response = admin_client.post(url, unchanged_post_data(response))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"].endswith(_url(model, "changelist"))


def test_admin_is_in_japanese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "世田谷区地域保健医療福祉総合計画 管理画面" in page
    assert "推進施策" in page and "めざす姿" in page and "実施計画 施策" in page


ASKS_FOR_REVISION = "どの改定による変更かを「改定名」に入力してください"


def test_editing_a_target_in_the_admin_is_saved(admin_client):
    target = Series.objects.get(indicator__code="G1-M01-V1-A3").targets.get(fiscal_year=2024)
    response = admin_client.get(_url(type(target), "change", target.pk))
    data = unchanged_post_data(response)
    data["value"] = "6"
    # A change of a target belongs to a revision of the 実施計画: the page asks which.
    refused = admin_client.post(_url(type(target), "change", target.pk), data)
    assert refused.status_code == 200 and ASKS_FOR_REVISION in refused.content.decode()
    data.update(revision="令和8年度改定", decided="2026-06-01")
    assert admin_client.post(_url(type(target), "change", target.pk), data).status_code == 302
    target.refresh_from_db()
    assert target.value == Decimal(6)
    versions = TargetVersion.objects.filter(series=target.series, fiscal_year=2024).order_by("revision__number")
    assert [(v.revision.name, v.value) for v in versions] == [("当初", 5), ("令和8年度改定", 6)]


def test_adding_a_later_year_target_in_the_series_admin_asks_for_the_revision(admin_client):
    series = Series.objects.get(indicator__code="G1-M01-V1-A3")
    url = _url(Series, "change", series.pk)
    data = unchanged_post_data(admin_client.get(url))
    total = int(data["targets-TOTAL_FORMS"])
    data.update(
        {
            f"targets-{total}-fiscal_year": "2028",
            f"targets-{total}-end_fiscal_year": "2028",
            f"targets-{total}-value": "7",
            "targets-TOTAL_FORMS": str(total + 1),
        }
    )
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and ASKS_FOR_REVISION in refused.content.decode()
    data.update(revision="令和10年度からの目標", decided="2028-03-01")
    assert admin_client.post(url, data).status_code == 302
    added = TargetVersion.objects.get(series=series, fiscal_year=2028)
    assert (added.revision.name, added.value) == ("令和10年度からの目標", 7)
    assert added.revision.decided.isoformat() == "2028-03-01"


def test_overlapping_multi_year_target_is_refused_in_japanese(admin_client):
    series = Series.objects.get(indicator__code="G1-M05-V2-O1-1")  # 990人 covers 2024–2026
    target_2027 = series.targets.get(fiscal_year=2027)
    response = admin_client.get(_url(type(target_2027), "change", target_2027.pk))
    data = unchanged_post_data(response)
    data["fiscal_year"] = "2026"
    data["end_fiscal_year"] = "2027"
    response = admin_client.post(_url(type(target_2027), "change", target_2027.pk), data)
    assert response.status_code == 200
    assert "この期間の一部にはすでに別の目標があります。" in response.content.decode()
    target_2027.refresh_from_db()
    assert target_2027.fiscal_year == 2027


@pytest.mark.parametrize("model", sorted(READ_ONLY, key=str), ids=lambda m: m._meta.label)
def test_audited_models_open_but_cannot_be_changed_in_the_admin(admin_client, model):
    instance = model.objects.order_by("pk").first()
    assert instance is not None
    before = model.objects.filter(pk=instance.pk).values().get()
    assert admin_client.get(_url(model, "change", instance.pk)).status_code == 200
    assert admin_client.post(_url(model, "change", instance.pk), {}).status_code == 403
    assert admin_client.post(_url(model, "delete", instance.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=instance.pk).values().get() == before


def test_indicator_page_lists_its_targets_by_series(admin_client):
    # 推進施策5 めざす姿2 行動量1-①: 整備数 ４箇所 over 令和6–8年度, 令和9年度 left to 第10期.
    indicator = Indicator.objects.get(code="G1-M05-V2-A1-1")
    page = admin_client.get(_url(Indicator, "change", indicator.pk)).content.decode()
    assert "年度ごとの目標" in page
    assert "令和6年度（2024年度）～令和8年度（2026年度）：4" in page
    assert "令和9年度（2027年度）：第10期世田谷区高齢者保健福祉計画・介護保険事業計画に基づく取組み" in page
    yearly = indicator.series.get(key="yearly")
    assert _url(Series, "change", yearly.pk) in page


def test_section_page_lists_its_members_and_its_indicators(admin_client):
    # Section belongs to core; indicators adds the list of the section's indicators to its admin page.
    section = Section.objects.get(name="保健福祉政策課")
    Indicator.objects.filter(code="G1-M01-V1-A3").update(section=section)
    page = admin_client.get(_url(Section, "change", section.pk)).content.decode()
    assert "所属と役割" in page and "planner" in page
    assert "G1-M01-V1-A3" in page


def test_a_target_cannot_be_deleted_outside_a_revision(admin_client):
    # Every change of a target belongs to a plan revision; the target's own delete view asks for none, so it is
    # refused and the target stays (推進施策5 めざす姿2 行動量1-①, 令和6–8年度 ４箇所).
    target = Target.objects.get(series__indicator__code="G1-M05-V2-A1-1", series__key="yearly", fiscal_year=2024)
    assert admin_client.post(_url(Target, "delete", target.pk), {"post": "yes"}).status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()

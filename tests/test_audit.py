"""The one audit trail (core.AuditEntry, setagaya_plan.core.audit): the small API, times shown in Tokyo, and the
paths not covered with their own pages elsewhere — the admin (additions, changes with their inlines, deletions,
passwords, the history page), the entry screen, and the planners' categories of consultations."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from consultations.models import Category
from indicators.models import Indicator, Report
from setagaya_plan.core import audit
from setagaya_plan.core.models import AuditEntry, Section
from setagaya_plan.core.templatetags.audit_tags import audit_value
from tests.admin_forms import unchanged_post_data

pytestmark = pytest.mark.django_db

TRAINING = "G1-M01-V1-A3"  # 推進施策1 行動量3 研修の実施及び動画公開, 5回 a year


# ---- the API ----------------------------------------------------------------------------------------------------


def test_diff_keeps_what_changed_with_decimals_as_plain_text():
    before = {"実績": Decimal("5.0000"), "単位": "回", "時点": None, "締切": False, "注記": ""}
    after = {"実績": Decimal("5"), "単位": "人", "目標": Decimal("92.80"), "締切": True, "注記": None}
    assert audit.diff(before, after) == {"単位": ["回", "人"], "目標": [None, "92.8"], "締切": [False, True]}
    assert audit.diff({"日": datetime.date(2025, 6, 30)}, {"日": datetime.date(2025, 7, 31)}) == {
        "日": ["2025-06-30", "2025-07-31"]
    }


def test_an_entry_names_its_subject_and_year_and_keeps_the_name_when_the_subject_goes(planner_user):
    section = Section.objects.create(name="臨時の課")
    logged = audit.log(section, AuditEntry.Action.ADD, planner_user, changes={"所管課名": [None, "臨時の課"]})
    section.delete()
    logged.refresh_from_db()
    assert (logged.object_repr, logged.content_type.model, logged.user, logged.source) == (
        "臨時の課",
        "section",
        planner_user,
        "画面",
    )
    assert audit.log(None, AuditEntry.Action.CHANGE, None).object_repr == ""


def test_shown_times_are_tokyo_whatever_zone_is_active():
    entry = AuditEntry(at=datetime.datetime(2025, 3, 31, 15, 30, tzinfo=datetime.UTC), action="approve")
    with timezone.override("UTC"):
        assert entry.shown_at == "2025-04-01 00:30"
        assert str(entry) == "2025-04-01 00:30 承認"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "（なし）"), ("", "（なし）"), (True, "はい"), (False, "いいえ"), (6358, "6,358"), ("92.8", "92.8")],
)
def test_history_values_are_printed_by_the_one_number_owner(value, shown):
    assert audit_value(value) == shown


def test_an_entrys_year_is_named_as_every_page_names_it():
    assert AuditEntry(action="edit", fiscal_year=2024).shown_year == "令和6年度（2024年度）"
    assert AuditEntry(action="change").shown_year == ""


# ---- the entry screen -----------------------------------------------------------------------------------------------


def test_a_save_on_the_entry_page_is_one_entry_with_old_and_new(client, entry_user, section):
    client.force_login(entry_user)
    indicator = Indicator.objects.get(code=TRAINING)
    field = f"actual_{indicator.series.get().pk}"
    url = reverse("entry:indicator", args=[TRAINING, 2024])
    client.post(url, {"version": 0, "action": "save", field: "4", "comment": "研修記録から"})
    client.post(url, {"version": 1, "action": "save", field: "5", "comment": "研修記録から"})
    report = Report.objects.get(indicator=indicator, fiscal_year=2024)
    logged = list(AuditEntry.objects.for_subject(report).order_by("pk"))
    assert [(e.action, e.user, e.source, e.fiscal_year) for e in logged] == [
        ("create", entry_user, "画面", 2024),
        ("edit", entry_user, "画面", 2024),
    ]
    assert logged[0].changes == {"実績": [None, "4"], "確認コメント（庁内）": ["", "研修記録から"]}
    assert logged[1].changes == {"実績": ["4", "5"]}


# ---- the admin --------------------------------------------------------------------------------------------------


@pytest.fixture
def chief(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.jp", "pw")
    client.force_login(user)
    return user


def _admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_an_admin_change_is_one_entry_with_old_and_new_of_the_form_and_its_inlines(client, chief):
    indicator = Indicator.objects.get(code=TRAINING)
    url = _admin_url(Indicator, "change", indicator.pk)
    data = unchanged_post_data(client.get(url))
    data["name"] = "地域包括ケアの研修"
    data["series-0-unit"] = "件"
    assert client.post(url, data).status_code == 302
    logged = AuditEntry.objects.for_subject(indicator).get(action="admin_change")
    assert (logged.user, logged.source) == (chief, "管理画面")
    assert logged.changes == {
        "名称": ["地域包括ケアの地区展開に関する研修の実施及び動画公開", "地域包括ケアの研修"],
        f"系列「{TRAINING}」・単位": [None, "件"],
    }
    assert not LogEntry.objects.exists()  # one trail: Django's admin log is not written
    history = client.get(_admin_url(Indicator, "history", indicator.pk)).content.decode()
    assert "管理画面での変更" in history and "地域包括ケアの研修" in history and "chief" in history


def test_saving_an_admin_form_unchanged_logs_nothing(client, chief):
    indicator = Indicator.objects.get(code=TRAINING)
    url = _admin_url(Indicator, "change", indicator.pk)
    client.post(url, unchanged_post_data(client.get(url)))
    assert not AuditEntry.objects.filter(source="管理画面").exists()


@time_machine.travel(datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_admin_addition_and_deletion_are_logged(client, chief):
    data = unchanged_post_data(client.get(_admin_url(Section, "add")))
    client.post(_admin_url(Section, "add"), {**data, "name": "臨時の課"})
    section = Section.objects.get(name="臨時の課")
    added = AuditEntry.objects.for_subject(section).get()
    assert (added.action, added.changes, added.shown_at) == (
        "admin_add",
        {"所管課名": [None, "臨時の課"]},
        "2025-04-01 18:00",
    )
    client.post(_admin_url(Section, "delete", section.pk), {"post": "yes"})
    assert not Section.objects.filter(name="臨時の課").exists()
    deleted = AuditEntry.objects.get(action="admin_delete")
    assert (deleted.object_repr, deleted.user, deleted.changes) == ("臨時の課", chief, {"所管課名": ["臨時の課", None]})


def test_a_password_changed_in_the_admin_is_logged_without_the_password(client, chief, entry_user):
    url = reverse("admin:auth_user_password_change", args=[entry_user.pk])
    new = "a-new-Pass-4729"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    logged = AuditEntry.objects.for_subject(entry_user).get()
    assert logged.action == "admin_change" and logged.user == chief
    assert set(logged.changes) and all(pair == ["（非表示）", "（非表示）"] for pair in logged.changes.values())
    entry_user.refresh_from_db()
    assert entry_user.password not in str(logged.changes)


# ---- planners' categories of consultations ------------------------------------------------------------------------


def test_adding_and_switching_off_a_category_are_logged(client, planner_user):
    client.force_login(planner_user)
    client.post(reverse("consultations:categories"), {"action": "add", "name": "ヤングケアラー", "description": ""})
    category = Category.objects.get(name="ヤングケアラー")
    client.post(reverse("consultations:categories"), {"action": "toggle", "category": category.pk})
    logged = list(AuditEntry.objects.for_subject(category).order_by("pk"))
    assert [(e.action, e.user, e.changes) for e in logged] == [
        ("add", planner_user, {"分類名": [None, "ヤングケアラー"]}),
        ("change", planner_user, {"入力に使う": [True, False]}),
    ]

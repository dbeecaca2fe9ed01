"""send_reminders (each section its outstanding items, by Django's e-mail backend) and create_demo_users."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from consultations.access import can_enter, entry_districts
from consultations.models import District
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report, set_year_lock
from indicators.models import Indicator
from setagaya_plan.core import review
from setagaya_plan.core.models import Membership, Section

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = datetime.datetime(2025, 7, 1, 9)


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def save(user, code, value):
    return save_report(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=2024,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )


@pytest.fixture
def emails(entry_user, approver_user, viewer_user, other_entry_user):
    for user in (entry_user, approver_user, viewer_user, other_entry_user):
        user.email = f"{user.username}@example.jp"
        user.save()


def test_each_section_gets_its_outstanding_items(emails, entry_user, approver_user, section, other_section):
    save(entry_user, "G1-M01-V1-A3", "5")  # 下書き
    sent_back = review.submit(REPORT_REVIEW, save(entry_user, "G1-M01-V3-O1", "13.0"), entry_user, 1)
    review.send_back(REPORT_REVIEW, sent_back, approver_user, sent_back.version, "調査の出典を確認してください")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        out = run("--year", "2024", "--site-url", "https://plan.example.lg.jp/")
    assert out.splitlines() == [
        "地域包括ケア推進課: 差戻し1件、未入力3件、下書き1件 → "
        "care@example.jp, approver_a@example.jp, staff_a@example.jp",
        "子ども・若者支援課: 未入力2件 → youth@example.jp, staff_b@example.jp",
        "令和6年度（2024年度）: 2所管課にお知らせを送信しました。",
    ]
    assert len(mail.outbox) == 2
    care = mail.outbox[0]
    assert care.to == ["care@example.jp", "approver_a@example.jp", "staff_a@example.jp"]  # not the 閲覧 member
    assert (
        care.subject
        == "【実績入力のお願い】令和6年度（2024年度） 地域包括ケア推進課（提出期限 2025年6月30日・期限超過）"
    )
    assert "■ 差戻し（1件）" in care.body and "差戻し理由：調査の出典を確認してください" in care.body
    assert "■ 未入力（3件）" in care.body and "■ 下書き（1件）" in care.body
    assert "・地域包括ケアの地区展開に関する研修の実施及び動画公開（G1-M01-V1-A3）" in care.body
    assert "期限を過ぎています" in care.body
    assert "入力画面：https://plan.example.lg.jp/entry/?year=2024" in care.body
    assert "ティーンズプロジェクトの実施回数" in mail.outbox[1].body


def test_output_is_the_same_every_run(emails, section, other_section):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        first, second = run("--year", "2024"), run("--year", "2024")
    assert first == second
    assert [m.body for m in mail.outbox[:2]] == [m.body for m in mail.outbox[2:]]


def test_submitted_items_remind_the_approver(emails, entry_user, section):
    for code in ["G1-M01-V1-A3", "G1-M01-V3-O1"]:
        report = save(entry_user, code, "5" if code.endswith("A3") else "13.0")
        review.submit(REPORT_REVIEW, report, entry_user, report.version)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9), tick=False):
        run("--year", "2024")
    body = mail.outbox[0].body
    assert "■ 提出済（2件）：承認者の方は内容を確認し" in body
    assert "期限を過ぎています" not in body


def test_default_year_is_the_latest_that_has_ended(emails, section):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9), tick=False):
        out = run()
    assert out.endswith("令和7年度（2025年度）: 2所管課にお知らせを送信しました。\n")


def test_dry_run_sends_nothing(emails, section):
    out = run("--year", "2024", "--dry-run")
    assert "送信していません" in out and mail.outbox == []


def test_section_without_any_address_is_reported(section, entry_user):
    Section.objects.filter(pk=section.pk).update(email="")
    out = run("--year", "2024")
    assert "地域包括ケア推進課: 未入力5件 → 送信先がありません" in out
    assert mail.outbox == []


def test_locked_year_and_years_outside_the_plan(section, planner_user):
    with pytest.raises(CommandError, match="令和17年度（2035年度）は計画期間"):
        run("--year", "2035")
    set_year_lock(2024, planner_user, True)
    assert "締め切られているため、お知らせは送りません" in run("--year", "2024")
    assert mail.outbox == []


def test_demo_users_each_role_and_a_demo_section(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-456")
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=io.StringIO())  # again: nothing doubles
    roles = {m.user.username: (m.role, m.section.name) for m in Membership.objects.select_related("user", "section")}
    assert roles == {
        "demo_staff": ("entry", "地域包括ケア推進課（デモ）"),
        "demo_approver": ("approver", "地域包括ケア推進課（デモ）"),
        "demo_planner": ("planner", "保健福祉政策課"),
        "demo_viewer": ("viewer", "地域包括ケア推進課（デモ）"),
    }
    for username in roles:
        assert get_user_model().objects.get(username=username).check_password("demo-pass-456")
        assert f"{username} / demo-pass-456" in out.getvalue()
    demo = Indicator.objects.filter(section__name="地域包括ケア推進課（デモ）")
    assert demo.values("vision__measure").distinct().count() >= 4  # several 推進施策
    assert demo.filter(series__key="a").exists() and demo.filter(series__key="cumulative").exists()
    assert any(indicator.has_text_target(2024) for indicator in demo)
    # A 地区 to enter counts for: the first one (池尻), its 地域 reviewed by the demo section's 承認者.
    district = District.objects.get(section__name="地域包括ケア推進課（デモ）")
    assert (district.name, district.area.reviewing_section.name) == ("池尻", "地域包括ケア推進課（デモ）")
    assert "デモ所管課が相談件数を入力する地区: 池尻地区（世田谷地域）" in out.getvalue()
    staff = get_user_model().objects.get(username="demo_staff")
    assert [d.code for d in entry_districts(staff)] == ["ikejiri"] and can_enter(staff, district)


def test_demo_users_keep_a_planners_link_of_a_district(settings):
    settings.DEBUG = True
    ikejiri = Section.objects.create(name="池尻まちづくりセンター")
    District.objects.filter(code="ikejiri").update(section=ikejiri)
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("create_demo_users", stdout=io.StringIO())
    assert District.objects.get(code="ikejiri").section == ikejiri
    assert District.objects.get(section__name="地域包括ケア推進課（デモ）").code == "taishido"  # the next free one


def test_demo_users_keep_a_planners_assignment(settings, section):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    assert Indicator.objects.get(code="G1-M01-V1-A3").section == section  # already owned: left alone
    assert Indicator.objects.get(code="G1-M09-V1-A1").section.name == "地域包括ケア推進課（デモ）"


def test_no_demo_users_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG が有効な開発環境でのみ"):
        call_command("create_demo_users", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__startswith="demo_").exists()
    assert not Section.objects.exists()

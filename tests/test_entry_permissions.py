"""Every entry view × every role × own / other section, on GET and on POST, checked on the server.

anonymous → login; another section's indicator or section → 404; a role that may not act → 403; and after a
refused POST the database is as it was.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report, set_year_lock
from indicators.models import Indicator, Report
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting

pytestmark = pytest.mark.django_db

OWN = "G1-M01-V1-A3"  # 推進施策1 研修の実施及び動画公開: 令和6年度の目標 5回
YEAR = 2024
ROLES = ["anonymous", "entry", "approver", "viewer", "planner", "other_entry"]


def draft(user, value="5"):
    return save_report(
        indicator=Indicator.objects.get(code=OWN),
        fiscal_year=YEAR,
        user=user,
        values={"": SeriesValue(Decimal(value))},
        expected_version=None,
    )


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


GET_PAGES = {
    # role: expected status of (my indicators, own indicator page, own section grid)
    "anonymous": ("login", "login", "login"),
    "entry": (200, 200, 200),
    "approver": (200, 200, 200),
    "viewer": (200, 200, 200),
    "planner": (200, 200, 200),
    "other_entry": (200, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages(client, log_in_as, section, role):
    log_in_as(role)
    urls = [
        reverse("entry:my_indicators"),
        reverse("entry:indicator", args=[OWN, YEAR]),
        f"{reverse('entry:grid')}?section={section.pk}&year={YEAR}",
    ]
    for url, expected in zip(urls, GET_PAGES[role], strict=True):
        response = client.get(url)
        if expected == "login":
            assert_login_redirect(response)
        else:
            assert response.status_code == expected, (role, url)


SAVE_EXPECTED = {"anonymous": "login", "entry": 302, "approver": 403, "viewer": 403, "planner": 302, "other_entry": 404}


@pytest.mark.parametrize("role", ROLES)
def test_saving_an_actual(client, users_by_role, section, role, log_in_as):
    log_in_as(role)
    response = client.post(
        reverse("entry:indicator", args=[OWN, YEAR]),
        {"version": "0", f"actual_{_series_pk()}": "5", "action": "save"},
    )
    expected = SAVE_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, role
    saved = Report.objects.filter(indicator__code=OWN, fiscal_year=YEAR).first()
    if expected == 302:
        assert saved.actuals.get().value == Decimal(5) and saved.updated_by == users_by_role[role]
    else:
        assert saved is None


REVIEW_EXPECTED = {
    "anonymous": "login",
    "entry": 403,
    "approver": 302,
    "viewer": 403,
    "planner": 302,
    "other_entry": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_approving(client, users_by_role, section, role, log_in_as):
    report = review.submit(REPORT_REVIEW, draft(users_by_role["entry"]), users_by_role["entry"], 1)
    log_in_as(role)
    response = client.post(
        reverse("entry:review", args=[OWN, YEAR]), {"version": report.version, "decision": "approve", "reason": ""}
    )
    expected = REVIEW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, role
    report.refresh_from_db()
    assert report.status == (Report.Status.APPROVED if expected == 302 else Report.Status.SUBMITTED)


@pytest.mark.parametrize("role", ROLES)
def test_returning(client, users_by_role, section, role, log_in_as):
    report = review.submit(REPORT_REVIEW, draft(users_by_role["entry"]), users_by_role["entry"], 1)
    log_in_as(role)
    response = client.post(
        reverse("entry:review", args=[OWN, YEAR]),
        {"version": report.version, "decision": "return", "reason": "研修記録の写しを添えてください"},
    )
    expected = REVIEW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, role
    report.refresh_from_db()
    assert report.status == (Report.Status.RETURNED if expected == 302 else Report.Status.SUBMITTED)


REOPEN_EXPECTED = {
    "anonymous": "login",
    "entry": 403,
    "approver": 403,
    "viewer": 403,
    "planner": 302,
    "other_entry": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_reopening(client, users_by_role, section, role, log_in_as):
    entry, approver = users_by_role["entry"], users_by_role["approver"]
    report = review.approve(REPORT_REVIEW, review.submit(REPORT_REVIEW, draft(entry), entry, 1), approver, 2)
    log_in_as(role)
    response = client.post(
        reverse("entry:reopen", args=[OWN, YEAR]), {"version": report.version, "reopen_reason": "集計方法の見直し"}
    )
    expected = REOPEN_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, role
    report.refresh_from_db()
    assert report.status == (Report.Status.RETURNED if expected == 302 else Report.Status.APPROVED)


GRID_SAVE_EXPECTED = {
    "anonymous": "login",
    "entry": 302,
    "approver": 403,
    "viewer": 403,
    "planner": 302,
    "other_entry": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_saving_in_the_grid(client, log_in_as, section, role):
    log_in_as(role)
    indicator = Indicator.objects.get(code=OWN)
    prefix = f"r{indicator.pk}"
    series = _series_pk()
    response = client.post(
        f"{reverse('entry:grid')}?section={section.pk}&year={YEAR}",
        {
            f"{prefix}-version": "0",
            f"{prefix}-actual_{series}": "5",
            f"{prefix}-orig_actual_{series}": "",
            f"{prefix}-comment": "",
            f"{prefix}-orig_comment": "",
        },
    )
    expected = GRID_SAVE_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected, role
    exists = Report.objects.filter(indicator=indicator, fiscal_year=YEAR).exists()
    assert exists == (expected == 302)


PLANNER_ONLY = {"anonymous": "login", "entry": 403, "approver": 403, "viewer": 403, "planner": 200, "other_entry": 403}


@pytest.mark.parametrize("role", ROLES)
def test_planner_pages(client, log_in_as, section, role):
    log_in_as(role)
    for name in ["entry:fiscal_years", "entry:completeness", "entry:overdue", "entry:assign"]:
        response = client.get(reverse(name))
        expected = PLANNER_ONLY[role]
        if expected == "login":
            assert_login_redirect(response)
        else:
            assert response.status_code == expected, (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_planner_posts(client, log_in_as, section, other_section, role):
    log_in_as(role)
    responses = [
        client.post(
            reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "deadline", "y2024-deadline": "2025-07-31"}
        ),
        client.post(reverse("entry:fiscal_year_update", args=[YEAR]), {"action": "lock", "locked": "1"}),
        client.post(reverse("entry:assign"), {"indicators": [OWN], "section": other_section.pk}),
    ]
    allowed = role == "planner"
    for response in responses:
        if role == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == (302 if allowed else 403), role
    assert FiscalYearSetting.objects.filter(fiscal_year=YEAR).exists() == allowed
    assert (Indicator.objects.get(code=OWN).section == other_section) == allowed


@pytest.mark.parametrize(
    "name, args",
    [
        ("entry:review", [OWN, YEAR]),
        ("entry:reopen", [OWN, YEAR]),
        ("entry:fiscal_year_update", [YEAR]),
    ],
)
def test_post_only_views_refuse_get(client, planner_user, name, args):
    client.force_login(planner_user)
    assert client.get(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/entry/", "/entry/grid/", "/entry/G1-M01-V1-A3/2024/", "/entry/completeness/", "/entry/assign/"],
)
def test_other_methods_are_refused(client, planner_user, url):
    client.force_login(planner_user)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_viewer_sees_no_inputs_or_buttons(client, viewer_user, section):
    client.force_login(viewer_user)
    page = client.get(reverse("entry:indicator", args=[OWN, YEAR])).content.decode()
    assert "閲覧のみの権限です" in page
    assert "保存（下書き）" not in page and 'name="action"' not in page
    grid = client.get(f"{reverse('entry:grid')}?section={section.pk}&year={YEAR}").content.decode()
    assert "data-col=" not in grid and "変更した行を保存" not in grid


def test_unknown_year_or_code_is_404(client, entry_user, section):
    client.force_login(entry_user)
    assert client.get(reverse("entry:indicator", args=[OWN, 2023])).status_code == 404
    assert client.get(reverse("entry:indicator", args=[OWN, 2032])).status_code == 404
    assert client.get(reverse("entry:indicator", args=["G9-M99-V9-A9", YEAR])).status_code == 404


def test_locked_year_refuses_every_change_with_a_message(client, users_by_role, section):
    entry, approver, planner = users_by_role["entry"], users_by_role["approver"], users_by_role["planner"]
    report = review.submit(REPORT_REVIEW, draft(entry), entry, 1)
    set_year_lock(YEAR, planner, True, "令和6年度の実績を確定")
    logged = AuditEntry.objects.count()

    client.force_login(approver)
    page = client.get(reverse("entry:indicator", args=[OWN, YEAR])).content.decode()
    assert "令和6年度（2024年度）は締め切られています" in page and "承認者の確認" not in page
    response = client.post(
        reverse("entry:review", args=[OWN, YEAR]), {"version": report.version, "decision": "approve", "reason": ""}
    )
    assert response.status_code == 200
    assert "令和6年度（2024年度）は締め切られているため変更できません。" in response.content.decode()

    client.force_login(planner)
    response = client.post(
        reverse("entry:indicator", args=[OWN, YEAR]),
        {"version": report.version, f"actual_{_series_pk()}": "6", "action": "save"},
    )
    assert "締め切られているため変更できません" in response.content.decode()
    response = client.post(
        f"{reverse('entry:grid')}?section={section.pk}&year={YEAR}",
        {f"r{report.indicator_id}-version": report.version, f"r{report.indicator_id}-actual_{_series_pk()}": "6"},
        follow=True,
    )
    assert "締め切られているため変更できません" in response.content.decode()

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.actuals.get().value == Decimal(5)
    assert AuditEntry.objects.count() == logged


def _series_pk() -> int:
    return Indicator.objects.get(code=OWN).series.get(key="").pk

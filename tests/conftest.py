"""Shared fixtures, building on each other: the loaded plan → sections owning indicators → users of each role →
a logged-in test client; and the moments in time the tests of deadlines and months stand in.

The printed plan is loaded once per test database, as `manage.py load_plan` loads it.
"""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import Indicator
from setagaya_plan.core.models import Membership, Section
from tests.review_kinds import Counts, Reports

PASSWORD = "test-pass-9347"

# Indicators of the section under test: from several 推進施策, with a plain count, a rate that aims down, a
# text target, a)/b) parts and a compound 整備数 / 累計整備数.
OWN_CODES = ["G1-M01-V1-A3", "G1-M01-V3-O1", "G1-M02-V1-A2", "G1-M10-V1-O5", "G1-M05-V2-A2"]
OTHER_CODES = ["G1-M09-V1-A1", "G1-M04-V1-A3"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def section(db) -> Section:
    section = Section.objects.create(name="地域包括ケア推進課", email="care@example.jp")
    Indicator.objects.filter(code__in=OWN_CODES).update(section=section)
    return section


@pytest.fixture
def other_section(db) -> Section:
    section = Section.objects.create(name="子ども・若者支援課", email="youth@example.jp")
    Indicator.objects.filter(code__in=OTHER_CODES).update(section=section)
    return section


@pytest.fixture
def planning_section(db) -> Section:
    return Section.objects.create(name="保健福祉政策課", email="plan@example.jp")


def _member(username: str, section: Section, role: str):
    user = get_user_model().objects.create_user(username, password=PASSWORD, last_name=username)
    Membership.objects.create(user=user, section=section, role=role)
    return user


@pytest.fixture
def member(db):
    """member(username, section, role): a user with one role in a section (as in tests/browser/conftest.py)."""
    return _member


@pytest.fixture
def entry_user(section):
    return _member("staff_a", section, Membership.Role.ENTRY)


@pytest.fixture
def approver_user(section):
    return _member("approver_a", section, Membership.Role.APPROVER)


@pytest.fixture
def viewer_user(section):
    return _member("viewer_a", section, Membership.Role.VIEWER)


@pytest.fixture
def planner_user(planning_section):
    return _member("planner", planning_section, Membership.Role.PLANNER)


@pytest.fixture
def other_entry_user(other_section):
    return _member("staff_b", other_section, Membership.Role.ENTRY)


@pytest.fixture
def users_by_role(entry_user, approver_user, viewer_user, planner_user, other_entry_user):
    """Every role, for permission matrices: name → user (None is anonymous)."""
    return {
        "anonymous": None,
        "entry": entry_user,
        "approver": approver_user,
        "viewer": viewer_user,
        "planner": planner_user,
        "other_entry": other_entry_user,
    }


@pytest.fixture
def log_in_as(client, users_by_role):
    """Log the test client in as one of `users_by_role` ("anonymous" stays logged out); returns the user."""

    def log_in(role: str):
        user = users_by_role[role]
        if user is not None:
            client.force_login(user)
        return user

    return log_in


@pytest.fixture
def in_february_2025():
    """令和6年度（2024年度）: April 2024 – February 2025 have begun, March 2025 has not."""
    with time_machine.travel(datetime.datetime(2025, 2, 15, 10, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False):
        yield


@pytest.fixture
def after_the_2024_deadline():
    """令和7年度 is running; 令和6年度's actuals were due on 30 June 2025."""
    with time_machine.travel(datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(params=["reports", "counts"])
def kind(request, section, approver_user, member):
    """Each kind of reviewed record (tests/review_kinds.py), for tests that hold for both."""
    return Reports(approver_user) if request.param == "reports" else Counts(section, member)

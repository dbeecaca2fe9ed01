from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from indicators import access
from indicators.models import Indicator
from setagaya_plan.core.access import is_planner

pytestmark = pytest.mark.django_db


def test_roles_decide_what_each_user_may_do(users_by_role, section):
    own = Indicator.objects.get(code="G1-M01-V1-A3")
    other = Indicator.objects.get(code="G1-M09-V1-A1")
    table = {
        # role: (view own, enter own, approve own, view other, planner)
        "entry": (True, True, False, False, False),
        "approver": (True, False, True, False, False),
        "viewer": (True, False, False, False, False),
        "planner": (True, True, True, True, True),
        "other_entry": (False, False, False, True, False),
    }
    for role, expected in table.items():
        user = users_by_role[role]
        found = (
            access.can_view(user, own),
            access.can_enter(user, own),
            access.can_approve(user, own),
            access.can_view(user, other),
            is_planner(user),
        )
        assert found == expected, role


def test_anonymous_may_do_nothing(section):
    own = Indicator.objects.get(code="G1-M01-V1-A3")
    anonymous = AnonymousUser()
    assert not access.can_view(anonymous, own) and not is_planner(anonymous)


def test_outsiders_get_404_not_the_indicator(other_entry_user, section):
    with pytest.raises(Http404):
        access.get_indicator_for_user(other_entry_user, "G1-M01-V1-A3")
    assert access.get_indicator_for_user(other_entry_user, "G1-M09-V1-A1").code == "G1-M09-V1-A1"


def test_visible_indicators(entry_user, planner_user, section):
    assert set(access.visible_indicators(entry_user).values_list("code", flat=True)) == {
        "G1-M01-V1-A3",
        "G1-M01-V3-O1",
        "G1-M02-V1-A2",
        "G1-M10-V1-O5",
        "G1-M05-V2-A2",
    }
    assert access.visible_indicators(planner_user).count() == 80

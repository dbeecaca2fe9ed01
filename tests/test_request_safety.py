"""The shared guards behind "no 5xx from any URL or value" (tests/test_odd_inputs.py walks every URL with them):
the NUL middleware, the path converters, the integer `in` lookup and the admin's safe autocomplete widgets."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from setagaya_plan.core.admin_site import SafeRequestValuesAdmin
from setagaya_plan.core.middleware import MESSAGE_NUL
from setagaya_plan.core.models import Section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/entry/%00/2024/", None),
        ("get", "/progress/indicators/G1%00/", None),
        ("get", "/progress/indicators/", {"q": "住まい\x00"}),
        ("get", "/consultations/places/", {"year\x00": "2024"}),
        ("post", "/entry/assign/", {"indicators": ["G1-M05-V1-A1", "\x00"]}),
    ],
)
def test_a_nul_anywhere_in_a_request_is_a_400_before_any_view(client, planner_user, method, url, data):
    client.force_login(planner_user)
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert response.content.decode() == MESSAGE_NUL


def test_a_nul_inside_an_uploaded_file_is_the_files_business(client, planner_user):
    client.force_login(planner_user)
    upload = SimpleUploadedFile("counts.csv", "年度,月\x00\r\n2024,4\r\n".encode())
    response = client.post(reverse("consultations:import"), {"file": upload})
    assert response.status_code == 400
    assert "CSV の文字コードを判別できません" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/progress/report/99999999999999999999/",
        "/progress/report/２０２４/",
        "/progress/report/-1/",
        "/progress/measures/99999999999999999999-1/",
        "/entry/years/20240/",
        "/consultations/entry/ikejiri/2024/99999999999999999999/",
    ],
)
def test_numbers_in_paths_have_the_digits_they_can_have(client, planner_user, url):
    client.force_login(planner_user)
    assert client.get(url).status_code == 404


def test_a_url_cannot_be_built_with_a_number_that_is_no_year():
    assert reverse("progress:report", args=[2024]) == "/progress/report/2024/"
    with pytest.raises(NoReverseMatch):
        reverse("progress:report", args=[10**20])


def test_ids_out_of_an_integer_columns_range_match_no_row_in_an_in_list(section):
    assert list(Section.objects.filter(pk__in=[10**20])) == []
    assert list(Section.objects.filter(pk__in=[10**20, -(10**20), section.pk])) == [section]
    assert Section.objects.exclude(pk__in=[10**20]).filter(pk=section.pk).exists()


def test_every_admin_and_inline_gets_the_safe_widgets():
    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, SafeRequestValuesAdmin), type(model_admin)
        assert all(issubclass(inline, SafeRequestValuesAdmin) for inline in model_admin.inlines)


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "pw"))
    return client


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "abc"])
def test_an_admin_form_with_an_odd_id_is_a_form_error_not_a_500(superuser_client, planner_user, value):
    section = Section.objects.create(name="高齢福祉課")
    add = reverse("admin:core_membership_add")
    assert superuser_client.get(add, {"section": value, "user": value}).status_code == 200
    response = superuser_client.post(add, {"section": value, "user": value, "role": "entry"})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    response = superuser_client.post(add, {"section": section.pk, "user": planner_user.pk, "role": "entry"})
    assert response.status_code == 302  # the real ids still work


def test_an_admin_export_with_a_filter_the_list_does_not_have_is_a_400(superuser_client):
    response = superuser_client.get(reverse("admin:indicators_indicator_export"), {"filled": "1"})
    assert response.status_code == 400


def test_an_admin_list_with_a_date_out_of_any_calendar_says_incorrect_lookup(superuser_client):
    huge = "9" * 20
    query = {"attempt_time__year": huge, "attempt_time__month": huge, "attempt_time__day": huge}
    response = superuser_client.get(reverse("admin:axes_accesslog_changelist"), query)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")

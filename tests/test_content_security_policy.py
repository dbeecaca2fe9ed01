"""Every page carries the Content-Security-Policy, and no page needs what it forbids: inline script, inline style,
event-handler attributes or another origin. The browser test (tests/browser/test_csp.py) shows the pages and the
admin working under it in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from setagaya_plan.core.models import Membership, Section

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def parse_policy(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


class InlineFinder(HTMLParser):
    """What a policy without 'unsafe-inline' would block: inline scripts, <style>, style= and on…= attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"src", "href", "action"} and value and re.match(r"^(https?:)?//", value):
                self.found.append(f"<{tag} {name}={value!r}> (another origin)")


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def planner_admin(planning_section):
    user = get_user_model().objects.create_superuser("root", "root@example.jp", "pw")
    Membership.objects.create(user=user, section=planning_section, role=Membership.Role.PLANNER)
    client = Client()
    client.force_login(user)
    return client


def app_pages() -> list[str]:
    return [
        reverse("home"),
        reverse("entry:my_indicators") + "?year=2024",
        reverse("entry:grid") + "?year=2024",
        reverse("entry:indicator", args=["G1-M01-V1-A3", 2024]),
        reverse("entry:fiscal_years"),
        reverse("entry:completeness"),
        reverse("entry:overdue"),
        reverse("entry:assign"),
        reverse("progress:dashboard"),
        reverse("progress:indicator_list"),
        reverse("progress:indicator", args=["G1-M01-V1-A3"]),
        reverse("progress:measure", args=[1, 1]),
        reverse("progress:report", args=[2024]),
        reverse("progress:settings"),
        reverse("imports:upload"),
        reverse("consultations:index"),
        reverse("consultations:places"),
        reverse("consultations:trends"),
        reverse("consultations:statistics"),
        reverse("consultations:agencies"),
        reverse("consultations:entry"),
        reverse("consultations:grid", args=["ikejiri", 2024, 4]),
        reverse("consultations:review"),
        reverse("consultations:import"),
        reverse("consultations:categories"),
        reverse("password_change"),
        reverse("accounts:lockouts"),
        "/no-such-page/",
    ]


def admin_pages() -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        instance = model.objects.order_by("pk").first()
        if instance is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
    pages += [reverse("admin:indicators_indicator_import"), reverse("admin:indicators_indicator_export")]
    pages += [reverse("admin:core_section_add"), reverse("admin:auth_user_add")]
    return pages


def check_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in {200, 404}, (url, response.status_code)
    assert parse_policy(response["Content-Security-Policy"]) == POLICY, url
    assert inline_content(response.content.decode()) == [], url


def test_the_policy_allows_only_this_servers_own_files():
    header_policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert all("unsafe" not in " ".join(values) for values in header_policy.values())


def test_every_page_of_the_app_has_the_policy_and_nothing_inline(planner_admin, section):
    Section.objects.get_or_create(name="子ども・若者支援課")
    for url in app_pages():
        check_page(planner_admin, url)


def test_every_admin_page_has_the_policy_and_nothing_inline(planner_admin, section):
    for url in admin_pages():
        check_page(planner_admin, url)


def test_login_lockout_and_error_pages_have_the_policy_and_nothing_inline(client, settings):
    for url in [reverse("login"), reverse("admin:login"), "/public/"]:
        response = client.get(url)
        assert parse_policy(response["Content-Security-Policy"]) == POLICY, url
        assert inline_content(response.content.decode()) == [], url
    for name in ["500.html", "503.html"]:
        assert inline_content((ROOT / "templates" / name).read_text()) == [], name


def test_no_template_or_script_writes_inline_code():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 50
    for template in templates:
        text = template.read_text()
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
    for script in (ROOT / "static" / "js").glob("*.js"):
        text = script.read_text()
        assert not re.search(r"setAttribute\(\s*[\"'](style|on\w+)|innerHTML|eval\(|new Function", text), script

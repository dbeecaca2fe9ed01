"""No URL and no query or form value gives a server error (5xx), for any role.

Every URL pattern of the project (read from the URLconf, the admin's included) is requested

* with real path values (an indicator of the section, 令和6年度, 推進施策1-1, 池尻 in April, a pending upload…),
  and with each path value replaced by odd ones (², -1, twenty digits, %00, full-width digits, words, a very long
  string);
* with odd values for every query parameter the project reads (year, month, page, sort, filters, format…) and
  every one the page itself links to or asks for in a GET form (django-tables2's sort and page, django-filter's
  fields, the admin's filters);
* and every POST form the page shows is sent back with garbage in each of its fields;

for anonymous visitors, 入力担当, 承認者, 閲覧, 計画担当 and a superuser (the admin). A 4xx or the page with a
fallback is an answer; a 5xx is a failure, listed with its exception. Runs on SQLite and PostgreSQL (which
refuses NUL in strings: %00 must never reach it).
"""

from __future__ import annotations

import ast
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from consultations.models import Category, District, WindowType
from consultations.workflow import Place, save_counts
from indicators.entry.workflow import SeriesValue, save_report
from indicators.importing.preview import preview_upload
from indicators.importing.views import PENDING_KIND
from indicators.models import Indicator
from setagaya_plan.core.uploads import pending
from tests.conftest import OWN_CODES
from tests.import_files import broken

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# In a path "%00" is the NUL byte once decoded; in a query or a form the NUL byte is sent as it is.
ODD = ["²", "-1", "9" * 20, "%00", "２０２４", "abc", "x" * 300]
WORDS = "<abc>" + "x" * 300  # words, markup and a very long string in one value
ODD_QUERY = ["²", "-1", "9" * 20, "\x00", "２０２４", WORDS]
ODD_POST = ["²", "9" * 20, "\x00", WORDS]
# Query parameters the project reads (checked against the source below); pages add the ones they link to.
KNOWN_QUERY = {
    "year",
    "month",
    "page",
    "sort",
    "section",
    "measure",
    "status",
    "format",
    "filled",
    "grade",
    "kind",
    "goal",
    "vision",
    "plan_item",
    "q",
    "next",
    "show",
}
# Forms whose sending would end the session or is no request a person makes with garbage.
SKIPPED_ACTIONS = ("/logout/", "/admin/logout/", "/password_change/")
TODAY = datetime.datetime(2025, 9, 1, 10, tzinfo=datetime.UTC)


# --- the URLconf -----------------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    parts: list  # the patterns from the root to this one
    params: list[str]

    def url(self, values: dict[str, str]) -> str:
        """The URL with `values` put in as they are (odd ones too: no converter is asked)."""
        return "/" + "".join(_fill(part, values) for part in self.parts)


def _fill(pattern, values: dict[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(values[m.group(1)], safe="%"), str(pattern))
    assert isinstance(pattern, RegexPattern)
    text = str(pattern).lstrip("^").rstrip("$")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: quote(values[m.group(1)], safe="%"), text)


def endpoints() -> list[Endpoint]:
    found = []

    def walk(patterns, parts, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, [*parts, entry.pattern], namespace + (f"{entry.namespace}:" or ""))
            elif isinstance(entry, URLPattern):
                chain = [*parts, entry.pattern]
                params = [name for part in chain for name in _params(part)]
                found.append(Endpoint(namespace + (entry.name or str(entry.pattern)), chain, params))

    walk(get_resolver().url_patterns, [], "")
    return found


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return re.findall(r"<(?:\w+:)?(\w+)>", str(pattern))
    return list(pattern.regex.groupindex)


# --- what a page links to and what its forms send --------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: list[str] = field(default_factory=list)  # what a person fills in: garbage goes here
    files: list[str] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)  # sent back as the page gave them (versions, formsets)


class _PageParser(HTMLParser):
    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.query_names: set[str] = set()
        self.post_forms: list[Form] = []
        self._form: Form | None = None
        self._get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.query_names.update(name for name, _ in parse_qsl(attrs["href"][1:], keep_blank_values=True))
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._get_form = method == "get"
            action = attrs.get("action") or self.url
            self._form = Form(urlsplit(action).path or urlsplit(self.url).path) if method == "post" else None
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            name = attrs["name"]
            if self._get_form:
                self.query_names.add(name)
            elif self._form is not None and attrs.get("type") == "hidden":
                self._form.hidden[name] = attrs.get("value") or ""
            elif self._form is not None:
                (self._form.files if attrs.get("type") == "file" else self._form.fields).append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            if self._form is not None and self._form.fields + self._form.files:
                self.post_forms.append(self._form)
            self._form, self._get_form = None, False


def read_page(url: str, response) -> _PageParser:
    parser = _PageParser(url)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode())
    return parser


# --- real values ----------------------------------------------------------------------------------------------------


@pytest.fixture
def real_values(section, entry_user, planner_user):
    code = OWN_CODES[0]
    indicator = Indicator.objects.get(code=code)
    save_report(
        indicator=indicator,
        fiscal_year=2024,
        user=entry_user,
        values={series.key: SeriesValue(Decimal(3)) for series in indicator.series.all()},
        expected_version=None,
    )
    window, category = WindowType.objects.order_by("position").first(), Category.objects.order_by("position").first()
    save_counts(
        place=Place(district=District.objects.get(code="ikejiri")),
        fiscal_year=2024,
        month=4,
        user=planner_user,
        values={(window, category): 5},
        expected_version=None,
    )
    data = broken.short(["G1-M05-V1-A1", "お部屋探しサポートの利用相談者数", 9])
    preview = preview_upload("plan.xlsx", data, user=planner_user).to_dict()
    token = pending.save(kind=PENDING_KIND, user=planner_user, file_name="plan.xlsx", data=data, preview=preview)
    return {
        "code": code,
        "year": "2024",
        "fiscal_year": "2024",
        "month": "4",
        "goal": "1",
        "number": "1",
        "place": "ikejiri",
        "fmt": "xlsx",
        "token": token,
        "app_label": "indicators",
        "content_type_id": "1",
        "url": "nothing-here/",
        "id": "1",
    }


def _admin_object_id(endpoint: Endpoint) -> str:
    """The pk of a real object for an admin URL (admin:indicators_report_change → a Report)."""
    match = re.fullmatch(r"admin:([a-z]+)_(\w+)_(?:change|delete|history|password_change)", endpoint.name)
    if match is None:
        return "1"
    first = apps.get_model(*match.groups())._default_manager.order_by("pk").first()
    return str(first.pk) if first else "1"


@pytest.fixture
def role_users(users_by_role):
    superuser = get_user_model().objects.create_superuser("root", "root@example.jp", "pw")
    users = {**users_by_role, "superuser": superuser}
    users.pop("other_entry")
    return users


# --- the walk --------------------------------------------------------------------------------------------------------


class Walk:
    def __init__(self, user):
        self.user = user
        self.client = Client(raise_request_exception=False)
        self.failures: list[str] = []
        self.requests = 0

    def login(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def get(self, url: str, query: dict | None = None):
        return self._check("GET", url, query, lambda: self.client.get(url, query))

    def post(self, url: str, data: dict):
        return self._check("POST", url, data, lambda: self.client.post(url, data))

    def _check(self, method: str, url: str, data, send):
        self.requests += 1
        response = send()
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            cause = repr(error[1])[:200] if error else response.status_code
            shown = urlencode(data)[:120] if data else ""
            self.failures.append(f"{method} {url[:120]} {shown} → {cause}")
        return response


def walk_as(user, values: dict, admin: bool) -> Walk:
    """Every endpoint of the site, or of the admin (`admin`): the superuser is a planner everywhere else."""
    walk = Walk(user)
    for endpoint in endpoints():
        if endpoint.name.startswith("admin:") == admin:
            walk.login()
            _walk_endpoint(walk, endpoint, {**values, "object_id": _admin_object_id(endpoint)})
    return walk


def _walk_endpoint(walk: Walk, endpoint: Endpoint, real: dict) -> None:
    url = endpoint.url(real)
    response = walk.get(url)
    if response.status_code == 302 and "login/" in response["Location"]:
        return  # the view is never reached: its login decorator answers every value alike
    for param in endpoint.params:
        for value in ODD:
            walk.get(endpoint.url({**real, param: value}))
    if response.status_code == 403:
        return  # refused before any value is read (planner_required, the admin's permissions)
    page = read_page(url, response)
    _odd_queries(walk, url, response, KNOWN_QUERY | page.query_names)
    for form in page.post_forms:
        if not form.action.endswith(SKIPPED_ACTIONS):
            _garbage_posts(walk, form)


def _odd_queries(walk: Walk, url: str, response, names: set[str]) -> None:
    for value in ODD_QUERY:
        walk.get(url, dict.fromkeys(names, value))
    if not response.get("Content-Type", "").startswith("text/html"):
        for value in ODD_QUERY[:3:2]:
            walk.get(url, {**dict.fromkeys(names, value), "format": "csv"})  # a download goes on to its year


def _garbage_posts(walk: Walk, form: Form) -> None:
    for value in ODD_POST:
        data = {**form.hidden, **dict.fromkeys(form.fields, value)}
        data.update({name: SimpleUploadedFile("x.xlsx", value.encode()) for name in form.files})
        walk.post(form.action, data)
        walk.login()  # a garbage POST may log the client out (a deleted user, a changed password)


@pytest.mark.parametrize(
    ("role", "admin", "least"),
    [
        ("anonymous", False, 40),
        ("entry", False, 350),
        ("approver", False, 350),
        ("viewer", False, 350),
        ("planner", False, 500),
        ("anonymous", True, 100),
        ("planner", True, 100),  # the admin is for staff: a planner without is_staff is sent to its login
        ("superuser", True, 2000),
    ],
)
def test_no_url_or_value_gives_a_server_error(role_users, real_values, role, admin, least):
    with time_machine.travel(TODAY, tick=False):
        walk = walk_as(role_users[role], real_values, admin)
    assert walk.requests >= least
    assert not walk.failures, f"{len(walk.failures)} of {walk.requests} requests failed:\n" + "\n".join(
        walk.failures[:40]
    )


# --- the list of query parameters is complete -----------------------------------------------------------------------


def _query_names_in_source() -> set[str]:
    """Names read from request.GET anywhere in the project: .get("x"), ["x"], "x" in request.GET."""
    found = set()
    for package in ("setagaya_plan", "measures", "indicators", "consultations"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _is_request_get(getattr(node.func, "value", None)):
                    found.update(arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant))
                elif isinstance(node, ast.Subscript) and _is_request_get(node.value):
                    found.update([node.slice.value] if isinstance(node.slice, ast.Constant) else [])
                elif isinstance(node, ast.Compare) and any(_is_request_get(c) for c in node.comparators):
                    found.update([node.left.value] if isinstance(node.left, ast.Constant) else [])
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in REQUEST_READERS:
                    # year_from_request(request, name="…"), month_from_request(…): "year", "month" unless named
                    names = [k.value.value for k in node.keywords if k.arg == "name"]
                    found.update(names or [REQUEST_READERS[node.func.id]])
    return found


REQUEST_READERS = {"year_from_request": "year", "month_from_request": "month"}


def _is_request_get(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "GET"


def test_every_query_parameter_the_source_reads_is_walked():
    assert _query_names_in_source() <= KNOWN_QUERY

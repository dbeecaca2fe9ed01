"""Operations: /healthz for the load balancer, the page users see while the database is away, and the log."""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from setagaya_plan.lib.request_log import RequestContextFilter

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k3-" + "x7Qz!v9" * 8, "ALLOWED_HOSTS": "plan.city.setagaya.lg.jp"}
# Nothing listens on port 9 (discard) of this machine: a PostgreSQL that does not answer.
DATABASE_DOWN = "postgres://postgres@127.0.0.1:9/setagaya_plan"


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_or_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n" and response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie: the probe leaves nothing behind
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_the_load_balancer_on_its_own_address_over_plain_http(settings):
    settings.ALLOWED_HOSTS = ["plan.city.setagaya.lg.jp"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/healthz", HTTP_HOST="10.20.30.41:8000")
    assert response.status_code == 200
    # Every other page still refuses the unknown host and redirects to HTTPS.
    assert client.get("/", HTTP_HOST="10.20.30.41:8000").status_code == 400
    assert client.get("/", HTTP_HOST="plan.city.setagaya.lg.jp")["Location"].startswith("https://")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """Production serves hashed static files (manifest storage): collect them once, as the deployment does."""
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, "STATIC_ROOT": str(root)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return root


def run_requests_without_database(static_root: Path, code: str) -> subprocess.CompletedProcess:
    """The app with production settings and a database that does not answer, requests sent by Django's Client."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False, HTTP_HOST='plan.city.setagaya.lg.jp')\n" + code
    )
    environment = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(static_root), "DATABASE_URL": DATABASE_DOWN}
    environment["DJANGO_SETTINGS_MODULE"] = "setagaya_plan.settings"
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_healthz_says_unavailable_when_the_database_does_not_answer(collected_static):
    result = run_requests_without_database(
        collected_static, "r = client.get('/healthz'); print(r.status_code, r.content.decode().strip())"
    )
    assert result.stdout.split() == ["503", "unavailable"], result.stderr
    assert "Health check: the database does not answer (OperationalError" in result.stderr


def test_users_get_a_japanese_come_back_later_page_and_the_log_one_line(collected_static):
    result = run_requests_without_database(
        collected_static,
        "client.cookies['sessionid'] = 'a-logged-in-users-session'\n"  # reading it needs the database
        "r = client.get('/progress/', secure=True)\n"
        "print(r.status_code, r['Retry-After'], 'CSP' if 'Content-Security-Policy' in r else '-')\n"
        "print(r.content.decode())",
    )
    status, retry_after, csp = result.stdout.splitlines()[0].split()
    page = "\n".join(result.stdout.splitlines()[1:])
    assert (status, retry_after, csp) == ("503", "30", "CSP"), result.stderr
    assert "ただいまデータベースに接続できません" in page and "しばらくしてからもう一度お試しください" in page
    assert "/static/css/app." in page  # the hashed stylesheet: the page looks like the app
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "ERROR django.request [?] Service Unavailable: /progress/ (OperationalError:" in lines[0]


@pytest.fixture
def log_output():
    """What the console handler of settings.LOGGING prints (stderr in production)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_refused_request_is_one_line_with_the_user_and_no_traceback(log_output, entry_user):
    client = Client()
    client.force_login(entry_user)
    assert client.get(reverse("entry:fiscal_years")).status_code == 403
    assert client.get("/entry/NO-SUCH-CODE/2024/").status_code == 404
    lines = log_output.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert "WARNING django.request [staff_a] Forbidden (Permission denied): /entry/years/" in lines[0]
    assert "WARNING django.request [staff_a] Not Found: /entry/NO-SUCH-CODE/2024/" in lines[1]


@pytest.mark.django_db
def test_a_csrf_failure_is_one_line_naming_the_user(log_output, entry_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(entry_user)
    assert client.post(reverse("logout")).status_code == 403
    lines = log_output.getvalue().splitlines()
    assert len(lines) == 1 and "WARNING django.security.csrf [staff_a] Forbidden (CSRF" in lines[0]


def test_a_failure_of_the_app_itself_keeps_its_traceback_for_the_developer():
    try:
        raise KeyError("series")
    except KeyError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, "", 0, "Internal Server Error: %s", ("/x",), sys.exc_info()
        )
    record.request = None  # as when the request object could not be built
    record.status_code = 500
    assert RequestContextFilter().filter(record) and record.exc_info is not None and record.user == "-"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_runserver_prints_its_watcher_line_once():
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--skip-checks", f"127.0.0.1:{_free_port()}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        output = ""
        while time.monotonic() < deadline and "Quit the server with" not in output:
            output += process.stdout.readline()
        time.sleep(1)  # anything printed twice would follow at once
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output += process.communicate(timeout=10)[0]
    assert output.count("Watching for file changes with StatReloader") == 1, output


def test_connections_are_checked_before_reuse():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_worker_freezes_what_it_loaded_out_of_the_garbage_collector():
    """setagaya_plan.wsgi: what Django loaded lives as long as the worker; full collections skip it (no pauses of
    tens of milliseconds on the request that triggers one)."""
    code = "import gc, setagaya_plan.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "setagaya_plan.settings"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000

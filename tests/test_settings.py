"""Production settings fail loudly; development needs none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    code = "import setagaya_plan.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_development_needs_no_configuration():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set when DEBUG is off"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"DATABASE_CONN_MAX_AGE": "forever"}, "DATABASE_CONN_MAX_AGE must be an integer"),
    ],
)
def test_bad_or_missing_production_settings_fail_loudly(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_with_postgres_url():
    result = load_settings(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="plan.city.setagaya.lg.jp",
        DATABASE_URL="postgres://plan@db.internal:5432/plan",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "['plan.city.setagaya.lg.jp']", "django.db.backends.postgresql"]


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k3-" + "x7Qz!v9" * 8, "ALLOWED_HOSTS": "plan.city.setagaya.lg.jp"}


# Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser/conftest.py): a deployment never has it.
NOT_INHERITED = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_deploy_check_has_no_warnings_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_still_passes_behind_a_tls_terminating_proxy():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr


def test_deploy_check_names_what_a_switched_off_https_setting_leaves_open():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0", **PRODUCTION)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def settings_values(names: list[str], **env) -> dict:
    code = (
        "import json, setagaya_plan.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_https_only_with_a_working_day_session():
    values = settings_values(
        [
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "SESSION_SAVE_EVERY_REQUEST",
            "DATABASES",
        ],
        DATABASE_URL="postgres://plan@db.internal:5432/plan",
        **PRODUCTION,
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # trusting a header is a decision for the deployment
    assert values["SESSION_COOKIE_AGE"] == 9 * 3600
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["SESSION_SAVE_EVERY_REQUEST"] is True
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_development_is_plain_http():
    values = settings_values(["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"])
    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}


def test_the_deployment_sets_proxy_header_session_and_lockout():
    values = settings_values(
        [
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "AXES_FAILURE_LIMIT",
            "LOGIN_CLIENT_FAILURE_LIMIT",
            "AXES_COOLOFF_TIME",
            "AXES_IPWARE_META_PRECEDENCE_ORDER",
            "AXES_IPWARE_PROXY_COUNT",
        ],
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        SECURE_SSL_REDIRECT="0",
        SESSION_IDLE_MINUTES="60",
        SESSION_EXPIRE_AT_BROWSER_CLOSE="0",
        LOGIN_FAILURE_LIMIT="5",
        LOGIN_CLIENT_FAILURE_LIMIT="50",
        LOGIN_LOCKOUT_MINUTES="15",
        LOGIN_PROXY_COUNT="2",
        **PRODUCTION,
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_AGE": 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": False,
        "AXES_FAILURE_LIMIT": 5,
        "LOGIN_CLIENT_FAILURE_LIMIT": 50,
        "AXES_COOLOFF_TIME": "0:15:00",
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR"],
        "AXES_IPWARE_PROXY_COUNT": 1,
    }


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
            "SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https'",
        ),
        ({"SECURE_PROXY_SSL_HEADER": "X Forwarded: https"}, "SECURE_PROXY_SSL_HEADER must look like"),
        ({"SECURE_SSL_REDIRECT": "ja"}, "SECURE_SSL_REDIRECT must be a boolean"),
        ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS must be at least 0"),
        ({"SESSION_IDLE_MINUTES": "9h"}, "SESSION_IDLE_MINUTES must be an integer"),
        ({"SESSION_IDLE_MINUTES": "1"}, "SESSION_IDLE_MINUTES must be at least 5"),
        ({"SESSION_EXPIRE_AT_BROWSER_CLOSE": "2"}, "SESSION_EXPIRE_AT_BROWSER_CLOSE must be a boolean"),
        ({"LOGIN_FAILURE_LIMIT": "1"}, "LOGIN_FAILURE_LIMIT must be at least 3"),
        (
            {"LOGIN_FAILURE_LIMIT": "20", "LOGIN_CLIENT_FAILURE_LIMIT": "10"},
            "LOGIN_CLIENT_FAILURE_LIMIT must be at least 20",
        ),
        ({"LOGIN_LOCKOUT_MINUTES": "0"}, "LOGIN_LOCKOUT_MINUTES must be at least 1"),
        ({"LOGIN_PROXY_COUNT": "one"}, "LOGIN_PROXY_COUNT must be an integer"),
        ({"PASSWORD_MIN_LENGTH": "6"}, "PASSWORD_MIN_LENGTH must be at least 8"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ({"DATABASE_URL": "postgress://plan@db/plan"}, "DATABASE_URL cannot be read: Scheme 'postgress://' is unknown"),
        ({"DATABASE_URL": "mysql://plan@db/plan"}, "DATABASE_URL must be a postgres:// or sqlite:// URL"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be an integer"),
    ],
)
def test_bad_deployment_values_fail_loudly(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr

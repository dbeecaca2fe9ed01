"""Settings for setagaya-plan, read from the environment.

Development needs no configuration: DEBUG is on, the database is SQLite in var/. Production (DEBUG=0) refuses to
start without SECRET_KEY and ALLOWED_HOSTS, so a forgotten variable fails loudly instead of running insecurely.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_header(name: str) -> tuple[str, str] | None:
    """A request header and the value that marks it, written as `X-Forwarded-Proto: https` (None when unset).

    Returned in Django's request.META spelling, as SECURE_PROXY_SSL_HEADER wants it.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, colon, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not colon or not value or not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https', got {raw!r}")
    return "HTTP_" + header.upper().replace("-", "_"), value


def env_required_in_production(name: str, development_default: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_required_in_production("SECRET_KEY", "development-only-not-secret")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "setagaya_plan.core.apps.AdminConfig",  # django.contrib.admin with the project's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "import_export",
    "axes",
    "csp",
    "measures",
    "setagaya_plan.core",
    "indicators",
    "consultations",
    "setagaya_plan.accounts",
    "setagaya_plan.operations",
]

MIDDLEWARE = [
    # First: the load balancer's probe is answered before host checks, HTTPS redirects and sessions.
    "setagaya_plan.operations.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "setagaya_plan.core.middleware.RefuseNulMiddleware",  # 400 for %00 anywhere, before any view or query
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "setagaya_plan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "setagaya_plan.core.context_processors.plan_period",
            ],
        },
    },
]

WSGI_APPLICATION = "setagaya_plan.wsgi.application"


# SQLite in var/ needs no set-up; production sets DATABASE_URL=postgres://… (one PostgreSQL behind several
# stateless app servers). conn_max_age keeps connections open between requests under gunicorn.
def env_database(name: str, default: str) -> dict:
    """DATABASE_URL for PostgreSQL or SQLite, the two engines the app (and its backup command) supports."""
    try:
        database = dj_database_url.config(
            name,
            default=default,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    except ValueError as error:  # dj-database-url's UnknownSchemeError included
        raise ImproperlyConfigured(f"{name} cannot be read: {error}") from None
    if database["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:// URL, got engine {database['ENGINE']}")
    return database


DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AxesStandaloneBackend first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Shared by every app server through the one database, so that state kept between requests (an uploaded
# workbook waiting for confirmation) survives a request landing on another server. `manage.py createcachetable`.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "setagaya_plan_cache",
    }
}

# The read-only public progress site (approved data only): off unless the ward turns it on.
PUBLIC_SITE_ENABLED = env_bool("PUBLIC_SITE_ENABLED", False)

# Separation of duties: nobody approves a report or a month of counts that they entered or submitted. A ward with
# one-person sections may allow it; such approvals are then marked 自己承認 in the audit trail (docs/entry.md).
ALLOW_SELF_APPROVAL = env_bool("ALLOW_SELF_APPROVAL", False)

# Uploaded workbooks are checked against these limits before they are parsed.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)
# An uploaded file waiting for the planner to confirm its preview is dropped from the cache after this long.
IMPORT_PENDING_SECONDS = env_int("IMPORT_PENDING_SECONDS", 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # each role lands on its own work (measures.views.landing)
LOGOUT_REDIRECT_URL = "login"

# A working day: the session ends when the browser closes, and on the server after SESSION_IDLE_MINUTES
# without a request (every request moves the expiry on, so only idleness ends a session). `clearsessions`
# removes the expired ones (docs/deploy.md).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 9 * 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# HTTPS: on by default in production. Behind a proxy that terminates TLS, SECURE_PROXY_SSL_HEADER names the
# header by which the proxy says the browser used HTTPS ("X-Forwarded-Proto: https"); only set it when the
# proxy overwrites that header on every request (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response, the admin included: only this server's own files, no inline
# script or style, no other origin (the ward's network has no internet; nothing is ever loaded from outside).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Login protection (django-axes), on /login/ and /admin/login/ alike. An account is locked after
# LOGIN_FAILURE_LIMIT failed passwords from anywhere (an attacker cannot get round it by changing address);
# a client address after LOGIN_CLIENT_FAILURE_LIMIT failures across all accounts (password spraying). The
# address limit is high because a whole ward office reaches the server from one NAT address: a low limit
# there would lock everybody out for one person's typing. Both locks end after LOGIN_LOCKOUT_MINUTES, or
# earlier when a planner unlocks (実績入力 › ログインの停止) or `manage.py axes_reset_username NAME` is run.
AXES_HANDLER = "setagaya_plan.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "setagaya_plan.accounts.lockout.lockout_username"  # cut to the column: no 500 on a long name
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=3)
# axes.W006 warns that without "ip_address" here an attacker could dodge the lock by changing browser or
# cookies. Not so here: the account count takes every failure of the user name whatever the browser or address,
# and the handler adds the address limit (tests/test_login_lockout.py tries both).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_CLIENT_FAILURE_LIMIT = env_int("LOGIN_CLIENT_FAILURE_LIMIT", 100, minimum=AXES_FAILURE_LIMIT)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# Tries while locked do not move the end of the lock: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "setagaya_plan.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# The client address (django-ipware): REMOTE_ADDR, unless LOGIN_PROXY_COUNT says how many proxies of the ward
# stand in front of gunicorn, each adding the address it received from to X-Forwarded-For. Then the address is
# read that many places from the right of X-Forwarded-For — what the outermost proxy saw — so anything a browser
# writes into the header itself lies further left and is ignored (docs/deploy.md).
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0, minimum=0)
if LOGIN_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = LOGIN_PROXY_COUNT - 1  # ipware counts the proxies listed in the header
    IPWARE_STRICT = False  # a longer header (addresses the browser wrote) is expected, not an error
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "setagaya-plan@localhost")
# The ward's mail relay for reminders (SMTP backend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Planners export the plan to Excel; escape formula-like cells in admin exports as well.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# One line per event on stderr (gunicorn and systemd collect it), each naming the user; request errors without
# duplicate lines or tracebacks for refusals (setagaya_plan.lib.request_log). Django's own "django" handler is
# replaced so nothing is printed twice; runserver's access lines keep their format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "setagaya_plan.lib.request_log.RequestContextFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(user)s] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["request_context"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # django-axes reports every step at INFO; its warnings (a failed login, a lockout) are what matters.
        "axes": {"handlers": [], "level": "WARNING", "propagate": True},
    },
}

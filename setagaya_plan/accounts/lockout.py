"""Login lockout (django-axes) with two limits, and the locks in force for the planners' unlock page.

django-axes counts failed logins in AccessAttempt rows (one per user name × address × browser) and compares one
count with one limit. The ward needs two (settings.py explains the numbers):

- an account: AXES_FAILURE_LIMIT failures for a user name from anywhere (AXES_LOCKOUT_PARAMETERS = ["username"]),
  so an attacker cannot get round the lock by changing address;
- a client address: LOGIN_CLIENT_FAILURE_LIMIT failures across all user names (password spraying), high enough
  that one office behind one NAT address is not locked out by its staff's typing.

The handler adds the second check to axes' own; everything else (recording, cool-off, reset commands, the admin
of attempts) stays django-axes'. The lockout page says the same whatever user name was typed, so it never tells
whether an account exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger(__name__)


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._client_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self._client_locked(request):
            log.warning("Login locked for client address %s after repeated failures", request.axes_ip_address)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def _client_locked(self, request) -> bool:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return False
        failures = (
            AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
        )
        return failures >= settings.LOGIN_CLIENT_FAILURE_LIMIT


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The user name django-axes counts (AXES_USERNAME_CALLABLE): the one typed, cut to the length its column holds.

    Django's login form does not refuse a long user name before authenticating, and axes would store it as typed:
    300 characters answered HTTP 500 on PostgreSQL (varchar(255)). No account has a name that long (150 at most),
    so the cut never joins two real accounts' counts.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    return str(username)[: AccessAttempt._meta.get_field("username").max_length]


def lockout_response(request, original_response=None, credentials=None):
    """The page for a refused login (AXES_LOCKOUT_CALLABLE): status 429, the same text for every user name."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@dataclass(frozen=True)
class Lock:
    """A lock in force: of a user name (kind "username") or of a client address (kind "ip_address")."""

    kind: str
    value: str
    failures: int
    until: datetime

    @property
    def kind_label(self) -> str:
        return "ユーザー名" if self.kind == "username" else "接続元アドレス"


def locks_in_force(now: datetime | None = None) -> list[Lock]:
    """Every user name and address locked right now, the latest lock first."""
    cool_off: timedelta = get_cool_off()
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    limits = {"username": settings.AXES_FAILURE_LIMIT, "ip_address": settings.LOGIN_CLIENT_FAILURE_LIMIT}
    locks = []
    for kind, limit in limits.items():
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        locks += [Lock(kind, row[kind], row["failures"], row["last"] + cool_off) for row in rows]
    return sorted(locks, key=lambda lock: lock.until, reverse=True)

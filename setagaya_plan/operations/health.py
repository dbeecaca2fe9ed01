"""/healthz for the load balancer: 200 "ok" when the database answers, 503 when it does not. No login, no data.

A middleware placed first in MIDDLEWARE rather than a view, because the probe must work as the load balancer
sends it: to the server's own address (not one of ALLOWED_HOSTS), over plain HTTP (no HTTPS redirect), and
without creating a session. Nothing but the word "ok" or "unavailable" is ever returned.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse

PATH = "/healthz"

log = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        log.warning("Health check: the database does not answer (%s: %s)", type(error).__name__, error)
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        if database_answers():
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response

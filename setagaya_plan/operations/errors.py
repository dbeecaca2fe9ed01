"""The 500 handler: a database that does not answer gets the 503 page, anything else the 500 page.

During a PostgreSQL restart or fail-over requests fail for a few seconds. Users then see "しばらくしてから
もう一度…" with status 503 and Retry-After, instead of a generic error. Neither page touches the database (no
session, no user, no context processors), because that is what just failed.
"""

from __future__ import annotations

import sys

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from setagaya_plan.lib.request_log import DATABASE_UNAVAILABLE

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return HttpResponseServerError(loader.get_template("500.html").render())

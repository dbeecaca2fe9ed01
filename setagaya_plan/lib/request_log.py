"""One log line per request error, naming the user: a filter for the console handler (settings.LOGGING).

Django logs a refused or failed request on `django.request` / `django.security.*` with the request attached.
This filter adds `record.user` (the login name, or "-" for anonymous requests and lines without a request) so
that the operator can tell whose action failed, and keeps a line a line:

- 4xx (403 for a missing role, 404): no traceback — the refusal is the expected answer, its line is enough.
- the database not answering: the error's first line instead of a traceback, because during a restart every
  request fails the same way and hundreds of identical tracebacks would bury the one line that matters.
- other 5xx keep their traceback: that is a bug to fix.
- a request that fails again on its way out (its session cannot be saved either) adds no second line.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.user = _username(request)
        status = getattr(record, "status_code", None)
        if request is None or status is None:
            return True
        if getattr(request, "_error_logged", False):
            # The same request failing again on its way out (the session cannot be saved either when the
            # database is away): its line is already written.
            return False
        request._error_logged = True
        error = record.exc_info[1] if record.exc_info else None
        if status < 500:
            _drop_traceback(record)
        elif isinstance(error, DATABASE_UNAVAILABLE):
            summary = str(error).strip().splitlines()[0] if str(error).strip() else ""
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {summary})"
            record.args = ()
            _drop_traceback(record)
        return True


def _drop_traceback(record: logging.LogRecord) -> None:
    record.exc_info = None
    record.exc_text = None


def _username(request) -> str:
    if request is None or not hasattr(request, "user"):
        return "-"
    try:
        user = request.user
        return user.get_username() if user.is_authenticated else "-"
    except (DatabaseError, InterfaceError):
        # The user is read from the session in the database; when that is what failed, say so.
        return "?"

"""The whole-plan progress workbook of a large plan, prepared in the background and kept in the database.

Why this way (docs/performance.md): the ward runs several stateless app servers behind one PostgreSQL and no other
service — no task queue, no shared disk. A workbook of a plan a hundred times the real one takes longer to write
than a web worker may be held (a few seconds), and streaming it would hold the worker just as long. So:

* a small plan (up to `DIRECT_ROWS` printed rows, five times the real plan) gets its workbook in the
  request, as before;
* a larger one is prepared by a thread of the app server that was asked first; its progress (推進施策 done of all)
  and then the file live in the shared database cache (the same table as pending uploads), so any server answers
  the next request. The request itself returns at once with a page that shows the progress and asks again every
  few seconds; once the file is ready that request downloads it.
* A workbook belongs to a state of the data: the key holds the year, the day (grades depend on the date) and the
  newest audit entry — every change of plan data, actuals or grading settings writes one — so a change starts a
  fresh preparation and nobody downloads a stale report.
* A preparation beats in the cache at each step (loading, summary, list, each 推進施策). One whose server went away
  (restart, crash) stops beating; after `STALE_SECONDS` the next request starts it again with a new token, and
  should the old thread still be alive it stops at its next beat. `cache.add` lets only one request start it.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Max

from indicators.models import Indicator, Relisting
from indicators.progress.report_xlsx import progress_workbook
from setagaya_plan.core.models import AuditEntry

logger = logging.getLogger(__name__)

DIRECT_ROWS = 500  # printed rows (indicators and 【再掲】) whose workbook is written within the request
STALE_SECONDS = 120  # a preparation that has not reported for this long is started again
KEEP_SECONDS = 3600  # a prepared workbook is kept for an hour (unless the data changes first)
FAILED_SECONDS = 60  # a failure is shown this long; the next request after it tries again
PREFIX = "progress:workbook:"


@dataclass
class Preparation:
    state: str  # running, ready, failed
    done: int = 0
    total: int = 0
    beat: float = 0.0
    token: str = ""  # which preparation: one started again makes the earlier one stop at its next beat

    @property
    def stale(self) -> bool:
        return self.state == "running" and time.time() - self.beat > STALE_SECONDS

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def printed_rows() -> int:
    return Indicator.objects.count() + Relisting.objects.count()


def is_large() -> bool:
    return printed_rows() > DIRECT_ROWS


def workbook_key(year: int, today: datetime.date) -> str:
    latest = AuditEntry.objects.aggregate(latest=Max("pk"))["latest"] or 0
    return f"{PREFIX}{year}:{today:%Y%m%d}:{latest}"


def status(key: str) -> Preparation | None:
    """What the cache says of a preparation (None: never started, or expired)."""
    found = cache.get(key)
    return Preparation(**found) if found else None


def prepared_file(key: str) -> bytes | None:
    return cache.get(key + ":file")


def request_workbook(year: int, today: datetime.date) -> tuple[Preparation, bytes | None]:
    """The year's workbook for today's data when it is ready; else its preparation, started (once, after the
    request's transaction) when there is none, it went stale or its file was culled."""
    key = workbook_key(year, today)
    found = status(key)
    if found is not None and found.state == "ready":
        data = prepared_file(key)
        if data is not None:
            return found, data
    elif found is not None and (found.state == "failed" or not found.stale):
        return found, None  # running, or failed a moment ago (kept for FAILED_SECONDS, then tried again)
    started = Preparation("running", beat=time.time(), token=secrets.token_hex(8))
    if found is None:
        if not cache.add(key, asdict(started), KEEP_SECONDS):
            return status(key) or started, None  # another request started it a moment ago
    else:
        cache.set(key, asdict(started), KEEP_SECONDS)
    transaction.on_commit(lambda: start(key, year, today, started.token))
    return started, None


def start(key: str, year: int, today: datetime.date, token: str) -> threading.Thread:
    thread = threading.Thread(target=prepare, args=(key, year, today, token), name=f"workbook {year}", daemon=True)
    thread.start()
    return thread


class Superseded(Exception):
    """This preparation was given up as stale and started again elsewhere: stop, do not compete for the CPU."""


def prepare(key: str, year: int, today: datetime.date, token: str) -> None:
    """Write the workbook, beating in the cache at each step and after each 推進施策; runs in its own thread (and
    database connection)."""

    def beat(done: int, total: int) -> None:
        current = status(key)
        if current is None or current.token != token:
            raise Superseded
        cache.set(key, asdict(Preparation("running", done, total, time.time(), token)), KEEP_SECONDS)

    try:
        data = progress_workbook(year, today=today, progress=beat)
        if (status(key) or Preparation("")).token == token:
            cache.set(key + ":file", data, KEEP_SECONDS)
            cache.set(key, asdict(Preparation("ready", 1, 1, time.time(), token)), KEEP_SECONDS)
    except Superseded:
        logger.info("the progress workbook of %s is prepared by a later request", year)
    except Exception:
        logger.exception("preparing the progress workbook of %s failed", year)
        cache.set(key, asdict(Preparation("failed", beat=time.time(), token=token)), FAILED_SECONDS)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()

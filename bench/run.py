"""The benchmark: the plan at 1×, 10× and 100×, each page over HTTP against gunicorn, the import, and a load.

    .venv/bin/python -m bench.run                                   # SQLite file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench .venv/bin/python -m bench.run   # creates, then drops it
    .venv/bin/python -m bench.run --scales 1,10 --seconds 10        # quicker

Everything happens in a throw-away database: an SQLite file in a temporary directory, or — when DATABASE_URL
names a PostgreSQL database — that database, which the bench creates (it refuses one that exists) and drops at the
end. It migrates, loads the plan, approves every third indicator's 令和6年度 actual through the workflow, starts
gunicorn (3 workers) on 127.0.0.1 with production settings (DEBUG=0) and measures each page of the table of
docs/performance.md: p50 and p95 of `--runs` requests, and the ratio to the floor, the login page (an anonymous
GET) measured in the same run. The import: the dry run of the flat template with the whole plan against
openpyxl loading the same file. Then `--users` users (a fifth of them saving drafts through the entry form) for
`--seconds`, and a check that every acknowledged save is in the database. Then the plan grows to the next scale
(bench/plan_data.py copies 基本目標1 and re-lists every copy under 推進施策1 めざす姿1, so that one measure page
holds them all) and everything is measured again. Deterministic: the same plan, the same sample, the same pages.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import Client, percentile

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "setagaya_plan.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": "0",
}
YEAR = 2024  # the year whose actuals are approved and shown
SAVE_YEAR = 2025  # the year the load's writers save drafts in (no approved report there)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="plan sizes, ascending (default 1,10,100)")
    parser.add_argument("--runs", type=int, default=7, help="requests per page and scale (default 7)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each load run (default 60)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users of the load (default 50)")
    parser.add_argument("--writers", type=int, default=10, help="of them saving drafts (default 10)")
    parser.add_argument("--load-scales", default="1,10", help="scales the load runs at (default 1,10)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--pages", default="", help="only the pages whose name contains one of these (comma-separated)")
    parser.add_argument("--no-import", action="store_true", help="leave out the import's dry run")
    args = parser.parse_args(argv)
    args.scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    args.load_scales = {int(s) for s in args.load_scales.split(",") if s.strip()}
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not args.scales or args.scales[0] < 1 or args.writers > args.users:
        parser.error("scales must be ≥ 1 and writers ≤ users")
    return args


# ---- the throw-away database ------------------------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_database(temporary: Path):
    """The URL of a database that exists only for this run: created now, dropped (or deleted) afterwards."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{temporary / 'bench.sqlite3'}"
        return
    import psycopg

    url = urllib.parse.urlsplit(given)
    name = url.path.lstrip("/")
    admin = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            raise SystemExit(f"database {name!r} exists: the bench only uses a database it creates. Name another.")
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield given
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---- the server -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict, workers: int):
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "setagaya_plan.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        client = Client("127.0.0.1", port)
        for _ in range(300):
            try:
                if client.get("/healthz").status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


# ---- what is measured -------------------------------------------------------------------------------------------


@dataclass
class Measured:
    name: str
    timings: list[float]
    rows: int | None = None  # rows shown, where a page shows the plan's rows
    size: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return percentile(self.timings, 0.95)


@dataclass
class ScaleResult:
    scale: int
    indicators: int
    pages: list[Measured] = field(default_factory=list)
    floor: Measured | None = None
    import_ms: float = 0.0
    openpyxl_ms: float = 0.0
    import_rows: int = 0
    regrade_ms: float = 0.0  # every stored grade recomputed, as a scheme or threshold change does
    load: object = None
    lost: int = 0
    acknowledged: int = 0


def main(argv=None) -> int:
    args = parse_args(argv)
    # Stopped (Ctrl-C, kill): unwind, so that gunicorn stops and the throw-away database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    temporary = Path(tempfile.mkdtemp(prefix="setagaya-bench-"))
    try:
        with throwaway_database(temporary) as url:
            env = {**os.environ, **SETTINGS, "DATABASE_URL": url, "STATIC_ROOT": str(temporary / "static")}
            os.environ.update(env)
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            from bench import measure

            results = measure.run(args, env)
            measure.print_report(results, args)
            return 0 if all(r.lost == 0 for r in results) else 1
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def time_call(function, *arguments) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*arguments)
    return (time.perf_counter() - start) * 1000, value


def stdout_quiet():
    return contextlib.redirect_stdout(io.StringIO())


if __name__ == "__main__":
    sys.exit(main())

"""The bench machinery runs: `python -m bench.run` at a tiny size (the plan and twice it, one request per page, a
two-second load) builds its throw-away database, starts gunicorn on 127.0.0.1, prints every row of its table and
checks its saves. No timing is asserted; this only keeps the command from rotting."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        # The same server, a database of the bench's own that it creates and drops.
        url = urllib.parse.urlsplit(given)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path=url.path + "_bench_tiny"))
    return env


def test_the_bench_command_runs_at_a_tiny_size():
    command = [sys.executable, "-m", "bench.run", "--scales", "1,2", "--runs", "1", "--seconds", "2"]
    command += ["--users", "3", "--writers", "1", "--load-scales", "2"]
    done = subprocess.run(command, cwd=ROOT, env=_environment(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for row in (
        "| floor: login page |",
        "| dashboard |",
        "| indicator list (first page) |",
        "| measure page holding every copy (first page) |",
        "| measure page holding every copy (last page) |",
        "| annual report HTML (first page) |",
        "| annual report xlsx |",
        "| staff's 実績入力 |",
        "| import dry run vs openpyxl load |",
        "| plan-wide regrade (in the bench process) |",
        "| 2× |",
    ):
        assert row in out, (row, out[-3000:])
    assert "| 1× | 2× |" in out

"""The load: readers and writers against a running server on 127.0.0.1 for a bounded time.

Readers walk the progress pages (seeded, so two runs ask the same pages); writers save drafts of their own
indicator through the entry form (GET the form, POST 保存（下書き）), each save with a new value. A save answered
with a redirect is acknowledged; bench.run then checks that the database holds each writer's last acknowledged
value and at least as many audited saves as were acknowledged.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.client import Client, form_inputs, percentile


@dataclass
class Writer:
    cookies: dict[str, str]
    path: str  # /entry/<code>/<year>/
    code: str
    field: str  # the form field of the indicator's actual (actual_<series pk>)
    acknowledged: list[int] = field(default_factory=list)


@dataclass
class LoadResult:
    seconds: float
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, kind: str, share: float) -> float:
        return percentile(self.timings[kind], share)


def _reader(port: int, cookies: dict, paths: list[str], seed: int, stop: float, result: LoadResult, lock) -> None:
    client = Client("127.0.0.1", port, cookies=dict(cookies))
    chooser = random.Random(seed)
    while time.monotonic() < stop:
        kind, path = chooser.choice(paths)
        try:
            answer = client.get(path)
            ok = answer.status == 200
            error = "" if ok else f"GET {path} → {answer.status}"
        except OSError as exc:
            answer, error = None, f"GET {path} → {exc}"
        with lock:
            result.requests += 1
            if error:
                result.errors.append(error)
            else:
                result.timings[kind].append(answer.ms)


def _writer(port: int, writer: Writer, seed: int, stop: float, result: LoadResult, lock) -> None:
    client = Client("127.0.0.1", port, cookies=dict(writer.cookies))
    value = seed
    while time.monotonic() < stop:
        value = value % 97 + 1  # a new value each save, valid for counts and percentages alike
        error = ""
        try:
            page = client.get(writer.path)
            if page.status != 200:
                error = f"GET {writer.path} → {page.status}"
            else:
                data = form_inputs(page.body.decode())
                # A comment confirms a value far from the target (the form asks for one, as it would of a person).
                data.update({"action": "save", writer.field: str(value), "comment": "負荷試験の保存"})
                saved = client.post(writer.path, data)
                if saved.status == 302:
                    writer.acknowledged.append(value)
                else:
                    error = f"POST {writer.path} → {saved.status}"
        except OSError as exc:
            error = f"{writer.path} → {exc}"
        with lock:
            result.requests += 2
            if error:
                result.errors.append(error)
            else:
                result.timings["save (GET + POST)"].append(page.ms + saved.ms)


def run_load(port: int, reader_cookies: dict, paths: list[tuple[str, str]], writers: list[Writer], *, readers: int,
             seconds: float) -> LoadResult:  # fmt: skip
    """`readers` threads reading `paths` and one thread per writer, for `seconds`; returns what they saw."""
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_reader, args=(port, reader_cookies, paths, seed, stop, result, lock))
        for seed in range(readers)
    ] + [
        threading.Thread(target=_writer, args=(port, writer, seed, stop, result, lock))
        for seed, writer in enumerate(writers, start=1)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The last requests finish after `stop`: throughput is over the time really taken.
    result.seconds = time.monotonic() - started
    return result

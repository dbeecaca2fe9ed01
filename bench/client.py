"""A tiny HTTP client for the bench: 127.0.0.1 only, one cookie jar per user, timings in milliseconds.

The standard library only (http.client), so the bench needs nothing the app does not already install. Redirects
are not followed: a save answered with 302 is an acknowledged save.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field

LOCAL_HOSTS = ("127.0.0.1",)
INPUT = re.compile(r"<input[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    ms: float


@dataclass
class Client:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120.0

    def __post_init__(self):
        if self.host not in LOCAL_HOSTS:
            raise ValueError(f"the bench talks to 127.0.0.1 only, not {self.host!r}")

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "setagaya-plan-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        ms = (time.perf_counter() - start) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, content, {k.lower(): v for k, v in response.getheaders()}, ms)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)


def form_inputs(html: str) -> dict[str, str]:
    """name → value of every <input> of a page (hidden fields, the CSRF token, typed values)."""
    found = {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes and attributes.get("type") not in ("submit", "button", "checkbox", "radio"):
            found[attributes["name"]] = attributes.get("value", "")
    return found


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p50, p95) of a few samples."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]

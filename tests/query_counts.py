"""The number of SQL queries each page answers with, for tests that pin them and compare plans of two sizes."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_per_page(client, urls: dict[str, str]) -> dict[str, int]:
    """GET each named URL (each must answer 200) and count its queries."""
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts

"""A 推進施策's printed rows in pages, for the measure page and the annual report.

The real plan prints at most a few dozen indicators under one 推進施策, and its pages show them all. A plan that has
grown — or a 推進施策 under which thousands of indicators are re-listed, as bench/ builds one — would make a page of
megabytes that holds a web worker for a minute. So a 推進施策 with more than `PAGE_ROWS` printed rows (its own
indicators and its 【再掲】) is shown a window of rows at a time, in printed order: めざす姿 by めざす姿, 行動量 then
成果指標, in each table by position.

The window is chosen from the rows' keys (one `values_list` query, no model instances), and only the indicators
in it are loaded and graded, so a page costs the rows it shows whatever the size of its 推進施策.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.paginator import Paginator
from django.db.models import Value

from indicators.models import Indicator, Relisting
from indicators.progress.tables import Placement
from measures.models import Measure

T = TypeVar("T")
P = TypeVar("P")

# Indicator rows (own and 【再掲】) per screen page: the whole real plan (about 100) fits on one.
PAGE_ROWS = 250


@dataclass(frozen=True)
class RowKey:
    """One printed row of a 推進施策: an indicator in a めざす姿, its own place or a 【再掲】."""

    vision_id: int
    vision_number: int
    kind: str
    position: int
    indicator_id: int
    relisted: bool

    @property
    def place(self) -> tuple[int, int, bool]:
        return (self.vision_id, self.indicator_id, self.relisted)


def row_keys(measure: Measure) -> list[RowKey]:
    """Every printed row of a 推進施策 in printed order (the order `placements_by_vision` gives in each めざす姿)."""
    own = Indicator.objects.filter(vision__measure=measure).values_list(
        "vision_id", "vision__number", "kind", "position", "pk", Value(False)
    )
    relisted = Relisting.objects.filter(vision__measure=measure).values_list(
        "vision_id", "vision__number", "indicator__kind", "position", "indicator_id", Value(True)
    )
    keys = [RowKey(*row[:5], relisted=bool(row[5])) for row in own.order_by().union(relisted.order_by(), all=True)]
    keys.sort(key=lambda key: (key.vision_number, key.kind, key.position))
    return keys


@dataclass(frozen=True)
class Window:
    """The rows one page shows of a 推進施策 (None: all of its rows, a page that is not cut) and where the page
    stands among its pages: what the measure page and the report both ask of a window."""

    keys: list[RowKey] | None
    first_page: bool = True
    last_page: bool = True

    @property
    def indicator_ids(self) -> set[int]:
        return {key.indicator_id for key in self.keys or []}

    def placements(self, by_vision: dict[int, list[Placement]]) -> dict[int, list[Placement]]:
        """The window's rows of `placements_by_vision` over the indicators loaded for it: an indicator loaded for
        one row is not printed again where it has another row outside the window."""
        if self.keys is None:
            return by_vision
        wanted = {key.place for key in self.keys}
        return {
            vision_id: kept
            for vision_id, placements in by_vision.items()
            if (kept := [p for p in placements if (vision_id, p.indicator.pk, p.relisted) in wanted])
        }

    def shows(self, vision_number: int) -> bool:
        """Whether the page prints a めざす姿: one its rows fall in, and one without indicators on the page where it
        stands in the plan's order (the first page for one before the first row, the last page after the last)."""
        if not self.keys or (self.first_page and self.last_page):
            return True
        first, last = self.keys[0].vision_number, self.keys[-1].vision_number
        return (
            first <= vision_number <= last
            or (vision_number < first and self.first_page)
            or (vision_number > last and self.last_page)
        )

    def continues(self, vision_id: int) -> bool:
        """The page begins inside this めざす姿, which an earlier page began (printed 続き)."""
        return bool(self.keys) and not self.first_page and self.keys[0].vision_id == vision_id


def cut(items: Iterable[tuple[T, int]], page_rows: int, alone: Callable[[T], bool] = lambda item: False):
    """Items in order with their number of rows, cut into pages of about `page_rows` rows: [(items, rows), …]. An
    item is never split (one larger than a page is a page of its own), and an item `alone` says is a page alone."""
    pages: list[tuple[list[T], int]] = []
    for item, rows in items:
        last = pages[-1] if pages else None
        if last is None or alone(item) or any(alone(i) for i in last[0]) or (last[1] and last[1] + rows > page_rows):
            pages.append(([item], rows))
        else:
            pages[-1] = (last[0] + [item], last[1] + rows)
    return pages


def chosen_page(pages: list[P], value: str | None) -> P | None:
    """The page ?page= names among `pages` (each numbered from 1): anything unreadable is the first, anything
    beyond the last the last; None when there is no page at all."""
    if not pages:
        return None
    text = (value or "").strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 1
    return pages[min(max(number, 1), len(pages)) - 1]


def other_query(query) -> str:
    """The request's other query parameters (year, sort, …) for the page links, urlencoded and ending with & when
    there are any: a page link keeps what the person chose."""
    kept = query.copy()
    kept.pop("page", None)
    text = kept.urlencode()
    return f"{text}&" if text else ""


@dataclass(frozen=True)
class PageLink:
    """A page for templates/includes/page_links.html: its number and what it holds."""

    number: int
    label: str


def paginator_links(paginator: Paginator, noun: str) -> list[PageLink]:
    """「指標 101〜200／800」 for each page of a Django Paginator: which of its rows a page holds, by arithmetic."""
    per_page, count = paginator.per_page, paginator.count
    return [
        PageLink(number, f"{noun} {(number - 1) * per_page + 1:,}〜{min(number * per_page, count):,}／{count:,}")
        for number in paginator.page_range
    ]

"""Markers for target cells in the hand-written expectation tables."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Deferred:
    plan: str


class _Same:
    """A year covered by the previous year's merged cell."""

    def __repr__(self) -> str:
        return "SAME"


SAME = _Same()


def text(value: str) -> Text:
    return Text(value)


def deferred(plan: str) -> Deferred:
    return Deferred(plan)

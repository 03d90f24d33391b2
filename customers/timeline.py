"""The customer 360 timeline: every interaction with a customer, newest first.

Each app contributes with a *source*: a function ``(customer, actor, limit) -> entries`` that
reads its own records of that customer in a constant number of queries. The customers app
registers archive changes; contracts, payments, visits and complaints register theirs::

    from customers.timeline import TimelineEntry, timeline_source

    @timeline_source("visits")
    def visits_timeline(customer, actor, limit):
        return [TimelineEntry(at=v.visited_at, kind="visit", title=..., url=...) for v in ...]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

_SOURCES: dict[str, Callable] = {}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # short machine name: "archive", "contract", "payment", "visit", "complaint"
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    changes: list = field(default_factory=list)  # [(label, old, new)] for archive changes


def timeline_source(key: str):
    def register(func):
        _SOURCES[key] = func
        return func

    return register


def customer_timeline(*, customer, actor, limit: int = 100) -> list[TimelineEntry]:
    """Entries from every source, newest first. Each source reads at most ``limit`` rows."""
    entries: list[TimelineEntry] = []
    for source in _SOURCES.values():
        entries.extend(source(customer, actor, limit))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]

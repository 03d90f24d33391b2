"""What a person holds, and how it moves to a successor (seed 002: 员工调离公司时，不得带走大客户
资料 … 指派其他员工). One mechanism: each app registers a *source* for the things it
assigns to people — customers, contracts, open tasks, visit plans, complaints — and the
handover workflow (accounts.handover.services) lists and moves all of them in one transaction.

    register_source(HandoverSource(
        key="contracts", label=_("Open contracts"), order=20,
        items=lambda user: Contract.objects.filter(owner=user).exclude(status__in=CLOSED),
        move=lambda *, items, to_user, actor: move_contracts(items, to_user, actor),
    ))

``items(user)`` returns a queryset; ``move(items=..., to_user=..., actor=...)`` must re-assign
exactly those rows (inside the caller's transaction), write their history, and return how
many it moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_SOURCES: dict[str, HandoverSource] = {}


@dataclass(frozen=True)
class HandoverSource:
    key: str
    label: object  # lazy translatable string
    items: Callable  # (user) -> QuerySet
    move: Callable  # (*, items, to_user, actor) -> int
    order: int = 50
    describe: Callable = str  # (obj) -> str, for the handover package listing


def register_source(source: HandoverSource) -> HandoverSource:
    _SOURCES[source.key] = source
    return source


def sources() -> list[HandoverSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))

"""Panels of the customer page (客户360). The page shows the archive, contacts, team and the
timeline itself; every feature adds its own panel (contracts, receivables, visits, complaints,
confidential archive, ...) without touching the page template::

    register_panel(Panel(key="contracts", template="contracts/_customer_panel.html",
                         column="main", order=40, context=contracts_panel_context))

``context(request, customer)`` returns the template context, or None to hide the panel (e.g.
no permission). It must run a constant number of queries whatever the customer's size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_PANELS: dict[str, Panel] = {}


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable
    column: str = "main"  # "main" (wide, left) or "side" (narrow, right)
    order: int = 50


def register_panel(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def panels_for(request, customer) -> dict[str, list[tuple[Panel, dict]]]:
    columns: dict[str, list] = {"main": [], "side": []}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, customer)
        if context is not None:
            columns[panel.column].append((panel, context))
    return columns

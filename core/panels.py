"""Home-page panels and named slots on domain pages, contributed by the apps to the right (core
knows none of them).

An app registers `provider(request) -> dict | None` for the roles it serves, from its
AppConfig.ready(); the home view renders each provider's template with its context, in
registration order. A provider returns None to stay hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    roles: frozenset[str]
    provider: Callable


_panels: list[Panel] = []


def register_panel(*, template: str, roles: set[str] | frozenset[str], provider: Callable) -> None:
    if any(p.template == template for p in _panels):
        return
    _panels.append(Panel(template=template, roles=frozenset(roles), provider=provider))


def panels_for(request, role: str | None) -> list[tuple[str, dict]]:
    result = []
    for panel in _panels:
        if role in panel.roles:
            context = panel.provider(request)
            if context is not None:
                result.append((panel.template, context))
    return result


# --- named slots on domain pages ------------------------------------------------------------------
# A page of one app may show what an app to its right knows (the contract page shows the duties
# compliance derives from its clauses), without importing it: the page names a slot, the other
# app fills it from its AppConfig.ready(). A provider takes the page's own arguments (request,
# the object or the page's rows) and returns what the slot renders, or None to stay hidden.
#
# Slots in use:
# - "contract_detail.status": (template, context) inside the contract's status card;
# - "contract_detail.main": (template, context) below the contract's facts;
# - "contract_list.columns": ColumnSet, extra columns of the contract list;
# - "subcontract_detail.main": (template, context) on a subcontract's page, below its end.
# - "incident_detail.duties": (template, context) on an incident's page, for the public body's side.


@dataclass(frozen=True)
class ColumnSet:
    """Extra columns of a list page: one header template, one cell template and the context of
    each row's cell by primary key (rows without one get `empty`)."""

    head: str
    cell: str
    cells: dict
    empty: dict


_slots: dict[str, list[Callable]] = {}


def register_slot(slot: str, provider: Callable) -> None:
    providers = _slots.setdefault(slot, [])
    if provider not in providers:  # ready() may run twice under the test runner
        providers.append(provider)


def fill_slot(slot: str, *args, **kwargs) -> list:
    """What every provider of `slot` returns for this page, in registration order."""
    return [result for provider in _slots.get(slot, []) if (result := provider(*args, **kwargs)) is not None]

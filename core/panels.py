"""Home-page panels contributed by the apps to the right of core (core knows none of them).

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

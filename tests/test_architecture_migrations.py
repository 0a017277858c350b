"""The migration graph follows the layers: a lower app's migration never depends on a higher app's.

Order (docs/architecture.md): core → clauses → contracts → ledgers → incidents → compliance →
audits. A dependency from a lower app
to a higher one, or a cycle between apps, fails here; so a fresh database always migrates app by
app in layer order, and no app needs a higher one's tables to exist.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

LAYERS = ["core", "clauses", "contracts", "ledgers", "incidents", "compliance", "audits"]
RANK = {app: i for i, app in enumerate(LAYERS)}


def _app_edges() -> set[tuple[str, str, str]]:
    """(from app, to app, "migration → dependency") for every dependency across two apps."""
    loader = MigrationLoader(connection, ignore_no_migrations=True, load=True)
    edges = set()
    for (app, name), node in loader.graph.node_map.items():
        for parent in node.parents:
            if parent.key[0] != app:
                edges.add((app, parent.key[0], f"{app}.{name} → {parent.key[0]}.{parent.key[1]}"))
    return edges


def upward(edges) -> list[str]:
    return sorted(
        where
        for src, dst, where in edges
        # Django's and third-party apps are left out: admin, guardian and axes depend on
        # core through the swappable user model, which is how Django builds them.
        if src in RANK and dst in RANK and RANK[dst] > RANK[src]
    )


def app_cycles(edges) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for src, dst, _where in edges:
        graph.setdefault(src, set()).add(dst)
    cycles, state = [], {}

    def visit(app, path):
        state[app] = "open"
        for nxt in sorted(graph.get(app, ())):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[app] = "done"

    for app in sorted(graph):
        if app not in state:
            visit(app, [app])
    return cycles


@pytest.mark.django_db
def test_no_migration_depends_on_a_higher_app():
    assert upward(_app_edges()) == []


@pytest.mark.django_db
def test_no_cycle_between_apps_in_the_migration_graph():
    assert app_cycles(_app_edges()) == []


def test_the_checks_find_what_they_are_for():
    # The shape that existed before the clause library moved: contracts 0001 needed compliance
    # 0001 (the clause template FK) and compliance 0002 needed contracts 0001.
    edges = {
        ("contracts", "compliance", "contracts.0001_initial → compliance.0001_initial"),
        ("compliance", "contracts", "compliance.0002_initial → contracts.0001_initial"),
        ("compliance", "core", "compliance.0002_initial → core.0003_notifications"),
    }
    assert upward(edges) == ["contracts.0001_initial → compliance.0001_initial"]
    assert app_cycles(edges) == [["compliance", "contracts", "compliance"]]

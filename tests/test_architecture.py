"""The layers hold for what import-linter cannot see: references by string.

Order (docs/architecture.md, "Layers"): core → clauses → contracts → ledgers → incidents →
compliance → audits; an app may name an app to its left, never one to its right. `make test`
runs import-linter for Python imports; this module fails when a lower app names a higher one
through

(a) a foreign key, many-to-many or one-to-one field ("app.Model" targets included),
(b) a migration dependency (and a cycle between apps in the migration graph),
(c) a URL name: `{% url 'name' %}` in the app's templates, `reverse`/`reverse_lazy`/`redirect`/
    `resolve_url("name")` in its code; the name is resolved through the URL conf to its view's
    module, so "name" and "namespace:name" both work (every app's names are namespaced: see
    test_every_url_name_is_namespaced),
(d) a template: `{% include %}`/`{% extends %}` in its templates, or a template path in its code.

Each failure names the file and line. Django's and third-party apps are left out (admin,
guardian and axes depend on core through the swappable user model, which is how Django builds
them); config is the composition root and may name everything.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from django import urls
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.test.utils import isolate_apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

LAYERS = ["core", "clauses", "contracts", "ledgers", "incidents", "compliance", "audits"]
RANK = {app: i for i, app in enumerate(LAYERS)}
ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"

# Templates outside a templates/<app>/ folder that belong to the kernel. templates/emails/ is
# not listed: its files (invitations, reminders, digests) belong to several apps and their path
# does not say which, so it is left out until each app's mail lives in its own folder.
CORE_TEMPLATES = ("base.html", "components/", "errors/", "registration/", "pdf/base.html")


def rel(path: Path | str) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def is_upward(src: str | None, dst: str | None) -> bool:
    return src in RANK and dst in RANK and RANK[dst] > RANK[src]


# --- (a) foreign keys ---------------------------------------------------------------------


def _field_line(model, field_name: str) -> str:
    """ "file:line" of the field's definition (in the model or the abstract base that holds it)."""
    for klass in model.__mro__:
        if klass.__module__.split(".")[0] in {"django", "builtins"}:
            continue
        try:
            lines, start = inspect.getsourcelines(klass)
        except (OSError, TypeError):
            continue
        for offset, line in enumerate(lines):
            if re.match(rf"\s*{re.escape(field_name)}\s*[:=]", line):
                return f"{rel(inspect.getsourcefile(klass))}:{start + offset}"
    return f"{rel(inspect.getsourcefile(model))}:?"


def upward_relations(models=None) -> list[str]:
    found = []
    for model in apps.get_models() if models is None else models:
        src = model._meta.app_label
        for field in model._meta.get_fields():
            # Forward relations only: a reverse accessor (auto_created) is the other side's.
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            if isinstance(field.related_model, str):  # an unresolved lazy reference
                continue
            dst = field.related_model._meta.app_label
            if is_upward(src, dst):
                found.append(
                    f"{_field_line(model, field.name)}: {model._meta.label}.{field.name} → "
                    f"{field.related_model._meta.label}"
                )
    return sorted(found)


def test_no_model_points_at_a_higher_app():
    found = upward_relations()
    assert found == [], "a lower app's model points at a higher app's model:\n" + "\n".join(found)


@isolate_apps("core", "contracts")
def test_the_relation_check_finds_what_it_is_for():
    class Target(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "contracts"

    class Source(models.Model):  # noqa: DJ008
        target = models.ForeignKey("contracts.Target", on_delete=models.CASCADE)
        others = models.ManyToManyField(Target, related_name="+")

        class Meta:
            app_label = "core"

    class Fine(models.Model):  # noqa: DJ008
        source = models.OneToOneField(Source, on_delete=models.CASCADE)

        class Meta:
            app_label = "contracts"

    line = inspect.getsourcelines(Source)[1]
    assert upward_relations([Target, Source, Fine]) == [
        f"tests/test_architecture.py:{line + 1}: core.Source.target → contracts.Target",
        f"tests/test_architecture.py:{line + 2}: core.Source.others → contracts.Target",
    ]


# --- (b) migrations -----------------------------------------------------------------------


def _dependency_line(migration_module: str, dep: tuple[str, str]) -> str:
    """ "file:line" of the dependency in the migration file (line 0 when it is not written there)."""
    path = Path(inspect.getsourcefile(__import__(migration_module, fromlist=["Migration"])))
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if f'"{dep[0]}"' in line or f"'{dep[0]}'" in line:
            return f"{rel(path)}:{number}"
    return f"{rel(path)}:0"


def _app_edges() -> set[tuple[str, str, str]]:
    """(from app, to app, "file:line: migration → dependency") for every cross-app dependency."""
    loader = MigrationLoader(connection, ignore_no_migrations=True, load=True)
    edges = set()
    for (app, name), node in loader.graph.node_map.items():
        for parent in node.parents:
            if parent.key[0] != app:
                where = f"{app}.{name} → {parent.key[0]}.{parent.key[1]}"
                if app in RANK and parent.key[0] in RANK:
                    module = loader.graph.nodes[(app, name)].__module__
                    where = f"{_dependency_line(module, parent.key)}: {where}"
                edges.add((app, parent.key[0], where))
    return edges


def upward(edges) -> list[str]:
    return sorted(where for src, dst, where in edges if is_upward(src, dst))


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
    found = upward(_app_edges())
    assert found == [], "a lower app's migration depends on a higher app's:\n" + "\n".join(found)


@pytest.mark.django_db
def test_no_cycle_between_apps_in_the_migration_graph():
    assert app_cycles(_app_edges()) == []


def test_the_migration_checks_find_what_they_are_for():
    # The shape that existed before the clause library moved: contracts 0001 needed compliance
    # 0001 (the clause template FK) and compliance 0002 needed contracts 0001.
    edges = {
        ("contracts", "compliance", "contracts.0001_initial → compliance.0001_initial"),
        ("compliance", "contracts", "compliance.0002_initial → contracts.0001_initial"),
        ("compliance", "core", "compliance.0002_initial → core.0003_notifications"),
    }
    assert upward(edges) == ["contracts.0001_initial → compliance.0001_initial"]
    assert app_cycles(edges) == [["compliance", "contracts", "compliance"]]
    # The file and line of a real cross-app dependency: contracts' migration that adds the
    # clause template FK depends on clauses.
    module = next(
        type(node).__module__
        for key, node in MigrationLoader(None, ignore_no_migrations=True).graph.nodes.items()
        if key[0] == "contracts" and any(parent[0] == "clauses" for parent in node.dependencies)
    )
    where = _dependency_line(module, ("clauses", "0001_initial"))
    path, number = where.rsplit(":", 1)
    assert '"clauses"' in (ROOT / path).read_text(encoding="utf-8").splitlines()[int(number) - 1]


# --- (c) URL names and (d) templates ------------------------------------------------------


def url_name_apps(resolver=None, namespace: str = "") -> dict[str, set[str | None]]:
    """Every URL name ("name" or "ns:name") → the apps whose module holds its view.

    A view outside our apps (Django's auth views, the admin) maps to None and never counts.
    """
    resolver = resolver or get_resolver()
    names: dict[str, set[str | None]] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, owners in url_name_apps(pattern, inner).items():
                names.setdefault(name, set()).update(owners)
        elif isinstance(pattern, URLPattern) and pattern.name:
            top = pattern.lookup_str.split(".")[0]
            names.setdefault(f"{namespace}{pattern.name}", set()).add(top if top in RANK else None)
    return names


def template_app(name: str) -> str | None:
    """The app a template belongs to, from its path under templates/."""
    if name.startswith(CORE_TEMPLATES):
        return "core"
    parts = name.split("/")
    if parts[0] == "pdf" and len(parts) > 1:
        parts = parts[1:]
    return parts[0] if parts[0] in RANK and len(parts) > 1 else None


URL_TAG = re.compile(r"""\{%\s*url\s+(['"])(?P<name>[^'"]+)\1""")
LOAD_TAG = re.compile(r"""\{%\s*(?P<tag>include|extends)\s+(['"])(?P<name>[^'"]+)\2""")
URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
TEMPLATE_PATH = re.compile(r"^[\w/.-]+\.(html|txt|xml|ics)$")


def is_template_path(value: str) -> bool:
    return "/" in value and bool(TEMPLATE_PATH.match(value))


def template_references(path: Path, text: str) -> list[tuple[int, str, str]]:
    """(line, "url" | "include" | "extends", name) for every literal reference in a template."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [(number, "url", m["name"]) for m in URL_TAG.finditer(line)]
        found += [(number, m["tag"], m["name"]) for m in LOAD_TAG.finditer(line)]
    return found


def code_references(path: Path, text: str) -> list[tuple[int, str, str]]:
    """(line, "url" | "template", name) for URL names and template paths in Python code."""
    found = []
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if func in URL_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, "url", first.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and is_template_path(node.value):
            found.append((node.lineno, "template", node.value))
    return found


# Upward references that exist until the work that removes them lands, each with that work.
# Keyed by (app, higher app, kind, name), not by line, so that editing a file does not break the
# build; an entry whose reference is gone is harmless and should be deleted with it. Empty since
# the contract's pages moved to contracts and its duty section became a compliance panel.
KNOWN_UPWARD: set[tuple[str, str, str, str]] = set()


def upward_references(
    sources: list[tuple[str, Path, str]],
    url_names: dict[str, set[str | None]],
    known: set[tuple[str, str, str, str]] = frozenset(),
) -> list[str]:
    """sources: (app, path, text). Each reference to a higher app's URL or template that is not
    in `known`, as "file:line: app → target (what)"."""
    found = []
    for app, path, text in sources:
        refs = code_references(path, text) if path.suffix == ".py" else template_references(path, text)
        for line, what, name in sorted(refs):
            # Unknown URL names (a redirect to "/path", a name someone else resolves) are not
            # ours to judge here; a name two apps define counts if either is higher.
            targets = url_names.get(name, set()) if what == "url" else {template_app(name)}
            for dst in sorted(t for t in targets if t):
                if is_upward(app, dst) and (app, dst, what, name) not in known:
                    found.append(f"{rel(path)}:{line}: {app} → {dst} ({what} {name!r})")
    return found


def app_sources() -> list[tuple[str, Path, str]]:
    sources = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                sources.append((app, path, path.read_text(encoding="utf-8")))
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".ics"}:
            app = template_app(str(path.relative_to(TEMPLATES)))
            if app:
                sources.append((app, path, path.read_text(encoding="utf-8")))
    return sources


def test_no_url_name_or_template_of_a_higher_app_is_named_by_a_lower_one():
    found = upward_references(app_sources(), url_name_apps(), KNOWN_UPWARD)
    assert found == [], "a lower app names a higher app's URL or template:\n" + "\n".join(found)


def test_the_reference_checks_find_what_they_are_for(tmp_path):
    names = {"contract_list": {"contracts"}, "contracts:contract_detail": {"contracts"},
             "home": {"core"}, "login": {None}}  # fmt: skip
    nav = tmp_path / "nav.html"
    view = tmp_path / "views.py"
    sources = [
        ("core", nav, "{% url 'home' %}\n<a href=\"{% url 'contracts:contract_detail' pk=1 %}\">\n"
                      '{% include "contracts/panels/x.html" %}{% url "login" %}'),
        ("core", view, 'from django.urls import reverse\nreverse("contract_list")\n'
                       'redirect("/")\nrender(r, "compliance/duty.html")\nrender(r, "core/x.html")'),
        ("contracts", view, 'redirect("home")\nrender(r, "pdf/core/x.html")'),
    ]  # fmt: skip
    assert upward_references(sources, names) == [
        f"{nav.resolve()}:2: core → contracts (url 'contracts:contract_detail')",
        f"{nav.resolve()}:3: core → contracts (include 'contracts/panels/x.html')",
        f"{view.resolve()}:2: core → contracts (url 'contract_list')",
        f"{view.resolve()}:4: core → compliance (template 'compliance/duty.html')",
    ]
    assert (
        upward_references(sources[2:], {"home": {"audits"}}, {("contracts", "audits", "url", "home")}) == []
    )
    assert template_app("components/nav.html") == "core"
    assert template_app("pdf/contracts/roster.html") == "contracts"
    assert template_app("emails/invitation_body.txt") is None


def test_url_names_resolve_to_the_app_of_their_view_with_or_without_a_namespace():
    def view(request):  # pragma: no cover - never called
        raise AssertionError

    def app_view(module: str):
        # URL names map through the view's module (URLPattern.lookup_str), as for real views.
        def stand_in(request):  # pragma: no cover - never called
            raise AssertionError

        stand_in.__module__ = module
        return stand_in

    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            urls.path("", app_view("core.views.home"), name="home"),
            urls.path("login/", view, name="login"),
            urls.path(
                "contracts/",
                urls.include(
                    ([urls.path("<int:pk>/", app_view("contracts.views"), name="detail")], "contracts")
                ),
            ),
            urls.path(
                "c/", urls.include([urls.path("", app_view("compliance.views.duties"), name="duty_waive")])
            ),
        ],
    )
    assert url_name_apps(resolver) == {
        "home": {"core"},
        "login": {None},  # a view of this test module: not one of our apps
        "contracts:detail": {"contracts"},
        "duty_waive": {"compliance"},
    }


# --- URL namespaces -----------------------------------------------------------------------


def unnamespaced_url_names(resolver=None, namespace: str = "") -> list[str]:
    """Named URL patterns outside any namespace, as "route (name)"; Django's admin keeps its own."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += unnamespaced_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not namespace:
            found.append(f"{pattern.pattern} ({pattern.name})")
    return found


def test_every_url_name_is_namespaced():
    # URL names are unique only within an app: a name outside a namespace (an app's urls.py
    # without app_name) could clash with another app's, and Django reverses the last one.
    found = unnamespaced_url_names()
    assert found == [], "URL names outside an app namespace (give the urls.py an app_name):\n" + "\n".join(
        found
    )
    namespaces = {p.namespace for p in get_resolver().url_patterns if isinstance(p, URLResolver)}
    assert {"core", "clauses", "contracts", "compliance", "admin"} <= namespaces


def test_the_namespace_check_finds_what_it_is_for():
    def view(request):  # pragma: no cover - never called
        raise AssertionError

    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            urls.path("bare/", view, name="bare"),
            urls.path("", urls.include(([urls.path("x/", view, name="x")], "app"))),
            urls.path("", urls.include([urls.path("y/", view, name="y")])),
        ],
    )
    assert unnamespaced_url_names(resolver) == ["bare/ (bare)", "y/ (y)"]

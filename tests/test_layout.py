"""Every app has the same layout, predictable from its name (issue 9 point 5, docs/architecture.md).

An app's top level holds only the layers below (each a module, or a package once it grows — never
both), Django's own folders, and the few modules an app is *about* (listed per app with the
reason). No module outside migrations is longer than 800 lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["core", "clauses", "contracts", "ledgers", "incidents", "compliance", "audits"]
MAX_LINES = 800

# The layers, in the order of docs/architecture.md's "Inside an app" table.
LAYERS = [
    "models", "services", "selectors", "forms", "pdf", "spreadsheets", "views", "urls", "access",
    "permissions", "events", "tasks", "panels", "navigation", "demo", "admin", "apps",
]  # fmt: skip
# What Django and Python look for by name.
DJANGO = {"__init__", "migrations", "management", "templatetags"}
# The modules an app is about, beyond the layers: each is named in docs/architecture.md.
OWN = {
    # The kernel's features (design.md, "core/"): audit trail, encryption, approval workflow and
    # its registry, notifications, PDF engine and its worker, 和暦, business days, the
    # spreadsheet engine, request plumbing and model fields shared by every app, and the registry
    # that names an event's object on the audit page (filled by the apps).
    "core": {
        "audit",
        "describers",
        "crypto",
        "approvals",
        "approvables",
        "notifications",
        "pdf_worker",
        "wareki",
        "business_days",
        "middleware",
        "context_processors",
        "throttling",
        "validators",
        "fields",
        "files",
        "widgets",
    },
    # The clause library: typed API for the domain, kinds vocabulary, loader and validator, the
    # migration operation that took over the moved tables, and the templates as data.
    "clauses": {"api", "kinds", "library", "migration_operations", "clause_library"},
    # The duty engine and its due dates.
    "compliance": {"engine", "deadlines"},
    # The migration operation that lifts the ledgers' append-only triggers inside one migration.
    "ledgers": {"migration_operations"},
    # The APPI's reportable categories and thresholds, as data (docs/incidents.md).
    "incidents": {"appi"},
}


def top_level(app: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Name (without .py) → {"module", "package"/"folder"} for each entry at the app's top."""
    entries: dict[str, set[str]] = {}
    for path in (root / app).iterdir():
        if path.name == "__pycache__" or path.name.startswith("."):
            continue
        if path.is_file() and path.suffix == ".py":
            entries.setdefault(path.stem, set()).add("module")
        elif path.is_dir():
            entries.setdefault(path.name, set()).add(
                "package" if (path / "__init__.py").exists() else "folder"
            )
    return entries


def layout_problems(app: str, root: Path = ROOT) -> list[str]:
    problems = []
    allowed = set(LAYERS) | DJANGO | OWN.get(app, set())
    for name, kinds in sorted(top_level(app, root).items()):
        if name not in allowed:
            problems.append(f"{app}/{name}: not a layer of the layout (nor one of {app}'s own modules)")
        if {"module", "package"} <= kinds:
            problems.append(f"{app}/{name}: both {name}.py and {name}/")
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{path.relative_to(root)}: {lines} lines (at most {MAX_LINES})")
    return problems


def layout_table() -> str:
    """Which layers each app has: "m" a module, "p" a package, "." none."""
    rows = [f"{'':12}" + " ".join(f"{layer[:5]:>5}" for layer in LAYERS)]
    for app in APPS:
        entries = top_level(app)
        marks = []
        for layer in LAYERS:
            kinds = entries.get(layer, set())
            both = {"module", "package"} <= kinds
            marks.append("m+p" if both else "p" if "package" in kinds else "m" if "module" in kinds else ".")
        rows.append(f"{app:12}" + " ".join(f"{mark:>5}" for mark in marks))
    return "\n".join(rows)


@pytest.mark.parametrize("app", APPS)
def test_app_has_the_common_layout(app):
    problems = layout_problems(app)
    assert problems == [], (
        f"{app} leaves the common layout (docs/architecture.md, 'Inside an app'):\n"
        + "\n".join(problems)
        + "\n\nLayers per app:\n"
        + layout_table()
    )


def test_the_layout_check_finds_what_it_is_for(tmp_path):
    app = tmp_path / "contracts"
    for name in ["__init__.py", "urls.py", "views_training.py", "selectors.py", "forms.py"]:
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text("x = 1\n" * (900 if name == "forms.py" else 1))
    for package in ["views", "selectors", "migrations"]:
        (app / package).mkdir()
        (app / package / "__init__.py").write_text("")
    (app / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    assert layout_problems("contracts", tmp_path) == [
        "contracts/selectors: both selectors.py and selectors/",
        "contracts/views_training: not a layer of the layout (nor one of contracts's own modules)",
        "contracts/forms.py: 900 lines (at most 800)",
    ]

"""docs/clause-template-reference.md is generated from the registries; docs/clause-templates.md
names only form ids the PDF engine registers and links only to sections the reference has."""

import difflib
import importlib.util
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from clauses import kinds
from clauses.library import CONTRACT_FLAGS
from clauses.management.commands.clause_library import REFERENCE_PATH, render_reference

DOCS = Path(settings.BASE_DIR) / "docs"
GUIDE = DOCS / "clause-templates.md"


def test_the_committed_reference_is_current():
    committed = REFERENCE_PATH.read_text(encoding="utf-8") if REFERENCE_PATH.exists() else ""
    fresh = render_reference()
    if committed != fresh:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    fresh.splitlines(keepends=True),
                    "committed",
                    "from the registries",
                )
            )[:60]
        )
        pytest.fail(f"docs/clause-template-reference.md is out of date: run make docs\n{diff}")


def _codes(text: str) -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))


def test_it_lists_every_code_of_every_registry():
    from core.audit import event_kind_owner, known_event_kinds
    from core.pdf import registered_form_ids

    listed = _codes(render_reference())
    assert set(kinds.KINDS) <= listed
    assert set(kinds.TRIGGERS) <= listed
    assert set(kinds.DEADLINE_RULES) <= listed
    assert set(kinds.EVIDENCE) <= listed
    assert set(CONTRACT_FLAGS) <= listed
    assert {f for f in registered_form_ids() if not f.startswith("tests.")} <= listed
    # The kinds of the test settings' own app (tests/approvals_app) are not the product's.
    portal_kinds = {k for k in known_event_kinds() if event_kind_owner(k) != "approvals_test"}
    assert portal_kinds <= listed
    assert not {k for k in known_event_kinds() if event_kind_owner(k) == "approvals_test"} & listed


def test_what_is_added_to_a_registry_appears_without_editing_the_generator(monkeypatch):
    from core import audit, pdf

    monkeypatch.setattr(audit, "_event_kinds", dict(audit._event_kinds))
    monkeypatch.setattr(pdf, "_registry", dict(pdf._registry))
    monkeypatch.setattr(kinds, "DEADLINE_RULES", (*kinds.DEADLINE_RULES, "scratch_rule"))
    audit.register_event_kinds("compliance", {"scratch.recorded": "Scratch recorded"})
    audit.register_event_kinds("tests_scratchpad", {"scratchpad.approved": "Scratchpad approved"})
    pdf.register_form("contracts.scratch", template_name="pdf/core/sample_form.html", title="見本の様式")
    text = render_reference()
    assert "| `scratch.recorded` | Scratch recorded | Scratch recorded | `compliance` |" in text
    assert "| `contracts.scratch` | 見本の様式 | `contracts` | pdf/core/sample_form.html |" in text
    assert "| `scratch_rule` |" in text
    # A kind a test registers for an app that is not the portal's stays out.
    assert "scratchpad.approved" not in text


def test_the_deadline_rules_that_count_days_say_so():
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `([a-z_]+)` \| ([^|]*) \|", render_reference(), re.MULTILINE)
    }
    assert rows["business_days_after"].strip() == "`days` (N)"
    assert rows["immediately"].strip() == ""
    assert (
        "| `business_days_after` | `days` (N) | N営業日以内 | Within N business days |" in render_reference()
    )


def test_the_command_writes_and_checks_the_page(tmp_path, monkeypatch):
    from clauses.management.commands import clause_library

    target = tmp_path / "reference.md"
    monkeypatch.setattr(clause_library, "REFERENCE_PATH", target)
    with pytest.raises(CommandError, match="out of date: run make docs"):
        call_command("clause_library", "reference", "--check", stdout=StringIO())
    out = StringIO()
    call_command("clause_library", "reference", stdout=out)
    assert "written" in out.getvalue()
    assert target.read_text(encoding="utf-8") == render_reference()
    out = StringIO()
    call_command("clause_library", "reference", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def _portal_labels() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if not c.name.startswith(("django.", "tests."))}


def _form_ids_named(text: str) -> set[str]:
    """Every form id the page names: a `form:` value in its YAML, or a `<app>.<name>` in backticks
    that is neither a Python module (`core.audit`) nor an event kind."""
    from core.audit import known_event_kinds

    named = set(re.findall(r"\bform:\s*([a-z_]+\.[a-z0-9_]+)", text))
    for token in re.findall(r"`([a-z_]+\.[a-z0-9_]+)`", text):
        app = token.split(".", 1)[0]
        if (
            app in _portal_labels()
            and token not in known_event_kinds()
            and not importlib.util.find_spec(token)
        ):
            named.add(token)
    return named


def test_every_form_id_the_guide_names_is_registered():
    from core.pdf import registered_form_ids

    named = _form_ids_named(GUIDE.read_text(encoding="utf-8"))
    assert "contracts.roster" in named  # the obligation example
    unknown = sorted(named - registered_form_ids())
    assert not unknown, f"docs/clause-templates.md names form ids no app registers: {unknown}"


def test_a_misnamed_form_id_would_be_found():
    # The check above is only worth something if it sees the mistake this page once had.
    assert "contracts.roster_notice" in _form_ids_named("  form: contracts.roster_notice   # PDF form id")
    assert _form_ids_named("`core.audit` and `roster.approved`") == set()


def _slug(heading: str) -> str:
    # GitHub's anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_guide_links_only_to_sections_the_reference_has():
    anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", render_reference(), re.MULTILINE)}
    links = set(re.findall(r"clause-template-reference\.md#([\w-]+)", GUIDE.read_text(encoding="utf-8")))
    assert links, "docs/clause-templates.md links to the reference"
    assert links <= anchors, sorted(links - anchors)
    guide_anchors = {
        _slug(h) for h in re.findall(r"^#+ (.+)$", GUIDE.read_text(encoding="utf-8"), re.MULTILINE)
    }
    back = set(re.findall(r"clause-templates\.md#([\w-]+)", render_reference()))
    assert back <= guide_anchors, sorted(back - guide_anchors)

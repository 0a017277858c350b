"""Event kinds are declared per app (<app>/events.py, registered with core.audit from ready()).

Two nets catch a kind recorded without a declaration: a scan of the code for kind literals and
approvable prefixes (below), and record_events itself, which with AUDIT_REQUIRE_DECLARED_KINDS
(on in the test settings) refuses an undeclared kind from any caller but a test module — so every
kind a service records anywhere in the suite is declared, literals or not.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from core import audit, pdf
from core.approvals import PAST
from core.events import APPROVAL_ACTIONS, approval_event_kinds
from core.models import Event

APPS = ("core", "clauses", "contracts", "ledgers", "incidents", "compliance", "audits")
# kind="roster.viewed", read_kind="roster.printed", "kind": "person.added", record_failed_login("auth.…"),
# and the values of a {action: kind} table.
_KIND_LITERAL = re.compile(
    r"""(?:kind=|"kind":\s*|record_failed_login\(\s*|:\s*)"([a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*)\"""", re.ASCII
)
_PREFIX = re.compile(r"""event_prefix=\s*"([a-z_]+)\"""")
# The same places naming a constant of the app's own events module (kind=events.ROSTER_VIEWED,
# event_prefix=events.ROSTER_PREFIX): resolved to the kind it spells, so the scan still sees them.
_KIND_CONSTANT = re.compile(r"""(?:kind=|"kind":\s*|:\s*)events\.([A-Z][A-Z0-9_]*)\b""", re.ASCII)
_PREFIX_CONSTANT = re.compile(r"""event_prefix=\s*events\.([A-Z][A-Z0-9_]*)\b""", re.ASCII)


def _constants(path: Path, pattern: re.Pattern, text: str) -> list[str]:
    """The values of the `events.NAME` constants `pattern` finds, from the file's app."""
    module = importlib.import_module(f"{path.relative_to(settings.BASE_DIR).parts[0]}.events")
    return [getattr(module, name) for name in pattern.findall(text)]


def _sources():
    for app in APPS:
        folder = Path(settings.BASE_DIR) / app
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts and path.name != "events.py":
                yield path, path.read_text()


def _recorded_literals() -> dict[str, str]:
    found = {}
    for path, text in _sources():
        # Of the constants only the event-shaped ones ("app.thing"): kind= also names outbox kinds.
        constants = [k for k in _constants(path, _KIND_CONSTANT, text) if "." in k]
        for kind in [*_KIND_LITERAL.findall(text), *constants]:
            # Only event-shaped strings next to an event call count; a form id ("contracts.roster")
            # is never written after kind= or in an event dict.
            found.setdefault(kind, str(path.relative_to(settings.BASE_DIR)))
    return found


def test_every_kind_literal_in_the_code_is_declared() -> None:
    found = _recorded_literals()
    assert len(found) > 60  # the scan sees the services (a broken pattern would pass vacuously)
    undeclared = {kind: where for kind, where in found.items() if kind not in audit.known_event_kinds()}
    # Not event kinds: the values of other {key: "app.thing"} tables the pattern also matches.
    undeclared = {k: w for k, w in undeclared.items() if not k.startswith(APPS)}
    assert undeclared == {}


def test_every_approvable_prefix_declares_the_workflow_kinds() -> None:
    prefixes = {
        prefix
        for path, text in _sources()
        for prefix in [*_PREFIX.findall(text), *_constants(path, _PREFIX_CONSTANT, text)]
    }
    assert {"roster", "worksite", "subcontract", "training_plan", "training_report"} <= prefixes
    missing = sorted(
        f"{prefix}.{action}"
        for prefix in prefixes
        for action in PAST.values()
        if f"{prefix}.{action}" not in audit.known_event_kinds()
    )
    assert missing == []


def test_approval_labels_follow_the_workflow_table() -> None:
    # core.approvals records f"{prefix}.{PAST[action]}"; the declarations must spell the same verbs.
    assert set(APPROVAL_ACTIONS) == set(PAST.values())
    assert set(approval_event_kinds("thing", "Thing")) == {f"thing.{verb}" for verb in PAST.values()}


def test_each_app_declares_its_own_kinds() -> None:
    assert audit.event_kind_owner("invitation.accepted") == "core"
    assert audit.event_kind_owner("roster.approved") == "contracts"
    assert audit.event_kind_owner("duty.waived") == "compliance"


def test_labels_are_translated() -> None:
    with translation.override("ja"):
        assert audit.event_kind_label("auth.login") == "ログイン"
        assert audit.event_kind_label("roster.approved") == "従事者名簿: 承認"
    with translation.override("en"):
        assert audit.event_kind_label("roster.returned") == "Roster: returned for correction"
    # A kind nobody declares any more still shows, as itself.
    assert audit.event_kind_label("retired.kind") == "retired.kind"


def test_a_kind_has_one_owner_and_reads_thing_dot_action(monkeypatch) -> None:
    # A copy of the registry: the scratch kind must not reach tests that list every declared
    # kind (the clause reference), whichever runs later in the same process.
    monkeypatch.setattr(audit, "_event_kinds", dict(audit._event_kinds))
    audit.register_event_kinds("tests_a", {"scratch.owned": "Scratch"})
    audit.register_event_kinds("tests_a", {"scratch.owned": "Scratch"})  # ready() again: harmless
    with pytest.raises(ValueError, match="already declared by 'tests_a'"):
        audit.register_event_kinds("tests_b", {"scratch.owned": "Mine"})
    for bad in ("roster", "Roster.approved", "roster approved", "roster."):
        with pytest.raises(ValueError, match=r"thing\.action"):
            audit.register_event_kinds("tests_a", {bad: "x"})


def _service_in(module_name: str):
    """A stand-in service defined in `module_name` that records `kind`."""
    namespace = {"__name__": module_name, "record_event": audit.record_event}
    exec("def service(kind):\n    return record_event(kind=kind)\n", namespace)  # noqa: S102
    return namespace["service"]


@pytest.mark.django_db
def test_a_service_recording_an_undeclared_kind_fails() -> None:
    service = _service_in("contracts.services.somewhere")
    with pytest.raises(ImproperlyConfigured, match=r"contracts\.services\.somewhere .*'roster\.teleported'"):
        service("roster.teleported")
    assert not Event.objects.filter(kind="roster.teleported").exists()
    assert service("roster.viewed").kind == "roster.viewed"


@pytest.mark.django_db
def test_a_test_may_record_a_kind_of_its_own_and_production_never_refuses(settings) -> None:
    assert audit.record_event(kind="test.scratch").kind == "test.scratch"
    settings.AUDIT_REQUIRE_DECLARED_KINDS = False
    # In production a missing declaration must not lose an audit record.
    assert _service_in("contracts.services.somewhere")("roster.teleported").kind == "roster.teleported"


def test_registered_form_ids() -> None:
    ids = pdf.registered_form_ids()
    assert {"contracts.roster", "contracts.pledge"} <= ids
    assert ids == {form.form_id for form in pdf.registered_forms()}

"""Only services (and core, which owns the trail) write to the audit trail.

The audit trail is evidence: a row in it says that something happened. Views record reads of
personal data through `core.services.reads`; demo seeding goes through the services people use.
"""

import re
from pathlib import Path

import pytest

from core.services.reads import personal_data_read

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "contracts", "compliance", "ledgers", "incidents", "audits", "config")
WRITE = re.compile(r"\brecord_events?\(")


def _writers() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            if WRITE.search(path.read_text(encoding="utf-8")):
                found.append(rel)
    return found


def test_only_services_and_core_record_events():
    outside = [
        rel
        for rel in _writers()
        if not (rel.startswith("core/") or "/services/" in rel or rel.endswith("/services.py"))
    ]
    assert outside == [], f"these modules write to the audit trail without a service: {outside}"


def test_no_demo_module_records_events():
    assert [rel for rel in _writers() if "demo" in rel] == []


@pytest.mark.parametrize("kind", ["roster.approved", "person.added", "viewed", "roster.viewed_by"])
def test_personal_data_read_refuses_anything_but_a_read(kind):
    with pytest.raises(ValueError):
        personal_data_read(actor=None, kind=kind)


def test_personal_data_read_records_a_read(db):
    event = personal_data_read(
        actor=None, kind="roster.viewed", object_type="contracts.contract", object_id=1
    )
    assert event.kind == "roster.viewed" and event.object_id == "1"

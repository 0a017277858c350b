"""Authorisation-matrix rows of the inspections (ledgers:inspection_*, ledgers:finding_correct): see
tests/core/authorisation/__init__.py.

The list and an inspection's page are for everyone who reads the contract (the public body's
side and its auditors read every party's; an approved subcontractor its own part's); recording
an inspection and a finding's correction are for the contractor's managers and staff on their
own running contract, a finding corrected only by the party whose inspection found it (the
contractor reads its subcontractor's, and corrects nothing of it). Everyone else gets the 404 of
a missing page. Per side the world holds one inspection with one finding, by the contractor's
manager, and on contract_a one by the approved subcontractor's manager.

The record and correct pages answer GET and POST: MATRIX holds their GET cells, post_rows their
POST cells (with a state snapshot: an R must have written, a refusal nothing).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.models import Membership
from ledgers.models import FindingCorrection, Inspection
from ledgers.services.inspections import inspection_record

LABELS = ("a", "b")
COLUMNS = {"a": "inspection_a", "b": "inspection_b", "sub": "sub_inspection"}
FINDING_COLUMNS = {"a": "finding_a", "b": "finding_b", "sub": "sub_finding"}
OK = {"storage_result": "ok", "accuracy_result": "ok", "backup_result": "ok", "restore_result": "ok"}


def _finding() -> dict:
    return {
        "found_in": "storage",
        "what": "保管庫の施錠漏れ",
        "action": "終業時の施錠確認",
        "due_date": timezone.localdate() + timedelta(days=7),
    }


def _inspect(membership, contract, person) -> Inspection:
    return inspection_record(
        actor=membership.user,
        actor_membership=membership,
        contract=contract,
        inspected_on=timezone.localdate(),
        inspector=person,
        **{**OK, "storage_result": "finding"},
        findings=[_finding()],
    )


def extend_world(mw) -> None:
    found = {}
    for label in LABELS:
        manager = getattr(mw.world, label).contractor_admin
        found[f"inspection_{label}"] = _inspect(
            manager, mw.contracts[f"contract_{label}"], mw.roster[f"person_{label}"]
        )
    sub = Membership.objects.get(
        user=mw.users["sub_admin"], organisation=mw.extra["subcontracts"]["orgs_a"][0]
    )
    found["sub_inspection"] = _inspect(sub, mw.contracts["contract_a"], mw.extra["ledgers"]["sub_worker"])
    for key in list(found):
        found[key.replace("inspection", "finding")] = found[key].findings.get()
    mw.extra["inspections"] = found


def _targets(keys) -> dict:
    return {k: (lambda mw, k=k: {"pk": mw.extra["inspections"][k].pk}) for k in keys}


INSPECTIONS = _targets(COLUMNS.values())
FINDINGS = _targets(FINDING_COLUMNS.values())
# Whoever reads the contract reads its inspections; side a's reads its subcontractor's too.
READ_KEPT = """
                  {a} {b} {sub}
anonymous         L          L          L
site_admin        200        200        200
client_admin      200        404        200
client_staff      200        404        200
auditor           200        404        200
contractor_admin  200        404        200
contractor_staff  200        404        200
"""
# The contractor's managers and staff, on their own contract; nobody else.
KEEPERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
# Its own party's finding only: the contractor does not correct its subcontractor's.
CORRECT = """
                  {a} {b} {sub}
anonymous         L          L          L
site_admin        404        404        404
client_admin      404        404        404
client_staff      404        404        404
auditor           404        404        404
contractor_admin  {ok}        404        404
contractor_staff  {ok}        404        404
"""


def _record_data(mw, user, label: str) -> dict:
    person = mw.roster[f"person_{label.removeprefix('contract_')}"]
    return {
        "inspected_on": timezone.localdate().isoformat(),
        "inspector": person.pk,
        **OK,
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }


def _inspections_on(mw, label: str) -> int:
    return Inspection.objects.filter(contract=mw.contracts[label]).count()


def _correct_data(mw, user, label: str) -> dict:
    finding = mw.extra["inspections"][label]
    return {"corrected_on": timezone.localdate().isoformat(), "corrected_by": finding.inspection.inspector_id}


def _corrected(mw, label: str) -> bool:
    return FindingCorrection.objects.filter(finding=mw.extra["inspections"][label]).exists()


def rows(m) -> dict:
    # The approved subcontractor of contract_a lists and records its own part's inspections:
    # its cells join matrix_subcontracts' table from here, with the rows.
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for name in ("ledgers:inspection_list", "ledgers:inspection_record"):
        SUBCONTRACTOR_OWN[(name, "contract_a")] = {"sub_admin": "200", "sub_staff": "200"}
    readers = m.CONTRACT_READERS.format(a="contract_a", b="contract_b")
    return {
        "ledgers:inspection_list": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:inspection_record": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:inspection_detail": m.Row(READ_KEPT.format(**COLUMNS), targets=INSPECTIONS),
        "ledgers:finding_correct": m.Row(CORRECT.format(**FINDING_COLUMNS, ok=200), targets=FINDINGS),
    }


def post_rows(m) -> dict:
    """The POST cells of the record and correct pages (see the module's docstring)."""
    return {
        "ledgers:inspection_record": m.Row(
            KEEPERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_record_data,
            state=_inspections_on,
        ),
        "ledgers:finding_correct": m.Row(
            CORRECT.format(**FINDING_COLUMNS, ok="R"),
            method=m.POST,
            targets=FINDINGS,
            data=_correct_data,
            state=_corrected,
        ),
    }

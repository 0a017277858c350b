"""Authorisation-matrix rows of contracts and their roster (contracts:): see
tests/core/authorisation/__init__.py. The work sites, training and subcontracts of a contract have
their own modules (tests/core/matrix_*.py)."""

from __future__ import annotations

from contracts.models import Contract, RosterChange, RosterEntry, UnsuitableFlag
from core.models import Event
from tests.core.authorisation.matrix import (
    ALL_200,
    CONTRACT_DECIDERS,
    CONTRACT_READERS,
    DRAFT_READERS,
    MANAGE_CONTRACT,
    POST,
    ROSTER_EDITOR,
    Row,
)
from tests.core.authorisation.world import (
    ANSWERED,
    CHANGES,
    CONTRACTS,
    DRAFTED,
    FIRST_CHANGES,
    FLAGS,
    ON_ROSTER,
    PEOPLE,
    PLEDGES,
    MatrixWorld,
)


def contract_events(kind: str):
    def state(mw: MatrixWorld, label: str) -> int:
        return Event.objects.filter(kind=kind, contract_id=mw.contracts[label].pk).count()

    return state


def _contract_status(mw: MatrixWorld, label: str) -> str:
    return Contract.objects.values_list("status", flat=True).get(pk=mw.contracts[label].pk)


def _roster_entries(mw: MatrixWorld, label: str) -> int:
    return RosterEntry.objects.filter(change=mw.roster[label.replace("drafted", "change")]).count()


def _flag_count(mw: MatrixWorld, label: str) -> int:
    return UnsuitableFlag.objects.filter(person=mw.roster[label]).count()


def _flag_state(mw: MatrixWorld, label: str):
    return UnsuitableFlag.objects.values_list("answered_at", "closed_at").get(pk=mw.roster[label].pk)


def _change_state(mw: MatrixWorld, label: str) -> str:
    return RosterChange.objects.values_list("approval_state", flat=True).get(pk=mw.roster[label].pk)


ROWS: dict[str, Row] = {
    "contracts:contract_list": Row(ALL_200),
    "contracts:contract_create": Row(
        """
                  -
anonymous         L
site_admin        404
client_admin      200
client_staff      200
auditor           404
contractor_admin  200
contractor_staff  404
"""
    ),
    "contracts:contract_detail": Row(
        """
                  contract_a contract_b
anonymous         L          L
site_admin        200        200
client_admin      200        404
client_staff      200        404
auditor           200        404
contractor_admin  200        404
contractor_staff  200        404
""",
        targets=CONTRACTS,
    ),
    "contracts:contract_activate": Row(MANAGE_CONTRACT.format(ok=200), targets=CONTRACTS),
    "contracts:contract_conditions": Row(MANAGE_CONTRACT.format(ok=200), targets=CONTRACTS),
    # --- the roster (名簿): everyone who reads the contract reads it; only the contractor's
    # manager drafts changes; submitting is theirs, deciding the public body's ---
    "contracts:roster": Row(CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS),
    "contracts:roster_change": Row(DRAFT_READERS.format(a="change_a", b="change_b"), targets=CHANGES),
    "contracts:roster_pdf": Row(CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS),
    "contracts:person_pledge": Row(CONTRACT_READERS.format(a="person_a", b="person_b"), targets=PEOPLE),
    "contracts:roster_change_pdf": Row(
        CONTRACT_READERS.format(a="first_a", b="first_b"), targets=FIRST_CHANGES
    ),
    # The public body's contract managers flag a worker; the contractor's manager answers.
    "contracts:person_flag_raise": Row(
        CONTRACT_DECIDERS.format(a="person_a", b="person_b"),
        method=POST,
        targets=PEOPLE,
        data=lambda mw, user, label: {"reason": "理由", "measures_requested": "措置"},
        state=_flag_count,
    ),
    "contracts:flag_answer": Row(
        ROSTER_EDITOR.format(a="flag_a", b="flag_b", ok="R"),
        method=POST,
        targets=FLAGS,
        data=lambda mw, user, label: {"answer": "交代させました"},
        state=_flag_state,
    ),
    "contracts:flag_close": Row(
        CONTRACT_DECIDERS.format(a="answered_a", b="answered_b"),
        method=POST,
        targets=ANSWERED,
        state=_flag_state,
    ),
    "contracts:pledge_blank_pdf": Row(CONTRACT_READERS.format(a="person_a", b="person_b"), targets=PEOPLE),
    # Signed pledges: the responsible people of both sides and auditors, not every worker.
    "contracts:pledge_file": Row(
        CONTRACT_READERS.format(a="pledge_a", b="pledge_b").replace(
            "contractor_staff  200        404", "contractor_staff  404        404"
        ),
        targets=PLEDGES,
    ),
    "contracts:roster_xlsx_export": Row(
        CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS
    ),
    "contracts:roster_xlsx_template": Row(
        ROSTER_EDITOR.format(a="contract_a", b="contract_b", ok=200), targets=CONTRACTS
    ),
    "contracts:roster_xlsx_import": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok=200), targets=CHANGES
    ),
    "contracts:roster_change_open": Row(
        ROSTER_EDITOR.format(a="contract_a", b="contract_b", ok="R"), method=POST, targets=CONTRACTS
    ),
    "contracts:roster_person_add": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok=200), targets=CHANGES
    ),
    "contracts:roster_entry_change": Row(
        ROSTER_EDITOR.format(a="person_a", b="person_b", ok=200), targets=ON_ROSTER
    ),
    "contracts:roster_entry_discard": Row(
        ROSTER_EDITOR.format(a="drafted_a", b="drafted_b", ok="R"),
        method=POST,
        targets=DRAFTED,
        state=_roster_entries,
    ),
    "contracts:roster_change_act": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok="R"),
        method=POST,
        targets=CHANGES,
        data=lambda mw, user, label: {"action": "submit"},
        state=_change_state,
    ),
    "contracts:contract_work_start": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"on": "2025-04-14"},
        state=contract_events("contract.work_started"),
    ),
    "contracts:contract_end": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"on": "2026-03-31"},
        state=_contract_status,
    ),
}


def rows(m) -> dict[str, Row]:
    return ROWS

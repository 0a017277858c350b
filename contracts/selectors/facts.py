"""The facts about a contract that its clauses may depend on (an obligation's `applies_if`),
answered from the contract's records and registered with clauses.api from ContractsConfig.ready().

The duty engine asks clauses.api.fact_holds; it never reads these tables for a condition itself.
`changed_by` names the events after which a fact may hold where it did not, so that the engine
opens then the contract-wide duties that depend on it.
"""

from __future__ import annotations

from datetime import date

from clauses.api import register_fact
from contracts import events
from contracts.models import Contract, Employment, Person, RosterEntry
from contracts.selectors.roster import roster_in_force
from core.approvals import ApprovalState

PERSON_SUBJECT = "contracts.person:"
# A roster change comes in force when it is notified (notice-only clauses) or approved.
ROSTER_IN_FORCE_EVENTS = (events.ROSTER_CHANGE_NOTIFIED, f"{events.ROSTER_PREFIX}.approved")
# The contract flags a person sets on the contract's page (contracts.services.contract_update).
FLAGS = ("handles_personal_info", "handles_my_number", "on_premises", "subcontracting", "uses_client_network")


def _flag(name: str):
    def holds(contract: Contract, *, on: date, subject: str) -> bool:
        return bool(getattr(contract, name))

    return holds


def dispatch_workers(contract: Contract, *, on: date, subject: str) -> bool:
    """A duty per person applies to the person if they are a dispatch worker (000 §10: 派遣労働者
    によって行わせる場合); a contract-wide one once the roster in force names a dispatch worker."""
    if subject.startswith(PERSON_SUBJECT):
        person_id = subject.removeprefix(PERSON_SUBJECT)
        return (
            person_id.isdigit()
            and Person.objects.filter(
                pk=int(person_id), contract=contract, employment=Employment.DISPATCH
            ).exists()
        )
    in_force = roster_in_force(contract, on).filter(person__employment=Employment.DISPATCH)
    if in_force.exists():
        return True
    # The approval's event is recorded before the change is dated in force (the workflow first,
    # then the effect, contracts.services.roster): an approved change not yet dated counts too.
    return contract.roster_changes.filter(
        approval_state=ApprovalState.APPROVED,
        effective_at__isnull=True,
        entries__person__employment=Employment.DISPATCH,
        entries__action__in=(RosterEntry.Action.ADD, RosterEntry.Action.UPDATE),
    ).exists()


def register() -> None:
    for name in FLAGS:
        register_fact(name, _flag(name), changed_by=(events.CONTRACT_UPDATED,))
    register_fact("dispatch_workers", dispatch_workers, changed_by=ROSTER_IN_FORCE_EVENTS)

"""The facts about a contract that its clauses may depend on (an obligation's `applies_if`),
answered from the contract's records and registered with clauses.api from ContractsConfig.ready().

The duty engine asks clauses.api.fact_holds; it never reads these tables for a condition itself.
`changed_by` names the events after which a fact may hold where it did not, so that the engine
opens then the contract-wide duties that depend on it.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from clauses.api import register_fact
from contracts import events
from contracts.models import Contract, Employment, Person, PersonRole, RosterEntry
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


def worker(contract: Contract, *, on: date, subject: str) -> bool:
    """A duty per person applies to the person if the roster names them a worker (000 §9.1,
    002 §4.2: 業務従事者・作業従事者を定め): the responsible person is designated by a duty of
    their own, not again as a worker. A contract-wide duty: the roster names a worker."""
    entries = RosterEntry.objects.filter(person__contract=contract).exclude(action=RosterEntry.Action.REMOVE)
    if subject.startswith(PERSON_SUBJECT):
        person_id = subject.removeprefix(PERSON_SUBJECT)
        if not person_id.isdigit():
            return False
        # The person's latest version says what they are now (a worker may become responsible).
        latest = entries.filter(person_id=int(person_id)).order_by("-change__number", "-pk").first()
        return latest is not None and latest.role == PersonRole.WORKER
    return entries.filter(role=PersonRole.WORKER).exists()


def _earlier_change_in_force(changes) -> bool:
    # At the first change's own events no change carries its date yet, or only the one being
    # submitted does (a notice dates it as it is given): so the question is whether an EARLIER
    # change than the latest one is in force.
    latest = changes.aggregate(n=Max("number"))["n"]
    return latest is not None and changes.filter(effective_at__isnull=False, number__lt=latest).exists()


def roster_already_in_force(contract: Contract, *, on: date, subject: str) -> bool:
    """Whether a roster is already in force: what a person joining or leaving then is, is a change
    of personnel (001 §8, 002 §4.3, 004 §3.3), not the first roster — whose people are put on it by
    the duties of the first roster themselves."""
    return _earlier_change_in_force(contract.roster_changes)


def worksites_already_in_force(contract: Contract, *, on: date, subject: str) -> bool:
    """Whether work sites are already in force: a declaration then is a change of work site
    (002 §5.2), not the first declaration — which the work-start duty (002 §5.1) approves."""
    return _earlier_change_in_force(contract.worksite_changes)


def register() -> None:
    for name in FLAGS:
        register_fact(name, _flag(name), changed_by=(events.CONTRACT_UPDATED,))
    register_fact("dispatch_workers", dispatch_workers, changed_by=ROSTER_IN_FORCE_EVENTS)
    # Never re-evaluated: a change duty must not open afterwards for the first roster's people.
    register_fact("roster_in_force", roster_already_in_force)
    register_fact("worksites_in_force", worksites_already_in_force)
    register_fact("worker", worker)

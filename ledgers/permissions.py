"""Who may do what with the ledgers: every rule, named for what it allows (architecture.md)."""

from __future__ import annotations

from contracts.models import Subcontract
from core.approvals import ApprovalState
from core.models import Membership, Role

KEEPERS = (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF)


def keeping_parties(contract) -> set[int]:
    """The organisations that keep a ledger on the contract: the contractor, and each approved
    subcontractor for its own part (what it holds of the contract's information) — after its
    link ended, until its return or disposal is certified (a person of it is named then only on
    a return or disposal: ledgers.services.people)."""
    from ledgers.selectors.devices import uncertified

    parties = {contract.contractor_id}
    ended: dict[int, int] = {}
    links = Subcontract.objects.filter(contract=contract, approval_state=ApprovalState.APPROVED)
    for pk, organisation_id, ended_on in links.values_list("pk", "subcontractor_id", "ended_on"):
        if ended_on is None:
            parties.add(organisation_id)
        else:
            ended[pk] = organisation_id
    return parties | uncertified(contract, ended)


# What the ledgers record in: a running contract, and an ended one until it is closed — its
# returns and disposals are recorded after the work (the close asks them); a closed contract's
# data key is destroyed, so nothing is recorded any more.
RECORDING_STATUSES = ("active", "ended")


def _keeper(membership: Membership | None, contract, statuses) -> bool:
    return bool(
        membership
        and membership.role in KEEPERS
        and contract.status in statuses
        and membership.organisation_id in keeping_parties(contract)
    )


def can_keep_devices(user, membership: Membership | None, contract) -> bool:
    """The contractor's managers and staff (and an approved subcontractor's, for its own devices)
    enter devices, information and take-outs on a running contract."""
    return _keeper(membership, contract, ("active",))


def can_finish_ledgers(user, membership: Membership | None, contract) -> bool:
    """The same people record what becomes of what they keep (a change, a return, a disposal and
    its application) while the contract runs and after it ended, until it is closed."""
    return _keeper(membership, contract, RECORDING_STATUSES)


def can_apply(user, membership: Membership | None, contract, kind: str) -> bool:
    """Any application on a running contract; after its end only a return or disposal."""
    return can_keep_devices(user, membership, contract) or (
        kind == "disposal" and can_finish_ledgers(user, membership, contract)
    )


def can_change_device(user, membership: Membership | None, device) -> bool:
    """A device is changed by its own party: a subcontractor never edits the contractor's, nor
    the contractor a subcontractor's (each answers for what it keeps)."""
    return (
        can_finish_ledgers(user, membership, device.contract)
        and membership.organisation_id == device.organisation_id
    )


def can_change_information(user, membership: Membership | None, item) -> bool:
    """An item's custody is recorded by the party that holds it, as a device's by its keeper."""
    return (
        can_finish_ledgers(user, membership, item.contract)
        and membership.organisation_id == item.organisation_id
    )


def can_make_request(user, membership: Membership | None, request) -> bool:
    """A take-out request or an application (copy, provision, bring-in, disposal) is drafted,
    changed and submitted by the party that holds what it concerns."""
    return (
        can_finish_ledgers(user, membership, request.contract)
        and membership.organisation_id == request.organisation_id
    )


can_request_takeout = can_make_request


def can_decide_application(user, membership: Membership | None, request) -> bool:
    """The public body's managers of the contract decide what the clauses leave to it: a copy, a
    provision to a third party, a bring-in, a disposal (and taking information out)."""
    from contracts.permissions import can_manage_contract

    if membership is None or user.is_superuser:
        return False
    return can_manage_contract(user, membership, request.contract)


def can_decide_takeout(user, membership: Membership | None, request) -> bool:
    """The party the clauses name decides: the public body's managers of the contract, or the
    requesting party's own manager — never the person who drafted the request."""
    if membership is None or user.is_superuser:
        return False
    if request.approver == "client":
        return can_decide_application(user, membership, request)
    return (
        membership.role == Role.CONTRACTOR_ADMIN
        and membership.organisation_id == request.organisation_id
        and user.pk != request.created_by_id
    )

"""Who may act on duties, each rule named for what it allows."""

from contracts.permissions import can_manage_contract
from core.models import Membership, Role


def can_waive_duty(user, membership: Membership | None, contract) -> bool:
    """Waiving is the public body's: its administrators and the contract's staff."""
    return can_manage_contract(user, membership, contract)


def can_request_duty(user, membership: Membership | None, contract) -> bool:
    """Requesting what the clauses let the public body ask for: the same people as waiving."""
    return can_manage_contract(user, membership, contract)


def can_act_as_contractor(user, membership: Membership | None, contract) -> bool:
    """A member of the contract's contractor (the side that meets the duties)."""
    return bool(
        membership
        and membership.role in (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF)
        and membership.organisation_id == contract.contractor_id
    )


def can_meet_duty(user, membership: Membership | None, duty) -> bool:
    """Meeting a duty (attesting, submitting its document) is the side its obligation binds: the
    contractor's members for the contractor's duties, the public body's contract staff for the
    public body's own (an audit, a check it confirms)."""
    if duty.obligation.actor == "client":
        return can_manage_contract(user, membership, duty.contract) and not user.is_superuser
    return can_act_as_contractor(user, membership, duty.contract)


def can_accept_duty_document(user, membership: Membership | None, duty) -> bool:
    """Accepting or returning a document given for a duty is the other side's."""
    if duty.obligation.actor == "client":
        return can_act_as_contractor(user, membership, duty.contract)
    return can_manage_contract(user, membership, duty.contract) and not user.is_superuser


def can_attest_duty(user, membership: Membership | None, duty) -> bool:
    """Attesting a measure is for the side the duty binds."""
    return can_meet_duty(user, membership, duty)

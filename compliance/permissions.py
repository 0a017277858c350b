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


def can_attest_duty(user, membership: Membership | None, contract) -> bool:
    """Attesting a measure is the contractor's."""
    return can_act_as_contractor(user, membership, contract)

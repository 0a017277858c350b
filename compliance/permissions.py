from contracts.permissions import can_manage_contract
from core.models import Membership, Role


def can_waive(user, membership: Membership | None, contract) -> bool:
    """Waiving and requesting are the public body's: its administrators and the contract's staff."""
    return can_manage_contract(user, membership, contract)


def can_act_as_contractor(user, membership: Membership | None, contract) -> bool:
    return bool(
        membership
        and membership.role in (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF)
        and membership.organisation_id == contract.contractor_id
    )

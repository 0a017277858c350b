from core.models import Membership, Role


def can_create_contract(user, membership: Membership | None) -> bool:
    """Public-body staff register contracts; a contractor's manager may propose one, which the
    public body confirms by activating it."""
    return bool(
        membership and membership.role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.CONTRACTOR_ADMIN)
    )


def can_manage_contract(user, membership: Membership | None, contract) -> bool:
    """Public-body administrators, and staff of the contract's department (or whole-body staff)."""
    if user.is_superuser:
        return True
    if membership is None or membership.organisation_id != contract.public_body_id:
        return False
    if membership.role == Role.CLIENT_ADMIN:
        return True
    return membership.role == Role.CLIENT_STAFF and (
        membership.department_id is None or membership.department_id == contract.department_id
    )


def can_edit_roster(user, membership: Membership | None, contract) -> bool:
    """The contractor's manager builds the roster and its changes."""
    return bool(
        membership
        and membership.role == Role.CONTRACTOR_ADMIN
        and membership.organisation_id == contract.contractor_id
    )


def can_decide_roster(user, membership: Membership | None, contract) -> bool:
    return can_manage_contract(user, membership, contract) and not user.is_superuser


def can_download_pledge(user, membership: Membership | None, contract) -> bool:
    """Signed pledges: the contractor's manager and the public body's side; not every worker."""
    if user.is_superuser:
        return True
    return bool(membership) and not (
        membership.role == Role.CONTRACTOR_STAFF and membership.organisation_id == contract.contractor_id
    )

"""Who may do what in core: role rules that go with the selectors' scoping."""

from __future__ import annotations

from core.models import Membership, Organisation, Role
from core.selectors import AUDIT_LOG_ROLES, contractors_working_with

SITE_ADMIN = "site_admin"

# Which roles an organisation's administrator may invite into their own organisation.
INVITABLE_ROLES = {
    Role.CLIENT_ADMIN: (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.AUDITOR),
    Role.CONTRACTOR_ADMIN: (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF),
}


def role_of(user, membership: Membership | None) -> str | None:
    if user.is_superuser:
        return SITE_ADMIN
    return membership.role if membership else None


def can_manage_members(user, membership: Membership | None, organisation: Organisation) -> bool:
    if user.is_superuser:
        return True
    return bool(membership and membership.is_admin and membership.organisation_id == organisation.pk)


def invitable_roles(user, membership: Membership | None, organisation: Organisation) -> tuple[str, ...]:
    if user.is_superuser:
        return (Role.CLIENT_ADMIN,) if organisation.is_public_body else (Role.CONTRACTOR_ADMIN,)
    if not can_manage_members(user, membership, organisation):
        return ()
    return INVITABLE_ROLES.get(membership.role, ())


def can_invite_contractors(user, membership: Membership | None) -> bool:
    return bool(membership and membership.role == Role.CLIENT_ADMIN)


def can_invite_subcontractors(user, membership: Membership | None, public_body: Organisation) -> bool:
    """A contractor's manager may bring into the portal a company it entrusts work to, for a public
    body it works with (the body then decides on the subcontract, and sees the company)."""
    return bool(
        membership
        and membership.role == Role.CONTRACTOR_ADMIN
        and contractors_working_with(public_body).filter(pk=membership.organisation_id).exists()
    )


def can_view_audit_log(user, membership: Membership | None) -> bool:
    return user.is_superuser or bool(membership and membership.role in AUDIT_LOG_ROLES)


def can_edit_organisation(user, membership: Membership | None, organisation: Organisation) -> bool:
    return can_manage_members(user, membership, organisation)


def can_revoke_invitation(user, membership: Membership | None, invitation) -> bool:
    """The organisation's administrators, or the public body whose administrator invited the
    contractor's manager (any of its administrators, not only the one who sent it)."""
    if can_manage_members(user, membership, invitation.organisation):
        return True
    inviter = invitation.invited_by_id
    return bool(
        can_invite_contractors(user, membership)
        and invitation.organisation.kind == "contractor"
        and Membership.objects.filter(
            user_id=inviter, organisation_id=membership.organisation_id, is_active=True
        ).exists()
    )

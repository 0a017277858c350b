from __future__ import annotations

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from contracts.models import Contract
from core.models import Membership, Role


def contracts_visible_to(user, membership: Membership | None) -> QuerySet[Contract]:
    """Contracts a person may read: by membership for whole-body roles, by guardian otherwise."""
    # The template's frozen source (content) is large and never shown with a contract.
    base = Contract.objects.select_related(
        "public_body", "department", "contractor", "clause_template"
    ).defer("clause_template__content")
    if user.is_superuser:
        return base
    if membership is None:
        return base.none()
    if membership.role in (Role.CLIENT_ADMIN, Role.AUDITOR) or (
        membership.role == Role.CLIENT_STAFF and membership.department_id is None
    ):
        return base.filter(public_body_id=membership.organisation_id)
    # Department staff and contractor members: the permission granted to their groups, and
    # only within the organisation they act for now.
    granted = get_objects_for_user(
        user,
        "contracts.view_contract",
        klass=Contract,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    ).values("pk")
    own = (
        Q(public_body_id=membership.organisation_id)
        if membership.is_client_side
        else Q(contractor_id=membership.organisation_id)
    )
    return base.filter(own, pk__in=granted)


# --- who hears about an approval -----------------------------------------------------------------


def contract_approvers(contract: Contract) -> list:
    """The public body's people for the contract: its responsible staff, else the body's administrators."""
    if contract.client_responsible_id:
        return [contract.client_responsible]
    return organisation_people(contract.public_body_id, Role.CLIENT_ADMIN)


def organisation_people(organisation_ids, role: str) -> list:
    if isinstance(organisation_ids, int):
        organisation_ids = [organisation_ids]
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id__in=organisation_ids, role=role, is_active=True
        ).select_related("user")
    ]


def approval_recipients(obj, action: str) -> list:
    """The shared workflow's `notify` for things the contractor submits about a contract:
    submissions go to the public body's people, decisions to the contractor's managers."""
    from core.approvals import ApprovalAction

    if action in (ApprovalAction.SUBMIT, ApprovalAction.WITHDRAW):
        return contract_approvers(obj.contract)
    return organisation_people(obj.contract.contractor_id, Role.CONTRACTOR_ADMIN)


# --- who may be named responsible on a contract --------------------------------------------------

CLIENT_RESPONSIBLE_ROLES = (Role.CLIENT_ADMIN, Role.CLIENT_STAFF)
CONTRACTOR_RESPONSIBLE_ROLES = (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF)


def responsible_candidates(organisation_ids, roles) -> QuerySet[Membership]:
    """Active members of these organisations in these roles, with what their labels need
    (the name is encrypted under the user's key; the company names the choice)."""
    return (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=roles,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        )
        .select_related("user", "user__data_key", "organisation")
        .order_by("organisation__name", "user__email")
    )


def is_responsible_candidate(user, organisation_id: int | None, roles) -> bool:
    return bool(
        organisation_id and responsible_candidates([organisation_id], roles).filter(user_id=user.pk).exists()
    )


# --- drafts are the contractor's until submitted ------------------------------------------------


def drafts_visible_to(user, membership: Membership | None) -> bool:
    """Whether this person may see approvables still in draft: the contractor side (and the site
    administrators). The public body's side sees a thing once it is submitted."""
    return bool(user.is_superuser or (membership is not None and membership.is_contractor_side))


def without_drafts_for(user, membership: Membership | None, queryset: QuerySet) -> QuerySet:
    """An approvable list as this person may see it: drafts left out for the public body's side."""
    if drafts_visible_to(user, membership):
        return queryset
    return queryset.exclude(approval_state="draft")


def unless_draft_for(user, membership: Membership | None, obj):
    """The object, or None when it is a draft this person may not see."""
    if obj is not None and obj.approval_state == "draft" and not drafts_visible_to(user, membership):
        return None
    return obj


def exclude_closed_contracts(queryset: QuerySet) -> QuerySet:
    """An approvable's rows without those of closed contracts: once a contract is closed nothing
    more is decided on it (every approvable hangs off a contract; by its id, which is all the
    workflow's own test model has)."""
    closed = Contract.objects.filter(status=Contract.Status.CLOSED).values("pk")
    return queryset.exclude(contract_id__in=closed)

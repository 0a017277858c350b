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

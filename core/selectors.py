"""Every read of core data, scoped to the person asking."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_groups_with_perms, get_objects_for_group

from core.models import Event, Invitation, Membership, Organisation, OrganisationKind, Role

SESSION_MEMBERSHIP_KEY = "active_membership_id"


def active_membership(request) -> Membership | None:
    """The membership the user acts under: the one chosen in the session, else the first."""
    cached = getattr(request, "_active_membership", False)
    if cached is not False:
        return cached
    qs = (
        Membership.objects.filter(user=request.user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__group", "department")
        .order_by("created_at", "pk")
    )
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
    membership = (qs.filter(pk=chosen).first() if chosen else None) or qs.first()
    request._active_membership = membership
    return membership


def memberships_of_user(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk")


def organisation_ids_visible_to(user, membership: Membership | None) -> QuerySet | None:
    """Organisation ids a person may read; None means all of them (site administrators)."""
    if user.is_superuser:
        return None
    if membership is None:
        return Organisation.objects.none().values("pk")
    own = Q(pk=membership.organisation_id)
    if membership.is_client_side:
        # Contractors become visible to a public body through a guardian permission granted to
        # the body's group when the body invites them (and, later, when contracts are signed).
        granted = get_objects_for_group(
            membership.organisation.group,
            "core.view_organisation",
            klass=Organisation,
            accept_global_perms=False,
        ).values("pk")
        return Organisation.objects.filter(own | Q(pk__in=granted)).values("pk")
    return Organisation.objects.filter(own).values("pk")


def organisations_visible_to(user, membership: Membership | None) -> QuerySet[Organisation]:
    ids = organisation_ids_visible_to(user, membership)
    qs = Organisation.objects.all() if ids is None else Organisation.objects.filter(pk__in=ids)
    return qs.order_by("kind", "name")


def contractors_of_public_body(membership: Membership) -> QuerySet[Organisation]:
    return contractors_working_with(membership.organisation)


def contractors_working_with(body: Organisation) -> QuerySet[Organisation]:
    """Active contractors the public body brought into the portal (it can see them)."""
    return (
        get_objects_for_group(
            body.group,
            "core.view_organisation",
            klass=Organisation,
            accept_global_perms=False,
        )
        .filter(kind=OrganisationKind.CONTRACTOR, is_active=True)
        .order_by("name")
    )


def public_bodies_of_contractor(contractor: Organisation) -> QuerySet[Organisation]:
    """The public bodies that work with a contractor (those that can see it)."""
    return Organisation.objects.filter(
        kind=OrganisationKind.PUBLIC_BODY, is_active=True, group__in=get_groups_with_perms(contractor)
    ).order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "department")
        .order_by("-is_active", "role", "user__email")
    )


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("department", "invited_by")
        .order_by("-created_at")
    )


AUDIT_LOG_ROLES = frozenset({Role.CLIENT_ADMIN, Role.AUDITOR, Role.CONTRACTOR_ADMIN})

# Which events about a contract a membership may read. Core knows no contract, so the app that
# does (contracts) registers a provider from its AppConfig.ready(), as with core.panels: it
# returns a Q over Event (contract_id, organisation_id, object_type/object_id) that the
# database evaluates. With no provider, no contract event is visible to anyone but the site
# administrators: the safe default.
EventScope = Callable[[Membership], Q]
_contract_event_scopes: list[EventScope] = []


def register_contract_event_scope(provider: EventScope) -> None:
    if provider not in _contract_event_scopes:
        _contract_event_scopes.append(provider)


def event_scope(membership: Membership) -> Q:
    """Every event belongs to one tenant: an event about a contract to the parties of that
    contract (as the providers say), any other event to the organisation it was filed under
    (the actor's, as record_event files it). Never "every organisation I can see": a public
    body sees the contractors it works with, and they work for other bodies too."""
    q = Q(contract_id__isnull=True, organisation_id=membership.organisation_id)
    # ... and events about the organisation itself (its members' list viewed by a public body
    # it works with): the people concerned may know who read their names.
    q |= Q(
        contract_id__isnull=True,
        object_type="core.organisation",
        object_id=str(membership.organisation_id),
    )
    contract_q = None
    for provider in _contract_event_scopes:
        part = provider(membership)
        contract_q = part if contract_q is None else contract_q | part
    if contract_q is not None:
        q |= Q(contract_id__isnull=False) & contract_q
    return q


def events_visible_to(user, membership: Membership | None) -> QuerySet[Event]:
    """The audit log as the person may read it, scoped in SQL (pages, panels, filters)."""
    qs = Event.objects.select_related("actor", "actor__data_key", "organisation").order_by("-id")
    if user.is_superuser:
        return qs
    if membership is None or membership.role not in AUDIT_LOG_ROLES:
        return qs.none()
    return qs.filter(event_scope(membership))

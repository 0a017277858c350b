"""Reads of incidents, always as a person may see them, and where each incident stands.

Who sees an incident (001 §24.2: a subcontractor reports to the public body and to the party
above it): whoever reads the contract whole — the contractor, the public body's staff of the
contract and its auditors — and, of the subcontract tiers, the reporting tier and every tier
above it (a tier sees its own part and what lies below it: contracts.selectors.subcontracts).
A sibling tier, or a tier below the reporter, sees none of it; neither does anyone of another
public body. A tier whose link has ended still sees what it reported (the duty to report lasts
past the work, 003 §17).

Where an incident stands is read from its timeline, never stored: closed once the public body
closed it; waiting for the reporting side while an instruction is not acknowledged; acknowledged
once the public body confirmed receipt; otherwise reported and waiting for that confirmation.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Subcontract
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.subcontracts import chain_scope
from core.approvals import ApprovalState
from core.models import Membership, Role
from incidents.models import EntryKind, Incident, IncidentEntry

# What a report can still be added to: a running contract, and an ended one until it is closed
# (the duty to report outlives the work, 003 §17); a closed contract's data key is destroyed.
REPORTING_STATUSES = (Contract.Status.ACTIVE, Contract.Status.ENDED)


class Status:
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    INSTRUCTED = "instructed"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.REPORTED: _("Waiting for the public body's acknowledgement"),
    Status.ACKNOWLEDGED: _("Acknowledged"),
    Status.INSTRUCTED: _("Instruction to be acknowledged"),
    Status.CLOSED: _("Closed"),
}


def reporting_parties(contract: Contract) -> set[int]:
    """The organisations that may report on the contract: the contractor and every tier that
    holds or held an approved link (an ended link's party still reports what it finds)."""
    links = Subcontract.objects.filter(contract=contract, approval_state=ApprovalState.APPROVED)
    return {contract.contractor_id, *links.values_list("subcontractor_id", flat=True)}


def upstream_of(contract: Contract, organisation_id: int) -> list[int]:
    """The parties above a reporting organisation, from the contractor down: none for the
    contractor itself; for a tier, the entrusting party of each link of its chain (one query
    for the link, one for its chain)."""
    if organisation_id == contract.contractor_id:
        return []
    link = (
        Subcontract.objects.filter(
            contract=contract, subcontractor_id=organisation_id, approval_state=ApprovalState.APPROVED
        )
        .only("path")
        .first()
    )
    if link is None:
        return [contract.contractor_id]
    by_link = dict(Subcontract.objects.filter(pk__in=link.chain_ids).values_list("pk", "upstream_id"))
    return [by_link[pk] for pk in link.chain_ids if pk in by_link]


def incident_parties(incident: Incident) -> set[int]:
    """The contractor-side parties of an incident: the reporting tier and every tier above it."""
    return {incident.organisation_id, *upstream_of(incident.contract, incident.organisation_id)}


def parties_in_scope(user, membership: Membership | None, contract: Contract) -> set[int] | None:
    """Whose incidents the person sees on the contract: None for all (a whole reader of the
    contract), else its own tier and those below it, ended links included."""
    scope, ended = chain_scope(user, membership, contract)
    if scope is None:
        return None
    return scope | set(ended.values())


def _first_of(kind: str, field: str = "recorded_at") -> Subquery:
    return Subquery(
        IncidentEntry.objects.filter(incident=OuterRef("pk"), kind=kind)
        .order_by("sequence")
        .values(field)[:1]
    )


def with_state(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """The incidents with what their state is read from, in the same query: when the public body
    acknowledged and closed them, and how many instructions wait for their acknowledgement."""
    pending = (
        IncidentEntry.objects.filter(
            incident=OuterRef("pk"), kind=EntryKind.INSTRUCTION, responses__isnull=True
        )
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return incidents.annotate(
        acknowledged_at=_first_of(EntryKind.ACKNOWLEDGEMENT),
        closed_at=_first_of(EntryKind.CLOSURE),
        pending_instructions=Coalesce(Subquery(pending, output_field=IntegerField()), Value(0)),
    )


def state_of(incident: Incident) -> str:
    """One of Status, from an incident read through with_state()."""
    if incident.closed_at is not None:
        return Status.CLOSED
    if incident.pending_instructions:
        return Status.INSTRUCTED
    if incident.acknowledged_at is not None:
        return Status.ACKNOWLEDGED
    return Status.REPORTED


def incidents_visible_to(user, membership: Membership | None, contract: Contract) -> QuerySet[Incident]:
    """The contract's incidents the person may see, newest first, with their reporting party and
    their state in the same query."""
    found = Incident.objects.filter(contract=contract)
    scope = parties_in_scope(user, membership, contract)
    if scope is not None:
        found = found.filter(organisation_id__in=scope)
    return with_state(found.select_related("organisation")).order_by("-number")


def incident_visible_to(user, membership: Membership | None, pk: int) -> Incident | None:
    """The incident, if the person may see it (missing and forbidden look the same)."""
    found = (
        with_state(Incident.objects.filter(pk=pk))
        .select_related(
            "contract", "contract__contractor", "contract__public_body", "organisation", "data_key"
        )
        .first()
    )
    if found is None:
        return None
    scope = parties_in_scope(user, membership, found.contract)
    if scope is not None:
        return found if found.organisation_id in scope else None
    return found if contracts_visible_to(user, membership).filter(pk=found.contract_id).exists() else None


def timeline(incident: Incident) -> list[IncidentEntry]:
    """The incident's entries in their order, with who recorded each (one query)."""
    return list(incident.entries.select_related("actor", "organisation").order_by("sequence"))


def unacknowledged_for(user, membership: Membership | None) -> QuerySet[Incident]:
    """The incidents not yet acknowledged on the contracts this member of a public body manages
    (contracts.permissions.can_manage_contract, as a filter), oldest first."""
    if (
        membership is None
        or user.is_superuser
        or membership.role not in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF)
    ):
        return Incident.objects.none()
    contracts = contracts_visible_to(user, membership).filter(
        public_body_id=membership.organisation_id, status__in=REPORTING_STATUSES
    )
    if membership.role == Role.CLIENT_STAFF and membership.department_id is not None:
        contracts = contracts.filter(department_id=membership.department_id)
    return (
        with_state(Incident.objects.filter(contract__in=contracts.values("pk")))
        .filter(acknowledged_at__isnull=True, closed_at__isnull=True)
        .select_related("contract", "organisation")
        .order_by("reported_at")
    )


def reportable_contracts_for(membership: Membership | None) -> list[Contract]:
    """The contracts a contractor-side member may report an incident on: its organisation's own
    (running or ended, not closed) and those it holds or held an approved subcontract of."""
    if membership is None or not membership.is_contractor_side:
        return []
    org = membership.organisation_id
    held = Subcontract.objects.filter(subcontractor_id=org, approval_state=ApprovalState.APPROVED).values(
        "contract_id"
    )
    own = Contract.objects.filter(contractor_id=org)
    return list(
        (own | Contract.objects.filter(pk__in=held))
        .filter(status__in=REPORTING_STATUSES)
        .select_related("public_body")
        .only("pk", "number", "title", "public_body__name")
        .order_by("-start_date", "number")[:20]
    )

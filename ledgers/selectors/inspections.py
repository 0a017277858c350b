"""Reads of the inspections (models.inspections), always as a person may see them: a full party
of the contract sees every party's, an approved subcontractor its own part's (as the ledgers)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to
from core.models import Membership
from ledgers.models import Inspection, InspectionFinding
from ledgers.selectors.devices import parties_in_scope


def inspections_visible_to(user, membership: Membership | None, contract: Contract) -> QuerySet[Inspection]:
    """The contract's inspections the person may see, newest first, each with the number of its
    findings not corrected yet (`open_findings`) and its inspector and party in the same query."""
    found = Inspection.objects.filter(contract=contract)
    scope = parties_in_scope(user, membership, contract)
    if scope is not None:
        found = found.filter(organisation_id__in=scope)
    return (
        found.select_related("inspector", "organisation")
        .annotate(open_findings=Count("findings", filter=Q(findings__correction__isnull=True)))
        .order_by("-inspected_on", "-pk")
    )


def _visible(user, membership: Membership | None, inspection: Inspection) -> bool:
    scope = parties_in_scope(user, membership, inspection.contract)
    if scope is not None:
        return inspection.organisation_id in scope
    return contracts_visible_to(user, membership).filter(pk=inspection.contract_id).exists()


def inspection_visible_to(user, membership: Membership | None, pk: int) -> Inspection | None:
    """The inspection, if the person may see it (missing and forbidden look the same)."""
    found = (
        Inspection.objects.select_related("contract", "contract__contractor", "organisation", "inspector")
        .filter(pk=pk)
        .first()
    )
    return found if found is not None and _visible(user, membership, found) else None


def finding_visible_to(user, membership: Membership | None, pk: int) -> InspectionFinding | None:
    found = (
        InspectionFinding.objects.select_related(
            "inspection",
            "inspection__contract",
            "inspection__contract__contractor",
            "inspection__organisation",
        )
        .filter(pk=pk)
        .first()
    )
    return found if found is not None and _visible(user, membership, found.inspection) else None


def findings_of(inspection: Inspection) -> list[InspectionFinding]:
    """The inspection's findings in their order, each with its correction (one query)."""
    return list(
        inspection.findings.select_related("correction", "correction__corrected_by").order_by("number")
    )

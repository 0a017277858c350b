"""Every "the object or 404" of the incidents app: missing and forbidden look the same (design.md,
invariant 1). Views call these first, then the form and the service."""

from __future__ import annotations

from django.http import Http404

from contracts.access import get_contract_or_404
from contracts.models import Contract
from incidents.models import EntryKind, IncidentEntry
from incidents.selectors.incidents import incident_visible_to, parties_in_scope


def get_incident_contract_or_404(request, pk: int) -> Contract:
    """The contract whose incidents are asked for, if the person reads the contract — or is a
    tier that reports on it (a subcontractor sees only its own part's incidents: the selectors
    scope the rows), never the contract's page."""
    try:
        return get_contract_or_404(request, pk)
    except Http404:
        contract = Contract.objects.select_related("contractor", "public_body").filter(pk=pk).first()
        if contract is None:
            raise
        if not parties_in_scope(request.user, request.membership, contract):
            raise
        return contract


def get_incident_or_404(request, pk: int):
    incident = incident_visible_to(request.user, request.membership, pk)
    if incident is None:
        raise Http404
    return incident


def get_instruction_or_404(request, pk: int) -> IncidentEntry:
    """An instruction of an incident the person may see."""
    entry = IncidentEntry.objects.filter(pk=pk, kind=EntryKind.INSTRUCTION).first()
    if entry is None:
        raise Http404
    # The incident as the person sees it (with its state), or the same 404.
    entry.incident = get_incident_or_404(request, entry.incident_id)
    return entry

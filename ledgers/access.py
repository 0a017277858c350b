"""Every "the object or 404" of the ledgers app: missing and forbidden look the same (design.md,
invariant 1). Views call these first, then the form and the service."""

from __future__ import annotations

from django.http import Http404

from contracts.access import get_contract_or_404
from contracts.models import Contract
from contracts.selectors.contracts import drafts_visible_to
from core.approvals import ApprovalState
from ledgers.models import (
    Device,
    InformationItem,
    Inspection,
    InspectionFinding,
    LedgerImport,
    LedgerRequest,
    TakeoutRequest,
)
from ledgers.permissions import can_keep_devices
from ledgers.selectors.devices import device_visible_to, parties_in_scope
from ledgers.selectors.information import item_visible_to
from ledgers.selectors.inspections import finding_visible_to, inspection_visible_to


def get_ledger_contract_or_404(request, pk: int) -> Contract:
    """The contract whose ledgers are asked for, if the person may see the contract — or keeps a
    part of its ledgers: an approved subcontractor sees the contract's ledgers only for its own
    part and what lies below it (the selectors scope the rows), never the contract's page."""
    try:
        return get_contract_or_404(request, pk)
    except Http404:
        contract = Contract.objects.select_related("contractor", "public_body").filter(pk=pk).first()
        if contract is None or not parties_in_scope(request.user, request.membership, contract):
            raise
        return contract


def get_device_or_404(request, pk: int) -> Device:
    device = device_visible_to(request.user, request.membership, pk)
    if device is None:
        raise Http404
    return device


def get_item_or_404(request, pk: int) -> InformationItem:
    """An item of the information ledger, if the person may see it: a full party of the contract
    sees all its items, an approved subcontractor only its own part (as for the contract above)."""
    item = item_visible_to(request.user, request.membership, pk)
    if item is None:
        raise Http404
    return item


def get_takeout_or_404(request, pk: int) -> TakeoutRequest:
    """A take-out request, if the person may see it: the contract's readers see all of them, an
    approved subcontractor only its own part's (as for an item). A draft is the requesting side's
    until it is submitted: the public body's side gets the same 404 as for a missing one (as
    contracts.access does for every approvable)."""
    found = (
        TakeoutRequest.objects.select_related("contract", "contract__contractor", "organisation", "person")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    # None only for a reader of the contract itself; else the parties of a subcontractor's part.
    scope = parties_in_scope(request.user, request.membership, found.contract)
    if scope is not None and found.organisation_id not in scope:
        raise Http404
    draft = found.approval_state == ApprovalState.DRAFT
    if draft and not drafts_visible_to(request.user, request.membership):
        raise Http404
    return found


def get_request_or_404(request, pk: int) -> LedgerRequest:
    """An application (copy, provision, bring-in, disposal), as its kind's proxy, if the person
    may see it: the same rules as for a take-out request (a subcontractor its own part's, a
    draft only on the applying side)."""
    found = (
        LedgerRequest.objects.select_related("contract", "contract__contractor", "organisation", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    scope = parties_in_scope(request.user, request.membership, found.contract)
    if scope is not None and found.organisation_id not in scope:
        raise Http404
    draft = found.approval_state == ApprovalState.DRAFT
    if draft and not drafts_visible_to(request.user, request.membership):
        raise Http404
    # The workflow and the audit trail know each kind by its proxy (core.approvables).
    return found.as_kind()


def get_inspection_or_404(request, pk: int) -> Inspection:
    """An inspection, if the person may see it: the contract's readers see all of them, an
    approved subcontractor only its own part's (as for an item)."""
    found = inspection_visible_to(request.user, request.membership, pk)
    if found is None:
        raise Http404
    return found


def get_finding_or_404(request, pk: int) -> InspectionFinding:
    """A finding of an inspection the person may see (the same rule)."""
    found = finding_visible_to(request.user, request.membership, pk)
    if found is None:
        raise Http404
    return found


def get_import_or_404(request, pk: int, *, with_file: bool = True) -> LedgerImport:
    """An uploaded ledger file, waiting for its preview or apply, or its status once they have
    run: its uploader's alone, while they may still record on that ledger (anyone else, and a
    missing one, get the same 404). `with_file=False` leaves the encrypted file unread (the
    status page polls; the workers read the file)."""
    rows = LedgerImport.objects.select_related("contract", "contract__data_key")
    if not with_file:
        rows = rows.defer("xlsx")
    found = rows.filter(pk=pk).first()
    membership = request.membership
    if (
        found is None
        or found.created_by_id != request.user.pk
        or membership is None
        or membership.organisation_id != found.organisation_id
        or not can_keep_devices(request.user, membership, found.contract)
    ):
        raise Http404
    return found

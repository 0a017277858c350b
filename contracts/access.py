"""Every "the object or 404" of the contracts app: missing and forbidden look the same (design.md,
invariant 1). Views call these first, then the form and the service."""

from __future__ import annotations

from django.db.models import Model
from django.http import Http404

from contracts import permissions
from contracts.models import Contract, Person, RosterChange, Subcontract, UnsuitableFlag, WorksiteChange
from contracts.selectors.contracts import contracts_visible_to, drafts_visible_to
from contracts.selectors.subcontracts import person_visible_to, subcontracts_visible_to
from contracts.selectors.worksites import worksite_change_visible_to
from core.approvals import ApprovalState


def _drafts_hidden(request, obj) -> None:
    """A draft is the contractor's until it is submitted: the public body's side (approvers,
    administrators, auditors) gets the same 404 as for a missing one. A returned item stays
    readable by the body: it was submitted, and the body's own decision is on it; a withdrawn
    one is a draft again, taken back by its submitter."""
    if obj.approval_state == ApprovalState.DRAFT and not drafts_visible_to(request.user, request.membership):
        raise Http404


def get_contract_or_404(request, pk: int) -> Contract:
    contract = contracts_visible_to(request.user, request.membership).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def get_roster_change_or_404(request, pk: int):

    change = RosterChange.objects.select_related("contract", "submitted_pdf").filter(pk=pk).first()
    if (
        change is None
        or not contracts_visible_to(request.user, request.membership).filter(pk=change.contract_id).exists()
    ):
        raise Http404
    _drafts_hidden(request, change)
    return change


def get_person_or_404(request, pk: int):

    person = Person.objects.select_related("contract", "contract__clause_template").filter(pk=pk).first()
    # A full party of the contract sees everyone; a subcontractor only its own chain's people.
    if person is None or not person_visible_to(request.user, request.membership, person):
        raise Http404
    return person


def get_managed_contract_or_404(request, pk: int) -> Contract:
    """The contract, if the user manages it (the public body's side)."""
    contract = get_contract_or_404(request, pk)
    if not permissions.can_manage_contract(request.user, request.membership, contract):
        raise Http404
    return contract


def get_closable_contract_or_404(request, pk: int) -> Contract:
    """The contract, for the public body's managers who may close it (anyone else: 404)."""
    contract = get_contract_or_404(request, pk)
    if not permissions.can_close_contract(request.user, request.membership, contract):
        raise Http404
    return contract


def get_closed_contract_or_404(request, pk: int) -> Contract:
    """A closed contract whose erasure certificates the user reads (its public body's managers
    and auditors); a contract not closed is the 404 of a missing one."""
    contract = get_contract_or_404(request, pk)
    if contract.status != Contract.Status.CLOSED or not permissions.can_read_erasure_certificate(
        request.user, request.membership, contract
    ):
        raise Http404
    return contract


def get_subcontract_or_404(request, pk: int) -> Subcontract:
    link = subcontracts_visible_to(request.user, request.membership).filter(pk=pk).first()
    if link is None:
        raise Http404
    _drafts_hidden(request, link)
    return link


def get_flag_or_404(request, pk: int) -> UnsuitableFlag:
    flag = UnsuitableFlag.objects.select_related("person", "person__contract").filter(pk=pk).first()
    if (
        flag is None
        or not contracts_visible_to(request.user, request.membership)
        .filter(pk=flag.person.contract_id)
        .exists()
    ):
        raise Http404
    return flag


def get_worksite_change_or_404(request, pk: int) -> WorksiteChange:
    change = worksite_change_visible_to(request.user, request.membership, pk)
    if change is None:
        raise Http404
    _drafts_hidden(request, change)
    return change


def get_editable_worksite_change_or_404(request, pk: int) -> WorksiteChange:
    change = get_worksite_change_or_404(request, pk)
    if not permissions.can_edit_worksites(request.user, request.membership, change.contract):
        raise Http404
    return change


def get_training_record_or_404(request, model: type[Model], pk: int):
    """The plan, session or report, if the user may read its contract (else 404, like missing)."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    obj.contract = get_contract_or_404(request, obj.contract_id)
    if hasattr(obj, "approval_state"):  # a plan or report; a session is not approvable
        _drafts_hidden(request, obj)
    return obj

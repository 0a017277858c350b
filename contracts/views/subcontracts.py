"""Pages of subcontracting (再委託): the chains of a contract, one link with its application,
decision and people, the application form and PDF, and a subcontractor's own list.
Thin: access, form, service."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clauses import api as clauses_api
from contracts import events, permissions
from contracts.access import get_contract_or_404, get_subcontract_or_404
from contracts.forms.subcontracts import SubcontractEndForm, SubcontractForm
from contracts.models import FINISHED_STATUSES, Subcontract
from contracts.pdf.subcontracts import SUBCONTRACT_FORM, subcontract_context
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.subcontracts import (
    chain_of,
    downstream_of,
    people_of_chain,
    subcontractor_yet_to_join,
    subcontracts_of,
    subcontracts_visible_to,
)
from contracts.services import subcontracts as services
from contracts.services.subcontract_end import subcontract_end as end_service
from core.approvals import EDITABLE, ApprovalState
from core.panels import fill_slot
from core.services.reads import personal_data_read
from core.views.approvals import approval_action, approval_context
from core.views.pdf import frozen_or_live_pdf
from core.views.utils import save_form

PAGE_SIZE = 50


@login_required
def subcontract_list(request):
    """Every link the person may read: a subcontractor's own and those below it, or the links of
    the contracts a public body or contractor reads."""
    qs = subcontracts_visible_to(request.user, request.membership).order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contracts/subcontracts/list.html", {"page": page})


@login_required
def subcontracts(request, pk: int):
    contract = get_contract_or_404(request, pk)
    links = list(subcontracts_of(contract))
    return render(
        request,
        "contracts/subcontracts/contract.html",
        {
            "contract": contract,
            "links": links,
            "can_apply": permissions.can_apply_subcontract(request.user, request.membership, contract)
            and contract.status not in FINISHED_STATUSES,
        },
    )


def _create(request, contract, parent):
    if not permissions.can_apply_subcontract(request.user, request.membership, contract, parent):
        raise Http404
    form = SubcontractForm(
        request.POST or None,
        choices=services.subcontractor_choices(contract, parent),
        main_part_forbidden_by=clauses_api.main_part_subcontract_forbidden_by(contract),
        initial={
            "start_date": max(parent.start_date if parent else contract.start_date, contract.start_date),
            "end_date": parent.end_date if parent else contract.end_date,
        },
    )
    create = partial(services.subcontract_create, contract=contract, parent=parent)
    if link := save_form(request, form, create, success=_("The application was saved as a draft.")):
        return redirect("contracts:subcontract", pk=link.pk)
    return render(
        request, "contracts/subcontracts/form.html", {"contract": contract, "parent": parent, "form": form}
    )


@login_required
def subcontract_create(request, pk: int):
    return _create(request, get_contract_or_404(request, pk), None)


@login_required
def subcontract_child_create(request, pk: int):
    parent = get_subcontract_or_404(request, pk)
    return _create(request, parent.contract, parent)


@login_required
def subcontract(request, pk: int):
    link = get_subcontract_or_404(request, pk)
    user, membership = request.user, request.membership
    people = Paginator(people_of_chain(link), PAGE_SIZE).get_page(request.GET.get("page"))
    if people.object_list:
        # Names of people are personal data: the page that shows them is on the record.
        personal_data_read(
            kind=events.SUBCONTRACT_VIEWED,
            actor=user,
            obj=link,
            contract_id=link.contract_id,
            data={"people": len(people.object_list), "page": people.number},
        )
    return render(
        request,
        "contracts/subcontracts/detail.html",
        {
            "link": link,
            "contract": link.contract,
            "chain": chain_of(link),
            "downstream": list(downstream_of(link)),
            "people": people,
            **approval_context(request, link),
            "can_apply_below": permissions.can_apply_subcontract(user, membership, link.contract, link),
            "can_end": _can_end(request, link),
            # What compliance knows of this link (its return or disposal at its end).
            "main_panels": fill_slot("subcontract_detail.main", request, link),
            # What the approver weighs: how much of the work, against what the clauses allow.
            "main_part_forbidden_by": clauses_api.main_part_subcontract_forbidden_by(link.contract),
            "extent_refusal": services.extent_refusal(link.contract, link.extent),
            "awaiting_subcontractor": subcontractor_yet_to_join(link),
            # A full party of the contract gets its way back to the contract's subcontracts.
            "full_party": contracts_visible_to(user, membership).filter(pk=link.contract_id).exists(),
        },
    )


def _can_end(request, link) -> bool:
    return (
        link.approval_state == ApprovalState.APPROVED
        and link.ended_on is None
        and permissions.can_end_subcontract(request.user, request.membership, link)
    )


@login_required
def subcontract_end(request, pk: int):
    """End an approved subcontract (再委託の終了): the entrusting party's managers or the public
    body's managers of the contract; everyone else gets the 404 of a missing page."""
    link = get_subcontract_or_404(request, pk)
    if not _can_end(request, link):
        raise Http404
    form = SubcontractEndForm(
        request.POST or None,
        initial={"kind": Subcontract.EndKind.TERMINATED, "ended_on": timezone.localdate()},
    )
    end = partial(end_service, link=link)
    if save_form(request, form, end, success=_("The subcontract was ended.")):
        return redirect("contracts:subcontract", pk=link.pk)
    below = [each for each in downstream_of(link) if each.approval_state == ApprovalState.APPROVED]
    return render(
        request,
        "contracts/subcontracts/end.html",
        {"link": link, "contract": link.contract, "form": form, "below": below},
    )


@login_required
def subcontract_edit(request, pk: int):
    link = get_subcontract_or_404(request, pk)
    if not permissions.can_edit_subcontract(request.user, request.membership, link):
        raise Http404
    if link.approval_state not in EDITABLE:
        messages.error(request, _("This was submitted: withdraw it first to change it."))
        return redirect("contracts:subcontract", pk=link.pk)
    form = SubcontractForm(
        request.POST or None,
        main_part_forbidden_by=clauses_api.main_part_subcontract_forbidden_by(link.contract),
        initial={name: getattr(link, name) for name in services.FIELDS},
    )
    update = partial(services.subcontract_update, subcontract=link)
    if save_form(request, form, update, success=_("The application was saved.")):
        return redirect("contracts:subcontract", pk=link.pk)
    return render(
        request,
        "contracts/subcontracts/form.html",
        {"contract": link.contract, "parent": link.parent, "link": link, "form": form},
    )


@login_required
@require_POST
def subcontract_act(request, pk: int):
    link = get_subcontract_or_404(request, pk)
    return approval_action(
        request,
        link,
        act=lambda **kwargs: services.subcontract_act(subcontract=link, **kwargs),
        redirect_to="contracts:subcontract",
    )


@login_required
def subcontract_pdf(request, pk: int):
    link = get_subcontract_or_404(request, pk)
    return frozen_or_live_pdf(
        request,
        link,
        SUBCONTRACT_FORM,
        lambda: subcontract_context(link),
        f"再委託承認申請書_{link.contract.number}_{link.pk}.pdf",
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import permissions, services
from contracts.access import get_contract_or_404, get_managed_contract_or_404
from contracts.forms.contracts import (
    ActivateForm,
    ContractConditionsForm,
    ContractForm,
    ContractProposalForm,
    DateForm,
)
from contracts.models import FINISHED_STATUSES, Contract
from contracts.selectors.contracts import contracts_visible_to
from core.panels import fill_slot
from core.selectors import contractors_of_public_body
from core.views.utils import apply_validation_error

PAGE_SIZE = 50


@login_required
def contract_list(request):
    contracts = contracts_visible_to(request.user, request.membership)
    status = request.GET.get("status", "")
    if status in Contract.Status.values:
        contracts = contracts.filter(status=status)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    # Columns other apps add (compliance: overdue, due soon, fulfilled), one query each per page.
    columns = fill_slot("contract_list.columns", request, list(page.object_list))
    rows = [
        (c, [(column.cell, column.cells.get(c.pk, column.empty)) for column in columns])
        for c in page.object_list
    ]
    return render(
        request,
        "contracts/contract/list.html",
        {
            "page": page,
            "rows": rows,
            "columns": columns,
            "status": status,
            "can_create": permissions.can_create_contract(request.user, request.membership),
        },
    )


@login_required
def contract_detail(request, pk: int):
    contract = get_contract_or_404(request, pk)
    # ?print=1: everything unfolded, no buttons (the slots read the same parameter).
    printing = request.GET.get("print") == "1"
    can_manage = permissions.can_manage_contract(request.user, request.membership, contract)
    return render(
        request,
        "contracts/contract/detail.html",
        {
            "contract": contract,
            # What other apps show of the contract (compliance: its status, what needs action,
            # and every article of its clauses, informational ones included, with their duties).
            "status_panels": fill_slot("contract_detail.status", request, contract),
            "main_panels": fill_slot("contract_detail.main", request, contract),
            # Lines other apps add to the facts (ledgers: the device ledger), as (term, text, url).
            "record_links": fill_slot("contract_detail.links", request, contract),
            "can_manage": can_manage and not printing,
            "printing": printing,
            # A contract past its work offers no more changes; an ended one its close, a closed
            # one its certificates of erasure (to the public body's managers and auditors).
            "finished": contract.status in FINISHED_STATUSES,
            "can_close": contract.status == Contract.Status.ENDED
            and permissions.can_close_contract(request.user, request.membership, contract)
            and not printing,
            "can_read_erasure": contract.status == Contract.Status.CLOSED
            and permissions.can_read_erasure_certificate(request.user, request.membership, contract),
        },
    )


@login_required
def contract_create(request):
    membership = request.membership
    if not permissions.can_create_contract(request.user, membership):
        raise Http404
    if membership.is_contractor_side:
        form = ContractProposalForm(request.POST or None, membership=membership)
    else:
        form = ContractForm(
            request.POST or None, membership=membership, contractors=contractors_of_public_body(membership)
        )
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                actor=request.user,
                actor_membership=membership,
                additional_templates=form.cleaned_data.get("additional_templates") or (),
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The contract was proposed to the public body, which confirms it by activating it.")
                if membership.is_contractor_side
                else _("The contract was registered as a draft. Activate it once signed."),
            )
            return redirect("contracts:contract_detail", pk=contract.pk)
    return render(request, "contracts/contract/form.html", {"form": form})


@login_required
def contract_activate(request, pk: int):
    contract = get_managed_contract_or_404(request, pk)
    form = ActivateForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_activate(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The contract is active and its duties were generated."))
            return redirect("contracts:contract_detail", pk=contract.pk)
    return render(request, "contracts/contract/activate.html", {"contract": contract, "form": form})


@login_required
def contract_conditions(request, pk: int):
    """Change the contract's conditions while it runs (the contractor now connects to the public
    body's network): the duties of the clauses that then apply open on saving."""
    contract = get_managed_contract_or_404(request, pk)
    form = ContractConditionsForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update_conditions(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The contract's conditions were saved."))
            return redirect("contracts:contract_detail", pk=contract.pk)
    return render(request, "contracts/contract/conditions.html", {"contract": contract, "form": form})


def _dated_step(request, pk: int, service, date_argument: str, done: str):
    """Record a dated step of the contract (work start, end) from a POST with an optional date."""
    contract = get_managed_contract_or_404(request, pk)
    form = DateForm(request.POST)
    on = form.cleaned_data["on"] if form.is_valid() else None
    if form.errors.get("on") and request.POST.get("on"):
        # A date was typed but is not a plausible one: say so rather than record today instead.
        messages.error(request, " ".join(form.errors["on"]))
        return redirect("contracts:contract_detail", pk=contract.pk)
    try:
        service(
            actor=request.user, actor_membership=request.membership, contract=contract, **{date_argument: on}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
@require_POST
def contract_work_start(request, pk: int):
    return _dated_step(
        request, pk, services.contract_record_work_start, "started_on", _("The start of work was recorded.")
    )


@login_required
@require_POST
def contract_end(request, pk: int):
    return _dated_step(
        request,
        pk,
        services.contract_end,
        "ended_on",
        _("The contract was ended; its end-of-contract duties were opened."),
    )

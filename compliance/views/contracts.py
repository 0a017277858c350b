from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clauses.kinds import KINDS
from clauses.models import Obligation
from compliance import permissions, selectors
from compliance.forms import AttestForm, RequestForm, WaiveForm
from compliance.models import Duty
from compliance.services import duties as duty_services
from contracts.access import get_contract_or_404
from contracts.selectors.contracts import contracts_visible_to
from core import pdf
from core.panels import ColumnSet
from core.views.pdf import form_pdf_response
from core.views.utils import apply_validation_error


def _duty_for(request, pk: int) -> Duty:
    duty = Duty.objects.select_related("contract", "obligation").filter(pk=pk).first()
    if (
        duty is None
        or not contracts_visible_to(request.user, request.membership).filter(pk=duty.contract_id).exists()
    ):
        raise Http404
    return duty


# --- what compliance shows on the contract's pages (core.panels slots, filled from apps.py) ---------


def contract_list_columns(request, contracts: list) -> ColumnSet:
    """Overdue, due soon and fulfilled per contract of the list's page (one query)."""
    return ColumnSet(
        head="compliance/contract/list_head.html",
        cell="compliance/contract/list_cell.html",
        cells={pk: {"st": st} for pk, st in selectors.status_by_contract([c.pk for c in contracts]).items()},
        empty={"st": selectors.Status()},
    )


def contract_status_panel(request, contract) -> tuple[str, dict]:
    status = selectors.status_by_contract([contract.pk]).get(contract.pk, selectors.Status())
    return "compliance/contract/status.html", {"status": status}


def contract_duties_panel(request, contract) -> tuple[str, dict]:
    """The contract's clauses article by article, each obligation with its duties and actions."""
    today = selectors.today()
    duties = list(selectors.duties_of_contract(contract))
    by_obligation: dict[int, list] = {}
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
        by_obligation.setdefault(duty.obligation_id, []).append(duty)
    obligations = (
        (
            Obligation.objects.filter(template__adoptions__contract=contract)
            if contract.status != contract.Status.DRAFT
            else Obligation.objects.filter(template=contract.clause_template)
        )
        .select_related("article", "article__template")
        .order_by("template__statutory", "position")
    )
    articles = []
    for article, obs in groupby(obligations, key=lambda ob: ob.article):
        items = [(ob, KINDS[ob.kind], by_obligation.get(ob.pk, [])) for ob in obs]
        articles.append((article, items))
    can_manage = permissions.can_waive(request.user, request.membership, contract)
    return "compliance/contract/duties.html", {
        "articles": articles,
        "can_waive": can_manage,
        "is_contractor": permissions.can_act_as_contractor(request.user, request.membership, contract),
        "request_form": RequestForm(contract=contract)
        if can_manage and contract.status == "active"
        else None,
        "today": today,
    }


@login_required
def duty_waive(request, pk: int):
    duty = _duty_for(request, pk)
    if not permissions.can_waive(request.user, request.membership, duty.contract):
        raise Http404
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duty_services.duty_waive(
                actor=request.user,
                actor_membership=request.membership,
                duty=duty,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The duty was waived."))
            return redirect("contract_detail", pk=duty.contract_id)
    return render(request, "compliance/duty_waive.html", {"duty": duty, "form": form})


@login_required
@require_POST
def duty_attest(request, pk: int):
    duty = _duty_for(request, pk)
    if not permissions.can_act_as_contractor(request.user, request.membership, duty.contract):
        raise Http404
    form = AttestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("statement", [])))
        return redirect("contract_detail", pk=duty.contract_id)
    try:
        duty_services.duty_attest(
            actor=request.user,
            actor_membership=request.membership,
            duty=duty,
            statement=form.cleaned_data["statement"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your confirmation was recorded."))
    return redirect("contract_detail", pk=duty.contract_id)


@login_required
@require_POST
def duty_request(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_waive(request.user, request.membership, contract):
        raise Http404
    form = RequestForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            duty_services.duty_request(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                obligation_key=form.cleaned_data["obligation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request was recorded and the contractor notified by the duty."))
    elif form.errors.get("note"):
        messages.error(request, " ".join(form.errors["note"]))
    else:
        messages.error(request, _("Choose what to request."))
    return redirect("contract_detail", pk=contract.pk)


@login_required
def duty_form_pdf(request, pk: int):
    duty = _duty_for(request, pk)
    if not duty.obligation.form_id:
        raise Http404
    try:
        data = pdf.render_form_for(duty.obligation.form_id, duty)
    except (KeyError, ValueError, ObjectDoesNotExist):
        # The duty outlived what it is about (a person taken off a withdrawn change, a record
        # of another contract): there is nothing to pre-fill, which is not a server error.
        return render(
            request,
            "errors/404.html",
            {"message": _("The form of this duty cannot be made: what the duty is about no longer exists.")},
            status=404,
        )
    form_id = duty.obligation.form_id
    return form_pdf_response(
        request, form_id=form_id, data=data, obj=duty, filename=f"{form_id}-{duty.pk}.pdf"
    )

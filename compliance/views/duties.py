"""The duty actions on a contract's page: waive, attest, request, and the duty's pre-filled form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance import permissions
from compliance.access import get_duty_or_404
from compliance.forms import AttestForm, RequestForm, WaiveForm
from compliance.services import duties as duty_services
from contracts.access import get_contract_or_404
from core import pdf
from core.views.pdf import form_pdf_response
from core.views.utils import apply_validation_error


@login_required
def duty_waive(request, pk: int):
    duty = get_duty_or_404(request, pk)
    if not permissions.can_waive_duty(request.user, request.membership, duty.contract):
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
            return redirect("contracts:contract_detail", pk=duty.contract_id)
    return render(request, "compliance/duties/waive.html", {"duty": duty, "form": form})


@login_required
@require_POST
def duty_attest(request, pk: int):
    duty = get_duty_or_404(request, pk)
    if not permissions.can_attest_duty(request.user, request.membership, duty.contract):
        raise Http404
    form = AttestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("statement", [])))
        return redirect("contracts:contract_detail", pk=duty.contract_id)
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
    return redirect("contracts:contract_detail", pk=duty.contract_id)


@login_required
@require_POST
def duty_request(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_request_duty(request.user, request.membership, contract):
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
    return redirect("contracts:contract_detail", pk=contract.pk)


@login_required
def duty_form_pdf(request, pk: int):
    duty = get_duty_or_404(request, pk)
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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import events, permissions
from contracts.access import get_flag_or_404, get_person_or_404
from contracts.forms.people import FlagAnswerForm, FlagForm, PledgeUploadForm
from contracts.models import Pledge
from contracts.pdf.pledges import PLEDGE_FORM, pledge_context
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.subcontracts import person_visible_to
from contracts.services import flags as flag_services
from contracts.services.pledges import pledge_upload
from core import pdf
from core.files import file_response
from core.services.reads import personal_data_read
from core.views.pdf import form_pdf_response
from core.views.utils import apply_validation_error


@login_required
def person_pledge(request, pk: int):
    person = get_person_or_404(request, pk)
    contract = person.contract
    can_upload = permissions.can_upload_pledge(request.user, request.membership, person)
    # A subcontractor reaches its own workers' pages, not the contract's roster or flags.
    full_party = contracts_visible_to(request.user, request.membership).filter(pk=contract.pk).exists()
    form = PledgeUploadForm(
        request.POST or None, request.FILES or None, initial={"signed_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not can_upload:
            raise Http404
        if form.is_valid():
            try:
                pledge_upload(
                    actor=request.user,
                    actor_membership=request.membership,
                    person=person,
                    uploaded=form.cleaned_data["file"],
                    signed_on=form.cleaned_data["signed_on"],
                )
            except ValidationError as exc:
                # The file checks speak about the file; the service's own errors name their field.
                if hasattr(exc, "error_dict"):
                    apply_validation_error(form, exc)
                else:
                    form.add_error("file", exc)
            else:
                messages.success(request, _("The signed pledge was registered."))
                return redirect("contracts:person_pledge", pk=person.pk)
    personal_data_read(kind=events.PERSON_VIEWED, actor=request.user, obj=person, contract_id=contract.pk)
    can_flag = (
        permissions.can_manage_contract(request.user, request.membership, contract)
        and not request.user.is_superuser
    )
    return render(
        request,
        "contracts/pledges/person.html",
        {
            "person": person,
            "contract": contract,
            "form": form if can_upload else None,
            "pledges": person.pledges.select_related("file", "uploaded_by").order_by("-uploaded_at"),
            "can_download": permissions.can_download_pledge(request.user, request.membership, contract),
            "flags": person.flags.select_related("raised_by", "answered_by"),
            "flag_form": FlagForm() if can_flag else None,
            "can_flag": can_flag,
            "can_answer": can_upload and full_party,
            "full_party": full_party,
            "answer_form": FlagAnswerForm(),
        },
    )


@login_required
def pledge_blank_pdf(request, pk: int):
    """The pledge pre-filled for this person, to print and sign."""
    person = get_person_or_404(request, pk)
    data = pdf.render_form(PLEDGE_FORM, pledge_context(person))
    return form_pdf_response(
        request, form_id=PLEDGE_FORM, data=data, obj=person, filename=f"pledge-{person.pk}.pdf"
    )


@login_required
def pledge_file(request, pk: int):
    pledge = Pledge.objects.select_related("person", "person__contract", "file").filter(pk=pk).first()
    if (
        pledge is None
        or not person_visible_to(request.user, request.membership, pledge.person)
        or not permissions.can_download_pledge(request.user, request.membership, pledge.person.contract)
    ):
        raise Http404
    return file_response(
        request=request,
        stored=pledge.file,
        download_name=f"誓約書_{pledge.person.pk}_{pledge.signed_on.isoformat()}",
    )


@login_required
@require_POST
def person_flag_raise(request, pk: int):
    person = get_person_or_404(request, pk)
    if (
        not permissions.can_manage_contract(request.user, request.membership, person.contract)
        or request.user.is_superuser
    ):
        raise Http404
    form = FlagForm(request.POST)
    if form.is_valid():
        flag_services.flag_raise(
            actor=request.user, actor_membership=request.membership, person=person, **form.cleaned_data
        )
        messages.success(request, _("The contractor was asked for measures."))
    else:
        messages.error(request, _("Give the reason and the measures you ask for."))
    return redirect("contracts:person_pledge", pk=person.pk)


@login_required
@require_POST
def flag_answer(request, pk: int):
    flag = get_flag_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, flag.person.contract):
        raise Http404
    form = FlagAnswerForm(request.POST)
    if not form.is_valid():
        # The form's limits (length, no NUL) are the answer's limits: say which one was broken.
        messages.error(request, " ".join(form.errors.get("answer", [_("Describe the measures taken.")])))
        return redirect("contracts:person_pledge", pk=flag.person_id)
    try:
        flag_services.flag_answer(
            actor=request.user,
            actor_membership=request.membership,
            flag=flag,
            answer=form.cleaned_data["answer"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your answer was sent."))
    return redirect("contracts:person_pledge", pk=flag.person_id)


@login_required
@require_POST
def flag_close(request, pk: int):
    flag = get_flag_or_404(request, pk)
    if (
        not permissions.can_manage_contract(request.user, request.membership, flag.person.contract)
        or request.user.is_superuser
    ):
        raise Http404
    try:
        flag_services.flag_close(actor=request.user, actor_membership=request.membership, flag=flag)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("contracts:person_pledge", pk=flag.person_id)

"""The contract's close (契約の終了処理) and its certificates of erasure: the checklist of what is
still outstanding with a link to where each is put right, the close form, and once closed the
certificates issued and their downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import permissions
from contracts.access import get_closable_contract_or_404, get_closed_contract_or_404
from contracts.forms.contracts import CloseForm
from contracts.selectors import closing as selectors
from contracts.services import closing as services
from core.files import file_response
from core.models import StoredFile
from core.views.utils import apply_validation_error


@login_required
def contract_close(request, pk: int):
    contract = get_closable_contract_or_404(request, pk)
    if contract.status == contract.Status.CLOSED:
        return redirect("contracts:erasure_certificates", pk=contract.pk)
    gaps = selectors.close_gaps(contract) if contract.status == contract.Status.ENDED else []
    form = CloseForm(request.POST or None, gaps=gaps)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_close(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The contract was closed and its personal data erased."))
            return redirect("contracts:erasure_certificates", pk=contract.pk)
    return render(
        request,
        "contracts/contract/close.html",
        {
            "contract": contract,
            "form": form,
            "groups": selectors.gaps_by_kind(gaps),
            "blocking": [gap for gap in gaps if not gap.overridable],
            "ended": contract.status == contract.Status.ENDED,
            "documents": selectors.documents_lost_at_close(contract),
        },
    )


@login_required
def erasure_certificates(request, pk: int):
    contract = get_closed_contract_or_404(request, pk)
    return render(
        request,
        "contracts/contract/erasure.html",
        {
            "contract": contract,
            "certificates": selectors.erasure_certificates(contract),
            "can_issue": permissions.can_close_contract(request.user, request.membership, contract),
        },
    )


@login_required
@require_POST
def erasure_certificate_issue(request, pk: int):
    contract = get_closed_contract_or_404(request, pk)
    if not permissions.can_close_contract(request.user, request.membership, contract):
        raise Http404
    services.erasure_certificate_issue(
        actor=request.user, actor_membership=request.membership, contract=contract
    )
    messages.success(request, _("The certificate of erasure was issued."))
    return redirect("contracts:erasure_certificates", pk=contract.pk)


@login_required
def erasure_certificate_download(request, pk: int, file_pk: int):
    """An issued certificate; only a file the audit trail records as one of this contract's
    certificates (any other id is the 404 of a missing one). The download is recorded."""
    contract = get_closed_contract_or_404(request, pk)
    if file_pk not in {event.data.get("file") for event in selectors.erasure_certificates(contract)}:
        raise Http404
    stored = StoredFile.objects.filter(pk=file_pk, purpose=services.ERASURE_PURPOSE).first()
    if stored is None:
        raise Http404
    issued_on = timezone.localtime(stored.uploaded_at).date()
    return file_response(
        request=request, stored=stored, download_name=f"消去証明書_{contract.number}_{issued_on:%Y%m%d}"
    )

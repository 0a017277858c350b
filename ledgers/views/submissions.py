"""Pages of the information ledger's submissions to the public body (002 §10(3)): the party's
submissions with the form that makes one, and each submission's PDF and xlsx as handed over.
Thin: access, form, service."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.files import file_response
from core.services.reads import personal_data_read
from core.validators import NOTE, PlausibleDateField
from core.views.utils import save_form
from ledgers import events, permissions
from ledgers.access import get_ledger_contract_or_404
from ledgers.forms.devices import DATE
from ledgers.models import LedgerSubmission
from ledgers.selectors.information import parties_in_scope
from ledgers.services import submissions as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SubmissionForm(forms.Form):
    as_of = PlausibleDateField(label=gettext_lazy("Ledger as of"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


def _submissions(request, contract):
    """The submissions the person may see: all of the contract's for its own readers (the public
    body's side, the contractor), a subcontractor's own only."""
    found = LedgerSubmission.objects.filter(contract=contract).select_related("organisation", "submitted_by")
    if parties_in_scope(request.user, request.membership, contract) is None:
        return found
    return found.filter(organisation_id=request.membership.organisation_id)


def _submission_or_404(request, pk: int) -> LedgerSubmission:
    found = LedgerSubmission.objects.select_related("contract", "pdf").filter(pk=pk).first()
    if found is None:
        raise Http404
    contract = get_ledger_contract_or_404(request, found.contract_id)
    if not _submissions(request, contract).filter(pk=found.pk).exists():
        raise Http404
    return found


@login_required
def submission_list(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    can_submit = permissions.can_keep_devices(request.user, request.membership, contract)
    form = None
    if can_submit:
        form = SubmissionForm(request.POST or None, initial={"as_of": timezone.localdate()})
        made = save_form(
            request,
            form,
            lambda **kw: services.ledger_submit(contract=contract, **kw),
            success=lambda s: (
                _("The information ledger as of %(day)s was submitted (%(n)s items).")
                % {"day": s.as_of.isoformat(), "n": s.item_count}
            ),
        )
        if made is not None:
            return redirect("ledgers:submission_list", pk=contract.pk)
    elif request.method == "POST":
        raise Http404
    submissions = list(_submissions(request, contract)[:100])
    # A submission's note may name people (encrypted under the contract's key): the page is on
    # the record, as the ledger's own pages are.
    personal_data_read(
        kind=events.INFORMATION_LEDGER_VIEWED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data={"submissions": len(submissions)},
    )
    return render(
        request,
        "ledgers/submissions/list.html",
        {
            "contract": contract,
            "submissions": submissions,
            "form": form,
        },
    )


def _name(submission: LedgerSubmission, extension: str) -> str:
    return f"情報管理台帳_{submission.contract.number}_{submission.as_of:%Y%m%d}{extension}"


@login_required
def submission_pdf(request, pk: int):
    submission = _submission_or_404(request, pk)
    return file_response(request=request, stored=submission.pdf, download_name=_name(submission, ".pdf"))


@login_required
def submission_xlsx(request, pk: int):
    submission = _submission_or_404(request, pk)
    data = services.submission_xlsx(submission)
    # The names of the people handling the information are in it: the download is on the record.
    personal_data_read(
        kind=events.INFORMATION_LEDGER_VIEWED,
        actor=request.user,
        obj=submission,
        contract_id=submission.contract_id,
        data={"submission": submission.pk, "format": "xlsx", "sha256": submission.xlsx_sha256},
    )
    response = HttpResponse(data, content_type=XLSX)
    name = f"information-ledger-{submission.contract_id}-{submission.as_of:%Y%m%d}-{submission.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Pages of the applications made to the public body about the information held (models.requests):
a copy (複写・複製), a provision to a third party (第三者提供), a bring-in (持込み) and a return or
disposal (返還・廃棄). A contract's applications of one kind, drafting and changing one, its page
with what it concerns, its decisions and the workflow's buttons, and — for an approved disposal —
the certificate of return or disposal (返還・廃棄証明書). Thin: access, form, service."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from core.approvals import EDITABLE, ApprovalState
from core.files import file_response
from core.models import StoredFile
from core.services.reads import personal_data_read
from core.views.approvals import approval_action, approval_context
from core.views.utils import save_form
from ledgers import events, permissions
from ledgers.access import get_ledger_contract_or_404, get_request_or_404
from ledgers.forms.information import KIND_LABELS
from ledgers.forms.requests import COUNTERPART, LABELS, SAFEGUARDS, LedgerRequestForm
from ledgers.models import CustodyEvent, DeviceStatus, LedgerRequest, RequestKind
from ledgers.selectors.information import STATUS_LABELS, states_of
from ledgers.selectors.requests import certificates_of, request_history, request_page
from ledgers.services import requests as services

R = RequestKind
# Each kind's pages are headed with the application's own name (the clauses' words).
HEADINGS = {
    R.COPY: pgettext_lazy("application", "Application for a copy or reproduction"),
    R.DISCLOSURE: pgettext_lazy("application", "Application to provide to a third party"),
    R.BRINGIN: pgettext_lazy("application", "Application to bring in devices or media"),
    R.DISPOSAL: pgettext_lazy("application", "Application for return or disposal"),
}
# What each kind's list says its applications are for.
INTROS = {
    R.COPY: pgettext_lazy(
        "application",
        "Information is copied or reproduced only under an application approved in advance by the "
        "public body. The copies made are recorded on each item's page, under the approved application.",
    ),
    R.DISCLOSURE: pgettext_lazy(
        "application",
        "Information is provided to a third party only under an application approved in advance by "
        "the public body. The provision is recorded on each item's page, under the approved application.",
    ),
    R.BRINGIN: pgettext_lazy(
        "application",
        "Devices and media are brought into the public body's network or premises only under an "
        "application approved in advance, once their anti-virus software is up to date and they "
        "were checked for malicious programs.",
    ),
    R.DISPOSAL: pgettext_lazy(
        "application",
        "Information, devices and media are returned, erased or destroyed under an application "
        "approved in advance by the public body. Once everything it covers is returned or disposed "
        "of, its certificate of return or disposal is issued from its page.",
    ),
}
PAST_LABELS = {
    "drafted": pgettext_lazy("application history", "Drafted"),
    "changed": pgettext_lazy("application history", "Changed before submission"),
    "submitted": pgettext_lazy("application history", "Submitted"),
    "withdrawn": pgettext_lazy("application history", "Withdrawn"),
    "approved": pgettext_lazy("application history", "Approved"),
    "returned": pgettext_lazy("application history", "Returned for correction"),
    "rejected": pgettext_lazy("application history", "Rejected"),
}
CERTIFICATE_ISSUED = pgettext_lazy("application history", "Certificate of return or disposal issued")
DEVICE_STATUS_LABELS = dict(DeviceStatus.choices)


def _texts_shown(request, contract, **data) -> None:
    """An application's purpose, third party, vendor and safeguards may name people (they are
    encrypted under the contract's key): each page that shows them is on the record, as the
    information ledger's pages are."""
    personal_data_read(
        kind=events.INFORMATION_LEDGER_VIEWED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data=data,
    )


def _kind_or_404(kind: str) -> str:
    if kind not in HEADINGS:
        raise Http404
    return kind


def _kinds(contract) -> list[tuple[str, str, str]]:
    """The four kinds' lists of the contract, for the links between them."""
    return [
        (kind, heading, reverse("ledgers:request_list", args=[contract.pk, kind]))
        for kind, heading in HEADINGS.items()
    ]


def _detail_label(kind: str):
    """The list's column of what each kind asks: the copies, to whom or where, the method."""
    if kind == R.COPY:
        return LABELS["copies"]
    if kind == R.DISPOSAL:
        return LABELS["method"]
    return COUNTERPART[kind][0]


@login_required
def request_list(request, pk: int, kind: str):
    """The contract's applications of one kind the person may see, newest first."""
    kind = _kind_or_404(kind)
    contract = get_ledger_contract_or_404(request, pk)
    page = request_page(request.user, request.membership, contract, kind, request.GET.get("page"))
    _texts_shown(request, contract, applications=kind, page=page.number)
    return render(
        request,
        "ledgers/requests/list.html",
        {
            "contract": contract,
            "kind": kind,
            "heading": HEADINGS[kind],
            "intro": INTROS[kind],
            "detail_label": _detail_label(kind),
            "kinds": _kinds(contract),
            "page": page,
            "can_apply": permissions.can_apply(request.user, request.membership, contract, kind),
        },
    )


def _form_page(request, contract, form, kind: str, application=None):
    return render(
        request,
        "ledgers/requests/form.html",
        {
            "contract": contract,
            "form": form,
            "kind": kind,
            "heading": HEADINGS[kind],
            "application": application,
        },
    )


@login_required
def request_create(request, pk: int, kind: str):
    kind = _kind_or_404(kind)
    contract = get_ledger_contract_or_404(request, pk)
    if not permissions.can_apply(request.user, request.membership, contract, kind):
        raise Http404
    form = LedgerRequestForm(
        request.POST or None,
        kind=kind,
        contract=contract,
        organisation_id=request.membership.organisation_id,
    )
    application = save_form(
        request,
        form,
        partial(services.request_create, contract=contract, kind=kind),
        success=lambda r: (
            _("%(what)s was drafted: submit it for approval when it is complete.")
            % {"what": services.title_of(r)}
        ),
    )
    if application is not None:
        return redirect("ledgers:request_detail", pk=application.pk)
    return _form_page(request, contract, form, kind)


@login_required
def request_update(request, pk: int):
    application = get_request_or_404(request, pk)
    if not permissions.can_make_request(request.user, request.membership, application):
        raise Http404
    if application.approval_state not in EDITABLE:
        messages.error(
            request,
            pgettext("application", "This application was submitted: withdraw it first to change it."),
        )
        return redirect("ledgers:request_detail", pk=application.pk)
    form = LedgerRequestForm(
        request.POST or None,
        kind=application.kind,
        contract=application.contract,
        organisation_id=application.organisation_id,
        request=application,
    )
    saved = save_form(
        request,
        form,
        partial(services.request_update, request=application),
        success=_("The application was saved."),
    )
    if saved is not None:
        return redirect("ledgers:request_detail", pk=application.pk)
    _texts_shown(request, application.contract, application=application.pk, form="application")
    return _form_page(request, application.contract, form, application.kind, application)


def _history(application: LedgerRequest) -> list[tuple[str, object]]:
    """The application's steps in words: the workflow's and each certificate issued."""
    rows = []
    for event in request_history(application):
        if event.kind == events.DISPOSAL_CERTIFICATE_ISSUED:
            rows.append((CERTIFICATE_ISSUED, event))
        else:
            rows.append((PAST_LABELS[event.kind.rsplit(".", 1)[1]], event))
    return rows


def _certificate(request, application: LedgerRequest) -> dict:
    """The certificate section of an approved disposal application: what still stands in the
    way, whether this person may issue it, and the certificates issued."""
    if application.kind != R.DISPOSAL or application.approval_state != ApprovalState.APPROVED:
        return {"certificate": None}
    return {
        "certificate": {
            "gaps": services.certificate_gaps(application),
            "issued": certificates_of(application),
            # The applicant party issues it: it certifies what that party returned or disposed of.
            "can_issue": permissions.can_make_request(request.user, request.membership, application),
        }
    }


@login_required
def request_detail(request, pk: int):
    application = get_request_or_404(request, pk)
    contract = application.contract
    items = list(application.items.order_by("number"))
    states = states_of(items)
    # An application names a handful of devices: all their versions in one query, the latest kept.
    devices = list(application.devices.order_by("asset_number").prefetch_related("versions"))
    # What was done under it, as the information ledger records it (the people are on the items'
    # pages, which record that read).
    done = list(
        CustodyEvent.objects.filter(request=application)
        .select_related("item", "recorded_by")
        .order_by("occurred_at", "sequence")
    )
    voided = set(CustodyEvent.objects.filter(corrects__in=done).values_list("corrects_id", flat=True))
    kind = application.kind
    _texts_shown(request, contract, application=application.pk)
    return render(
        request,
        "ledgers/requests/detail.html",
        {
            "contract": contract,
            "application": application,
            "kind": kind,
            "heading": HEADINGS[kind],
            "labels": LABELS,
            "counterpart_label": COUNTERPART[kind][0] if kind in COUNTERPART else None,
            "safeguards_label": SAFEGUARDS[kind][0] if kind in SAFEGUARDS else None,
            "items": items,
            "item_states": {pk: state.status for pk, state in states.items()},
            "status_labels": STATUS_LABELS,
            "devices": [
                (device, max(device.versions.all(), key=lambda v: v.number, default=None))
                for device in devices
            ],
            "device_status_labels": DEVICE_STATUS_LABELS,
            "history": _history(application),
            "done": done,
            "voided": voided,
            "kind_labels": KIND_LABELS,
            **_certificate(request, application),
            **approval_context(request, application),
        },
    )


@login_required
@require_POST
def request_act(request, pk: int):
    application = get_request_or_404(request, pk)
    return approval_action(
        request,
        application,
        act=lambda **kw: services.request_act(request=application, **kw),
        redirect_to="ledgers:request_detail",
    )


@login_required
@require_POST
def certificate_issue(request, pk: int):
    application = get_request_or_404(request, pk)
    if not permissions.can_make_request(request.user, request.membership, application):
        raise Http404
    try:
        services.disposal_certificate_issue(
            actor=request.user, actor_membership=request.membership, request=application
        )
    except ValidationError as exc:
        messages.error(request, " ".join([_("The certificate cannot be issued yet."), *exc.messages]))
    else:
        messages.success(request, _("The certificate of return or disposal was issued."))
    return redirect("ledgers:request_detail", pk=application.pk)


@login_required
def certificate_download(request, pk: int, file_pk: int):
    """An issued certificate, for whoever may see the application; only a file the audit trail
    records as one of its certificates (any other file id is the 404 of a missing one)."""
    application = get_request_or_404(request, pk)
    if file_pk not in {event.data.get("file") for event in certificates_of(application)}:
        raise Http404
    stored = StoredFile.objects.filter(pk=file_pk).first()
    if stored is None:
        raise Http404
    issued_on = timezone.localtime(stored.uploaded_at).date()
    name = f"返還・廃棄証明書_{application.contract.number}_{application.number}_{issued_on:%Y%m%d}"
    return file_response(request=request, stored=stored, download_name=name)

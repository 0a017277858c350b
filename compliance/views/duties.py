"""A duty's page and its actions: waive, attest (with a comment and evidence), request, the
duty's pre-filled form and its evidence files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clauses import api as clauses_api
from clauses.kinds import KINDS
from compliance import permissions
from compliance.access import get_duty_or_404
from compliance.events import ATTESTATION_CONFIRMED
from compliance.forms import AttestForm, RequestForm, WaiveForm
from compliance.models import AttestationEvidence, Duty
from compliance.selectors import duty_status
from compliance.services import duties as duty_services
from compliance.services.submissions import awaits_acceptance, submission_kinds, submission_status
from contracts.access import get_contract_or_404
from core import pdf
from core.audit import event_kind_label
from core.describers import describe_objects
from core.files import file_response
from core.panels import fill_slot
from core.templatetags.portal import clause_ja
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


def _subject_title(duty) -> str:
    """What a per-subject duty is about, in words ("contracts.person:17" → the person's name)."""
    if not duty.subject or ":" not in duty.subject:
        return ""
    ref = tuple(duty.subject.split(":", 1))
    return describe_objects([ref])[ref]


def _duty_context(request, duty) -> dict:
    contract, ob = duty.contract, duty.obligation
    return {
        "duty": duty,
        "contract": contract,
        "obligation": ob,
        "article": ob.article,
        "kind_label": KINDS[ob.kind].label if ob.kind in KINDS else ob.kind,
        "subject_title": _subject_title(duty),
        "status": duty_status(duty),
        "attestable": duty.state == Duty.State.OPEN and ATTESTATION_CONFIRMED in ob.fulfilled_by,
        "can_attest": permissions.can_attest_duty(request.user, request.membership, duty),
    }


@login_required
def duty_detail(request, pk: int):
    """One duty: what the clause asks, its due date and status, and how it was met (the evidence
    event, the confirmations with their comments and files) — for everyone who reads the contract."""
    duty = get_duty_or_404(request, pk)
    evidence = duty.evidence_event
    return render(
        request,
        "compliance/duties/detail.html",
        {
            **_duty_context(request, duty),
            "evidence_label": event_kind_label(evidence.kind) if evidence else "",
            "attestations": duty.attestations.select_related("attested_by").prefetch_related(
                "evidence__file"
            ),
            # The documents given for it, newest version first (compliance.views.submissions).
            "submissions": [
                (s, submission_status(s))
                for s in duty.submissions.select_related("submitted_by", "decided_by").prefetch_related(
                    "files__file"
                )
            ],
            "can_submit": duty.state != Duty.State.WAIVED
            and submission_kinds(duty.obligation) is not None
            and permissions.can_meet_duty(request.user, request.membership, duty)
            and not awaits_acceptance(duty),
            "can_waive": duty.state == Duty.State.OPEN
            and permissions.can_waive_duty(request.user, request.membership, duty.contract),
            # Where the duty is met in the app that keeps its records (an inspection's page).
            "record_links": fill_slot("duty_detail.links", request, duty),
            # Why evidence already given did not meet it (a roster without its 管理責任者).
            "missing": clauses_api.unmet_conditions(duty.contract, duty.obligation.evidence_conditions)
            if duty.state == Duty.State.OPEN and duty.obligation.evidence_conditions
            else [],
        },
    )


@login_required
def duty_attest(request, pk: int):
    """GET: what is being confirmed, with an optional comment and evidence files; POST records it."""
    duty = get_duty_or_404(request, pk)
    if not permissions.can_attest_duty(request.user, request.membership, duty):
        raise Http404
    context = _duty_context(request, duty)
    # Bound on every POST, an empty one too (the contract page's button sends only the token).
    posted = request.method == "POST"
    form = AttestForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and context["attestable"] and form.is_valid():
        try:
            duty_services.duty_attest(
                actor=request.user,
                actor_membership=request.membership,
                duty=duty,
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            files = len(form.cleaned_data["evidence"])
            what = f"{clause_ja(duty.obligation.clause)} {context['kind_label']}"
            if files:
                message = ngettext(
                    "Your confirmation of %(what)s was recorded with %(n)d evidence file.",
                    "Your confirmation of %(what)s was recorded with %(n)d evidence files.",
                    files,
                ) % {"what": what, "n": files}
            else:
                message = _("Your confirmation of %(what)s was recorded.") % {"what": what}
            messages.success(request, message)
            return redirect("compliance:duty_detail", pk=duty.pk)
    elif posted and not context["attestable"]:
        form.add_error(None, _("This duty is not met by an attestation."))
    return render(request, "compliance/duties/attest.html", {**context, "form": form})


@login_required
def duty_evidence_file(request, pk: int, file_pk: int):
    """An evidence file of a duty's confirmation, for whoever reads the duty (its access helper
    is the permission check; core.files records the download)."""
    duty = get_duty_or_404(request, pk)
    item = (
        AttestationEvidence.objects.select_related("file").filter(attestation__duty=duty, pk=file_pk).first()
    )
    if item is None or item.file.is_erased:
        raise Http404
    return file_response(request=request, stored=item.file)


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
                people=form.cleaned_data.get("people", []),
                everyone=form.cleaned_data.get("everyone", False),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request was recorded and the contractor notified by the duty."))
    elif form.errors.get("note") or form.errors.get("people"):
        messages.error(request, " ".join([*form.errors.get("people", []), *form.errors.get("note", [])]))
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

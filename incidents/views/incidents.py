"""Pages of incidents: a contract's list, the first report, an incident's page with its timeline
and the forms each party may use next, and the POSTs of those forms (thin: access, form,
service). A refused POST shows the incident's page again with the service's words at the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.panels import fill_slot
from core.services.reads import personal_data_read
from core.views.utils import save_form
from incidents import events, permissions
from incidents.access import get_incident_contract_or_404, get_incident_or_404, get_instruction_or_404
from incidents.forms.appi import JudgementForm, ReportSentForm
from incidents.forms.incidents import InstructionForm, NoteForm, ReportForm, UpdateForm
from incidents.models import EntryKind
from incidents.selectors.appi import appi_record
from incidents.selectors.incidents import STATUS_LABELS, Status, incidents_visible_to, state_of, timeline
from incidents.services import incidents as services
from incidents.services.appi import appi_subject

PAGE_SIZE = 50


@login_required
def incident_list(request, pk: int):
    contract = get_incident_contract_or_404(request, pk)
    found = incidents_visible_to(request.user, request.membership, contract)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.status_label = STATUS_LABELS[state_of(incident)]
        incident.is_open = state_of(incident) != Status.CLOSED
    return render(
        request,
        "incidents/list.html",
        {
            "contract": contract,
            "page": page,
            "can_report": permissions.can_report_incident(request.user, request.membership, contract),
        },
    )


@login_required
def incident_report(request, pk: int):
    contract = get_incident_contract_or_404(request, pk)
    if not permissions.can_report_incident(request.user, request.membership, contract):
        raise Http404
    form = ReportForm(
        request.POST or None, initial={"found_at": timezone.localtime().replace(second=0, microsecond=0)}
    )
    incident = save_form(
        request,
        form,
        lambda **kw: services.incident_report(contract=contract, **kw),
        success=lambda i: (
            _("Incident #%(n)s was reported. The public body and the parties above you are told now.")
            % {"n": i.number}
        ),
    )
    if incident is not None:
        return redirect("incidents:incident_detail", pk=incident.pk)
    return render(request, "incidents/report.html", {"contract": contract, "form": form})


def _detail(request, incident, *, status: int = 200, **forms):
    """The incident's page: its facts, its timeline and the forms the person may use next."""
    user, membership = request.user, request.membership
    state = state_of(incident)
    entries = timeline(incident)
    answering = permissions.can_answer_incident(user, membership, incident) and state != Status.CLOSED
    handling = permissions.can_handle_incident(user, membership, incident) and state != Status.CLOSED
    pending = [
        e
        for e in entries
        if e.kind == EntryKind.INSTRUCTION and e.pk not in {r.responds_to_id for r in entries}
    ]
    reads_appi = permissions.can_read_appi(user, membership, incident)
    judging = permissions.can_judge_appi(user, membership, incident)
    record = appi_record(incident) if reads_appi else None
    personal_data_read(
        kind=events.INCIDENT_VIEWED,
        actor=user,
        obj=incident,
        contract_id=incident.contract_id,
        data={"number": incident.number},
    )
    context = {
        "contract": incident.contract,
        "incident": incident,
        "entries": entries,
        "status": state,
        "status_label": STATUS_LABELS[state],
        "pending": pending if answering else [],
        "update_form": forms.get("update_form") or (UpdateForm() if answering else None),
        "can_acknowledge": handling and state == Status.REPORTED,
        "instruction_form": forms.get("instruction_form")
        or (InstructionForm() if handling and state in (Status.ACKNOWLEDGED, Status.INSTRUCTED) else None),
        "close_form": forms.get("close_form")
        or (NoteForm(prefix="close") if handling and state == Status.ACKNOWLEDGED else None),
        "errors": forms.get("errors") or [],
        "appi": record,
        "judgement_form": forms.get("judgement_form") or (JudgementForm(prefix="appi") if judging else None),
        "report_form": forms.get("report_form")
        or (
            ReportSentForm(prefix="sent")
            if judging and record and record.current and record.current.reportable
            else None
        ),
        # The public body's side sees the duties about the incident and its APPI clock, as
        # compliance holds them (a slot: an app to the right fills it).
        "duty_panels": fill_slot(
            "incident_detail.duties",
            request,
            incident.contract_id,
            [f"incidents.incident:{incident.pk}", appi_subject(incident)],
        )
        if reads_appi
        else [],
    }
    return render(request, "incidents/detail.html", context, status=status)


@login_required
def incident_detail(request, pk: int):
    return _detail(request, get_incident_or_404(request, pk))


def _post(request, incident, form, save, *, name: str, success: str):
    """Run a timeline service from a form: back to the page on success, the page with the form's
    errors otherwise."""
    if save_form(request, form, save, success=success) is not None:
        return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, **{name: form})


@login_required
@require_POST
def incident_update(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_answer_incident(request.user, request.membership, incident):
        raise Http404
    return _post(
        request,
        incident,
        UpdateForm(request.POST),
        lambda **kw: services.incident_update(incident=incident, **kw),
        name="update_form",
        success=_("The entry was added to the incident's record."),
    )


@login_required
@require_POST
def incident_acknowledge(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_handle_incident(request.user, request.membership, incident):
        raise Http404
    try:
        services.incident_acknowledge(
            actor=request.user, actor_membership=request.membership, incident=incident
        )
    except ValidationError as exc:
        return _detail(request, incident, errors=exc.messages)
    messages.success(request, _("The receipt of the report was acknowledged."))
    return redirect("incidents:incident_detail", pk=incident.pk)


@login_required
@require_POST
def incident_instruct(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_handle_incident(request.user, request.membership, incident):
        raise Http404
    return _post(
        request,
        incident,
        InstructionForm(request.POST),
        lambda **kw: services.incident_instruct(incident=incident, **kw),
        name="instruction_form",
        success=_("The instruction was given. The reporting side is told now."),
    )


@login_required
@require_POST
def incident_close(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_handle_incident(request.user, request.membership, incident):
        raise Http404
    return _post(
        request,
        incident,
        NoteForm(request.POST, prefix="close"),
        lambda **kw: services.incident_close(incident=incident, **kw),
        name="close_form",
        success=_("The incident was closed."),
    )


@login_required
@require_POST
def instruction_acknowledge(request, pk: int):
    instruction = get_instruction_or_404(request, pk)
    incident = instruction.incident
    if not permissions.can_answer_incident(request.user, request.membership, incident):
        raise Http404
    form = NoteForm(request.POST, prefix=f"ack-{instruction.pk}")
    if (
        save_form(
            request,
            form,
            lambda **kw: services.incident_instruction_acknowledge(instruction=instruction, **kw),
            success=_("The instruction was acknowledged."),
        )
        is not None
    ):
        return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, errors=[*form.non_field_errors(), *form.errors.get("text", [])])

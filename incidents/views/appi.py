"""The APPI section of an incident's page: the public body's judgement, the reports it sent to
the Commission, and the draft report as a PDF (thin: access, form, service)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.services.reads import personal_data_read
from core.views.utils import save_form
from incidents import events, permissions
from incidents.access import get_incident_or_404
from incidents.forms.appi import JudgementForm, ReportSentForm
from incidents.pdf import draft_report_pdf, draft_report_xlsx
from incidents.services import appi as services
from incidents.views.incidents import _detail


@login_required
@require_POST
def appi_judge(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_judge_appi(request.user, request.membership, incident):
        raise Http404
    form = JudgementForm(request.POST, prefix="appi")
    if save_form(
        request,
        form,
        lambda **kw: services.appi_judge(incident=incident, **kw),
        success=lambda j: (
            _("The judgement was recorded: reportable.")
            if j.reportable
            else _("The judgement was recorded: not reportable.")
        ),
    ):
        return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, judgement_form=form)


@login_required
@require_POST
def appi_report(request, pk: int):
    incident = get_incident_or_404(request, pk)
    if not permissions.can_judge_appi(request.user, request.membership, incident):
        raise Http404
    form = ReportSentForm(request.POST, prefix="sent")
    if save_form(
        request,
        form,
        lambda **kw: services.appi_report_record(incident=incident, **kw),
        success=_("The report was recorded as sent."),
    ):
        return redirect("incidents:incident_detail", pk=incident.pk)
    return _detail(request, incident, report_form=form)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def appi_draft(request, pk: int, fmt: str = "pdf"):
    """The draft report to the Commission, filled from the incident's record, as a PDF or the
    same items as an xlsx. Rendered before the read is recorded: never under the audit trail's
    lock (core.pdf)."""
    incident = get_incident_or_404(request, pk)
    if not permissions.can_read_appi(request.user, request.membership, incident):
        raise Http404
    content = draft_report_xlsx(incident) if fmt == "xlsx" else draft_report_pdf(incident)
    personal_data_read(
        kind=events.INCIDENT_APPI_DRAFT_DOWNLOADED,
        actor=request.user,
        obj=incident,
        contract_id=incident.contract_id,
        data={"number": incident.number, "format": fmt},
    )
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else "application/pdf")
    name = f"appi-draft-{incident.contract_id}-{incident.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""What incidents show on pages they do not own (core.panels): a line on the contract's page
that leads to its incidents (contracts may not name this app's URLs), the home panel of the
public body's managers (reports waiting for their acknowledgement, with their age), and the
home panel of the contractor side (where to report an incident at once)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from incidents.selectors.incidents import reportable_contracts_for, unacknowledged_for

PANEL_LIMIT = 20


def contract_incidents_link(request, contract) -> tuple[str, str, str]:
    # Everyone who sees the contract's page reads its incidents (a subcontractor never sees it).
    return (
        _("Incidents"),
        _("Incidents reported on the contract, their timeline and the public body's instructions"),
        reverse("incidents:incident_list", args=[contract.pk]),
    )


def contract_report_link(request, contract) -> tuple[str, str, str] | None:
    """The first report straight from the contract's page, for those who may make it."""
    from incidents.permissions import can_report_incident

    if not can_report_incident(request.user, request.membership, contract):
        return None
    return (
        _("Report an incident"),
        _("A leak, a loss, a theft or any suspicion of one: report it at once, in a few words"),
        reverse("incidents:incident_report", args=[contract.pk]),
    )


def waiting_for_acknowledgement(request) -> dict | None:
    incidents = list(unacknowledged_for(request.user, request.membership)[:PANEL_LIMIT])
    if not incidents:
        return None
    now = timezone.now()
    for incident in incidents:
        incident.age_hours = int((now - incident.reported_at).total_seconds() // 3600)
    return {"incidents": incidents}


def report_an_incident(request) -> dict | None:
    contracts = reportable_contracts_for(request.membership)
    return {"contracts": contracts} if contracts else None


def register() -> None:
    from core.panels import register_panel, register_slot

    register_slot("contract_detail.links", contract_incidents_link)
    register_slot("contract_detail.links", contract_report_link)
    register_panel(
        template="incidents/panels/unacknowledged.html",
        roles={Role.CLIENT_ADMIN, Role.CLIENT_STAFF},
        provider=waiting_for_acknowledgement,
    )
    register_panel(
        template="incidents/panels/report.html",
        roles={Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF},
        provider=report_an_incident,
    )

"""The event kinds incidents will record, with their labels (design.md: each app declares its own).

Declared before the incident services exist because the shipped clause templates (and the
statutory APPI template) already name them, and the clause validator accepts only declared kinds.
Registered with core.audit from IncidentsConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

INCIDENT_REPORTED = "incident.reported"
INCIDENT_PRELIMINARY_REPORTED = "incident.preliminary_reported"
INCIDENT_FINAL_REPORTED = "incident.final_reported"
INCIDENT_INSTRUCTIONS_GIVEN = "incident.instructions_given"
INCIDENT_SUBJECTS_NOTIFIED = "incident.subjects_notified"
INCIDENT_PUBLISHED = "incident.published"
INCIDENT_DRILL_RECORDED = "incident.drill_recorded"
INCIDENT_APPI_REPORTABLE = "incident.appi_reportable"
INCIDENT_APPI_UNLAWFUL_PURPOSE = "incident.appi_unlawful_purpose"

RECORDED_KINDS = {
    INCIDENT_REPORTED: _("Incident reported"),
    INCIDENT_PRELIMINARY_REPORTED: _("Preliminary incident report sent"),
    INCIDENT_FINAL_REPORTED: _("Final incident report submitted"),
    INCIDENT_INSTRUCTIONS_GIVEN: _("Instructions given on an incident"),
    INCIDENT_SUBJECTS_NOTIFIED: _("Affected people notified"),
    INCIDENT_PUBLISHED: _("Incident published"),
    INCIDENT_DRILL_RECORDED: _("Incident procedure review or drill recorded"),
    INCIDENT_APPI_REPORTABLE: _("Breach judged reportable under the APPI"),
    INCIDENT_APPI_UNLAWFUL_PURPOSE: _("Reportable breach for an unlawful purpose"),
}


def register() -> None:
    register_event_kinds("incidents", RECORDED_KINDS)

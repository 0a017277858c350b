"""The event kinds incidents will record, with their labels (design.md: each app declares its own).

The first ones were declared before the incident services existed because the shipped clause
templates (and the statutory APPI template) already name them, and the clause validator accepts
only declared kinds; the services record INCIDENT_REPORTED, INCIDENT_INSTRUCTIONS_GIVEN and the
timeline's kinds below. The others wait for their slices (docs/incidents.md).
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
# Every APPI judgement of the public body, reportable or not (services.appi); named by no
# template: the duties open on the two kinds above.
INCIDENT_APPI_JUDGED = "incident.appi_judged"
# The reports to the Commission (services.appi) and the download of the draft report.
INCIDENT_APPI_DRAFT_DOWNLOADED = "incident_appi_draft.downloaded"
# The timeline of a reported incident (incidents.services.incidents): the reporting side's
# updates (and its written report, cause analysis, prevention plan and their implementation),
# the public body's acknowledgement, the answer to its instruction, and the closure.
INCIDENT_UPDATED = "incident.updated"
INCIDENT_ACKNOWLEDGED = "incident.acknowledged"
INCIDENT_INSTRUCTION_ACKNOWLEDGED = "incident.instruction_acknowledged"
INCIDENT_CLOSED = "incident.closed"
# A read of an incident's page, whose summary and timeline may name people.
INCIDENT_VIEWED = "incident.viewed"

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
    INCIDENT_APPI_JUDGED: _("Breach judged under the APPI"),
    INCIDENT_APPI_DRAFT_DOWNLOADED: _("Draft report to the Commission downloaded"),
    INCIDENT_UPDATED: _("Incident report updated"),
    INCIDENT_ACKNOWLEDGED: _("Incident report acknowledged"),
    INCIDENT_INSTRUCTION_ACKNOWLEDGED: _("Instruction on an incident acknowledged"),
    INCIDENT_CLOSED: _("Incident closed"),
    INCIDENT_VIEWED: _("Incident viewed"),
}


def register() -> None:
    register_event_kinds("incidents", RECORDED_KINDS)

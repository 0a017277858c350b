"""Event kinds the duty engine understands (the seam with the domain apps, design.md).

Templates may name only these in `opens_on` / `fulfilled_by`, so a typo is caught by the
validator instead of leaving a duty that nothing ever fulfils. Each domain issue adds the
kinds its services record. The value says who records it.
"""

EVENT_KINDS: dict[str, str] = {
    # contracts (issue: clause library and duty engine)
    "contract.activated": "contracts: the contract was activated (signed) and its duties generated",
    "contract.work_started": "contracts: work under the contract started",
    "contract.ended": "contracts: the contract period ended or it was terminated",
    # generic evidence (compliance)
    "document.submitted": "compliance: a named document was uploaded for an obligation",
    "attestation.confirmed": "compliance: the contractor attested a measure for an obligation",
    "duty.requested": "compliance: the public body requested something (report, ledger, pledge copies)",
    "report.submitted": "compliance: a requested or periodic report was submitted",
    "report.accepted": "compliance: the public body accepted a report",
    # people and places (issue: people and places)
    "roster.submitted": "contracts: the roster or a change request was submitted",
    "roster.approved": "contracts: the roster or a change request was approved",
    "roster.change_notified": "contracts: a roster change was notified (notice-only templates)",
    "person.added": "contracts: a person was added to the roster",
    "person.removed": "contracts: a person left the roster",
    "person.updated": "contracts: a person's entry on the roster changed (period, role)",
    "person.flagged_unsuitable": "contracts: the public body flagged a worker as unsuitable",
    "person.unsuitable_answered": "contracts: the contractor answered an unsuitable-worker flag",
    "person.unsuitable_closed": "contracts: the public body closed an unsuitable-worker flag",
    "responsible_person.designated": "contracts: a responsible person or security officer was designated",
    "pledge.uploaded": "contracts: a signed pledge was uploaded",
    "training.plan_approved": "contracts: the training plan was approved",
    "training.reported": "contracts: the training results were reported",
    "training.attended_client_session": "contracts: attendance at the public body's training was recorded",
    "worksite.submitted": "contracts: a work site or its change was submitted",
    "worksite.approved": "contracts: a work site or its change was approved",
    "worksite.rules_acknowledged": "contracts: the security-area rules were acknowledged",
    # subcontracting
    "subcontract.applied": "contracts: a subcontract was applied for",
    "subcontract.precheck_submitted": "contracts: the subcontractor pre-check was submitted",
    "subcontract.approved": "contracts: a subcontract was approved",
    "subcontract.upstream_notified": "contracts: the upstream party was notified of a re-subcontract",
    # ledgers
    "device.registered": "ledgers: a device or medium was entered in the device ledger",
    "information.received": "ledgers: information was received (receipt issued)",
    "information.handed_over": "ledgers: information was handed over (handover slip)",
    "copy.approved": "ledgers: a copy was approved",
    "takeout.approved": "ledgers: a take-out was approved",
    "takeout.returned": "ledgers: taken-out information came back and the return was confirmed",
    "shipping.recorded": "ledgers: a shipment was recorded",
    "bringin.approved": "ledgers: bringing in devices or media was approved",
    "backup.inspected": "ledgers: backups and storage were inspected",
    "information_ledger.submitted": "ledgers: the information ledger was submitted to the public body",
    "disposal.applied": "ledgers: a disposal was applied for",
    "disposal.approved": "ledgers: a disposal was approved",
    "disposal.recorded": "ledgers: a disposal or return was carried out and recorded",
    "disposal.certificate_issued": "ledgers: the certificate of return or disposal was issued",
    # incidents
    "incident.reported": "incidents: an incident (or suspicion) was reported",
    "incident.preliminary_reported": "incidents: the preliminary report (速報) was sent",
    "incident.final_reported": "incidents: the final report (確報) / written record was submitted",
    "incident.instructions_given": "incidents: the public body gave instructions",
    "incident.subjects_notified": "incidents: the affected people were notified",
    "incident.published": "incidents: facts, cause and prevention were published",
    "incident.drill_recorded": "incidents: a procedure review or drill was recorded",
    "incident.appi_reportable": "incidents: the breach was judged reportable under the APPI",
    "incident.appi_unlawful_purpose": "incidents: the reportable breach was for an unlawful purpose",
    # audits
    "security_check.submitted": "audits: the annual security check was submitted",
    "security_check.approved": "audits: the annual security check was approved",
    "audit.scheduled": "audits: an audit or inspection was scheduled",
    "audit.response_plan_submitted": "audits: the audit response plan was submitted",
    "audit.completed": "audits: an audit was carried out",
    "corrective_action.ordered": "audits: a correction was ordered",
    "corrective_action.completed": "audits: a correction was completed",
    "self_audit.reported": "audits: the contractor's own audit results were reported",
}


# --- The kinds compliance itself records, with their labels ------------------------------------
# Registered with core.audit from ComplianceConfig.ready() (design.md: each app declares its own).

from django.utils.translation import gettext_lazy as _  # noqa: E402

from core.audit import register_event_kinds  # noqa: E402

RECORDED_KINDS = {
    "duty.requested": _("Duty requested by the public body"),
    "duty.waived": _("Duty waived"),
    "attestation.confirmed": _("Measure attested for a duty"),
    # Recorded by the clause library's loader; it moves with the library to its own app.
    "clause_template.loaded": _("Clause template loaded"),
}


def register() -> None:
    register_event_kinds("compliance", RECORDED_KINDS)

"""The event kinds compliance records, with their labels (design.md: each app declares its own).

Registered with core.audit from ComplianceConfig.ready(). Compliance code names its kinds
through these constants, not string literals.
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds
from core.events import approval_event_kinds

DUTY_REQUESTED = "duty.requested"
DUTY_WAIVED = "duty.waived"
ATTESTATION_CONFIRMED = "attestation.confirmed"
# The generic evidence of an `upload` obligation (clauses.library.DEFAULT_FULFILLED_BY): a named
# document uploaded against a duty. Declared here, with the duty it answers, before the upload
# service exists, because the shipped templates name it.
DOCUMENT_SUBMITTED = "document.submitted"
# A document's acceptance by the other side, where the clause asks for it: an obligation that
# names it in fulfilled_by is met by the acceptance, not by the upload (docs/duties-evidence.md).
DOCUMENT_ACCEPTED = "document.accepted"
# A later version of a document already given for a duty that was met (the document changed):
# recorded, and met nothing by itself; a template that wants every change seen names it in an
# obligation's opens_on.
DOCUMENT_RESUBMITTED = "document.resubmitted"
# The generic evidence of a `report` obligation is audits' kind `report.submitted` (and its
# acceptance `report.accepted`): compliance records them for the duty's own submission path,
# by the names the clause data uses, without importing audits (which sits above it).
REPORT_SUBMITTED = "report.submitted"
REPORT_ACCEPTED = "report.accepted"
# What a submission records, and what its acceptance records, for each evidence kind.
SUBMISSION_KINDS = {DOCUMENT_SUBMITTED: DOCUMENT_ACCEPTED, REPORT_SUBMITTED: REPORT_ACCEPTED}
# The approval workflow's prefix of a submission that waits for acceptance: its own kinds
# (`duty_submission.submitted|approved|returned|…`), which no template names, so the workflow's
# events never close a duty by themselves; the service records the acceptance kind with the
# duty's obligation and subject.
SUBMISSION_PREFIX = "duty_submission"
# Not audit-trail kinds: the outbox kinds of the reminder and digest e-mails.
OUTBOUND_DUTY_REMINDER = "duty_reminder"
OUTBOUND_DIGEST = "digest"

RECORDED_KINDS = {
    DUTY_REQUESTED: _("Duty requested by the public body"),
    DUTY_WAIVED: _("Duty waived"),
    ATTESTATION_CONFIRMED: _("Measure attested for a duty"),
    DOCUMENT_SUBMITTED: _("Document submitted for a duty"),
    DOCUMENT_ACCEPTED: _("Document accepted for a duty"),
    DOCUMENT_RESUBMITTED: _("Changed document submitted again for a duty"),
}


def register() -> None:
    register_event_kinds("compliance", RECORDED_KINDS)
    register_event_kinds("compliance", approval_event_kinds(SUBMISSION_PREFIX, _("Submitted document")))

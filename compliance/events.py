"""The event kinds compliance records, with their labels (design.md: each app declares its own).

Registered with core.audit from ComplianceConfig.ready(). Compliance code names its kinds
through these constants, not string literals.
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

DUTY_REQUESTED = "duty.requested"
DUTY_WAIVED = "duty.waived"
ATTESTATION_CONFIRMED = "attestation.confirmed"
# The generic evidence of an `upload` obligation (clauses.library.DEFAULT_FULFILLED_BY): a named
# document uploaded against a duty. Declared here, with the duty it answers, before the upload
# service exists, because the shipped templates name it.
DOCUMENT_SUBMITTED = "document.submitted"
# Not audit-trail kinds: the outbox kinds of the reminder and digest e-mails.
OUTBOUND_DUTY_REMINDER = "duty_reminder"
OUTBOUND_DIGEST = "digest"

RECORDED_KINDS = {
    DUTY_REQUESTED: _("Duty requested by the public body"),
    DUTY_WAIVED: _("Duty waived"),
    ATTESTATION_CONFIRMED: _("Measure attested for a duty"),
    DOCUMENT_SUBMITTED: _("Document submitted for a duty"),
}


def register() -> None:
    register_event_kinds("compliance", RECORDED_KINDS)

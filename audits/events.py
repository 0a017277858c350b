"""The event kinds audits will record, with their labels (design.md: each app declares its own).

Declared before the audit services exist because the shipped clause templates already name
them, and the clause validator accepts only declared kinds. Reports (periodic and on request)
are this app's (design.md), so `report.submitted`, the default evidence of a `report` obligation
(clauses.library.DEFAULT_FULFILLED_BY), is declared here. Registered with core.audit from
AuditsConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

REPORT_SUBMITTED = "report.submitted"
REPORT_ACCEPTED = "report.accepted"
SECURITY_CHECK_SUBMITTED = "security_check.submitted"
SECURITY_CHECK_APPROVED = "security_check.approved"
AUDIT_SCHEDULED = "audit.scheduled"
AUDIT_RESPONSE_PLAN_SUBMITTED = "audit.response_plan_submitted"
AUDIT_COMPLETED = "audit.completed"
CORRECTIVE_ACTION_ORDERED = "corrective_action.ordered"
CORRECTIVE_ACTION_COMPLETED = "corrective_action.completed"
SELF_AUDIT_REPORTED = "self_audit.reported"

RECORDED_KINDS = {
    REPORT_SUBMITTED: _("Report submitted"),
    REPORT_ACCEPTED: _("Report accepted"),
    SECURITY_CHECK_SUBMITTED: _("Annual security check submitted"),
    SECURITY_CHECK_APPROVED: _("Annual security check approved"),
    AUDIT_SCHEDULED: _("Audit scheduled"),
    AUDIT_RESPONSE_PLAN_SUBMITTED: _("Audit response plan submitted"),
    AUDIT_COMPLETED: _("Audit carried out"),
    CORRECTIVE_ACTION_ORDERED: _("Correction ordered"),
    CORRECTIVE_ACTION_COMPLETED: _("Correction completed"),
    SELF_AUDIT_REPORTED: _("Contractor's own audit reported"),
}


def register() -> None:
    register_event_kinds("audits", RECORDED_KINDS)

"""The event kinds contracts records, with their labels (design.md: each app declares its own).

Registered with core.audit from ContractsConfig.ready(). The approvables (roster changes, work
sites, training plans and reports, subcontracts) also record the shared workflow's kinds,
`<prefix>.submitted|withdrawn|approved|returned|rejected`, declared with approval_event_kinds.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds
from core.events import approval_event_kinds

# Every kind contracts records, named once: services and views use these constants, never a
# string literal (a typo would be a new, undeclared kind).
CONTRACT_CREATED = "contract.created"
CONTRACT_PROPOSED = "contract.proposed"
CONTRACT_ACTIVATED = "contract.activated"
CONTRACT_WORK_STARTED = "contract.work_started"
CONTRACT_ENDED = "contract.ended"
CONTRACT_UPDATED = "contract.updated"
CONTRACT_CLOSED = "contract.closed"
ERASURE_CERTIFICATE_ISSUED = "contract.erasure_certificate_issued"
ROSTER_VIEWED = "roster.viewed"
ROSTER_PRINTED = "roster.printed"
ROSTER_EXPORTED = "roster.exported"
ROSTER_CHANGE_OPENED = "roster.change_opened"
ROSTER_ENTRY_DRAFTED = "roster.entry_drafted"
ROSTER_ENTRY_DISCARDED = "roster.entry_discarded"
ROSTER_CHANGE_NOTIFIED = "roster.change_notified"
PERSON_ADDED = "person.added"
PERSON_REMOVED = "person.removed"
PERSON_UPDATED = "person.updated"
PERSON_VIEWED = "person.viewed"
PERSON_FLAGGED_UNSUITABLE = "person.flagged_unsuitable"
PERSON_UNSUITABLE_ANSWERED = "person.unsuitable_answered"
PERSON_UNSUITABLE_CLOSED = "person.unsuitable_closed"
RESPONSIBLE_PERSON_DESIGNATED = "responsible_person.designated"
PLEDGE_UPLOADED = "pledge.uploaded"
WORKSITE_VIEWED = "worksite.viewed"
WORKSITE_CHANGE_OPENED = "worksite.change_opened"
WORKSITE_CHANGE_NOTIFIED = "worksite.change_notified"
WORKSITE_ENTRY_DRAFTED = "worksite.entry_drafted"
WORKSITE_ENTRY_DISCARDED = "worksite.entry_discarded"
WORKSITE_RULES_ACKNOWLEDGED = "worksite.rules_acknowledged"
TRAINING_VIEWED = "training.viewed"
TRAINING_PLAN_CREATED = "training_plan.created"
TRAINING_PLAN_UPDATED = "training_plan.updated"
TRAINING_PLAN_APPROVED = "training.plan_approved"
TRAINING_SESSION_RECORDED = "training.session_recorded"
TRAINING_ATTENDANCE_CHANGED = "training.attendance_changed"
TRAINING_ATTENDED_CLIENT_SESSION = "training.attended_client_session"
TRAINING_REPORT_CREATED = "training_report.created"
TRAINING_REPORT_UPDATED = "training_report.updated"
TRAINING_REPORTED = "training.reported"
SUBCONTRACT_VIEWED = "subcontract.viewed"
SUBCONTRACT_DRAFTED = "subcontract.drafted"
SUBCONTRACT_UPDATED = "subcontract.updated"
SUBCONTRACT_APPLIED = "subcontract.applied"
SUBCONTRACT_PRECHECK_SUBMITTED = "subcontract.precheck_submitted"
SUBCONTRACT_UPSTREAM_NOTIFIED = "subcontract.upstream_notified"
SUBCONTRACT_ENDED = "subcontract.ended"

# The event_prefix of each approvable's ApprovalPolicy (contracts/services/*): the workflow records
# `<prefix>.submitted|withdrawn|approved|returned|rejected`.
ROSTER_PREFIX = "roster"
WORKSITE_PREFIX = "worksite"
TRAINING_PLAN_PREFIX = "training_plan"
TRAINING_REPORT_PREFIX = "training_report"
SUBCONTRACT_PREFIX = "subcontract"

EVENT_KINDS: dict[str, Promise] = {
    # the contract's life
    CONTRACT_CREATED: _("Contract registered"),
    CONTRACT_PROPOSED: _("Contract proposed by the contractor"),
    CONTRACT_ACTIVATED: _("Contract activated"),
    CONTRACT_WORK_STARTED: _("Work under the contract started"),
    CONTRACT_ENDED: _("Contract ended"),
    CONTRACT_UPDATED: _("Contract's conditions changed"),
    CONTRACT_CLOSED: _("Contract closed and its personal data erased"),
    ERASURE_CERTIFICATE_ISSUED: _("Certificate of erasure issued"),
    # the roster and its people
    ROSTER_VIEWED: _("Roster viewed"),
    ROSTER_PRINTED: _("Roster printed"),
    ROSTER_EXPORTED: _("Roster exported"),
    ROSTER_CHANGE_OPENED: _("Roster change started"),
    ROSTER_ENTRY_DRAFTED: _("Roster change entry drafted"),
    ROSTER_ENTRY_DISCARDED: _("Roster change entry discarded"),
    ROSTER_CHANGE_NOTIFIED: _("Roster change notified"),
    PERSON_ADDED: _("Person added to the roster"),
    PERSON_REMOVED: _("Person removed from the roster"),
    PERSON_UPDATED: _("Person's roster entry changed"),
    PERSON_VIEWED: _("Person's details viewed"),
    PERSON_FLAGGED_UNSUITABLE: _("Worker flagged as unsuitable"),
    PERSON_UNSUITABLE_ANSWERED: _("Unsuitable-worker flag answered"),
    PERSON_UNSUITABLE_CLOSED: _("Unsuitable-worker flag closed"),
    RESPONSIBLE_PERSON_DESIGNATED: _("Responsible person designated"),
    PLEDGE_UPLOADED: _("Signed pledge uploaded"),
    # work sites
    WORKSITE_VIEWED: _("Work sites viewed"),
    WORKSITE_CHANGE_OPENED: _("Work-site change started"),
    WORKSITE_CHANGE_NOTIFIED: _("Work-site change notified"),
    WORKSITE_ENTRY_DRAFTED: _("Work-site change entry drafted"),
    WORKSITE_ENTRY_DISCARDED: _("Work-site change entry discarded"),
    WORKSITE_RULES_ACKNOWLEDGED: _("Security-area rules acknowledged"),
    # training
    TRAINING_VIEWED: _("Training viewed"),
    TRAINING_PLAN_CREATED: _("Training plan created"),
    TRAINING_PLAN_UPDATED: _("Training plan changed"),
    TRAINING_PLAN_APPROVED: _("Training plan approved (duty evidence)"),
    TRAINING_SESSION_RECORDED: _("Training session recorded"),
    TRAINING_ATTENDANCE_CHANGED: _("Training attendance changed"),
    TRAINING_ATTENDED_CLIENT_SESSION: _("Attendance at the public body's training recorded"),
    TRAINING_REPORT_CREATED: _("Training report created"),
    TRAINING_REPORT_UPDATED: _("Training report changed"),
    TRAINING_REPORTED: _("Training results reported (duty evidence)"),
    # subcontracts
    SUBCONTRACT_VIEWED: _("Subcontract viewed"),
    SUBCONTRACT_DRAFTED: _("Subcontract application drafted"),
    SUBCONTRACT_UPDATED: _("Subcontract application changed"),
    SUBCONTRACT_APPLIED: _("Subcontract applied for"),
    SUBCONTRACT_PRECHECK_SUBMITTED: _("Subcontractor pre-check submitted"),
    SUBCONTRACT_UPSTREAM_NOTIFIED: _("Upstream party notified of a subcontract"),
    SUBCONTRACT_ENDED: _("Subcontract ended"),
}

# What each approvable prefix names (its workflow's kinds are labelled with it).
APPROVABLES: dict[str, Promise] = {
    ROSTER_PREFIX: _("Roster"),
    WORKSITE_PREFIX: _("Work site"),
    TRAINING_PLAN_PREFIX: _("Training plan"),
    TRAINING_REPORT_PREFIX: _("Training report"),
    SUBCONTRACT_PREFIX: _("Subcontract"),
}


def register() -> None:
    register_event_kinds("contracts", EVENT_KINDS)
    for prefix, thing in APPROVABLES.items():
        register_event_kinds("contracts", approval_event_kinds(prefix, thing))

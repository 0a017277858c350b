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

EVENT_KINDS: dict[str, Promise] = {
    # the contract's life
    "contract.created": _("Contract registered"),
    "contract.proposed": _("Contract proposed by the contractor"),
    "contract.activated": _("Contract activated"),
    "contract.work_started": _("Work under the contract started"),
    "contract.ended": _("Contract ended"),
    # the roster and its people
    "roster.viewed": _("Roster viewed"),
    "roster.printed": _("Roster printed"),
    "roster.exported": _("Roster exported"),
    "roster.change_opened": _("Roster change started"),
    "roster.entry_drafted": _("Roster change entry drafted"),
    "roster.entry_discarded": _("Roster change entry discarded"),
    "roster.change_notified": _("Roster change notified"),
    "person.added": _("Person added to the roster"),
    "person.removed": _("Person removed from the roster"),
    "person.updated": _("Person's roster entry changed"),
    "person.viewed": _("Person's details viewed"),
    "person.flagged_unsuitable": _("Worker flagged as unsuitable"),
    "person.unsuitable_answered": _("Unsuitable-worker flag answered"),
    "person.unsuitable_closed": _("Unsuitable-worker flag closed"),
    "responsible_person.designated": _("Responsible person designated"),
    "pledge.uploaded": _("Signed pledge uploaded"),
    # work sites
    "worksite.viewed": _("Work sites viewed"),
    "worksite.change_opened": _("Work-site change started"),
    "worksite.entry_drafted": _("Work-site change entry drafted"),
    "worksite.entry_discarded": _("Work-site change entry discarded"),
    "worksite.rules_acknowledged": _("Security-area rules acknowledged"),
    # training
    "training.viewed": _("Training viewed"),
    "training_plan.created": _("Training plan created"),
    "training_plan.updated": _("Training plan changed"),
    "training.plan_approved": _("Training plan approved (duty evidence)"),
    "training.session_recorded": _("Training session recorded"),
    "training.attendance_changed": _("Training attendance changed"),
    "training.attended_client_session": _("Attendance at the public body's training recorded"),
    "training_report.created": _("Training report created"),
    "training_report.updated": _("Training report changed"),
    "training.reported": _("Training results reported (duty evidence)"),
    # subcontracts
    "subcontract.viewed": _("Subcontract viewed"),
    "subcontract.drafted": _("Subcontract application drafted"),
    "subcontract.updated": _("Subcontract application changed"),
    "subcontract.applied": _("Subcontract applied for"),
    "subcontract.precheck_submitted": _("Subcontractor pre-check submitted"),
    "subcontract.upstream_notified": _("Upstream party notified of a subcontract"),
}

# The event_prefix of each approvable's ApprovalPolicy (contracts/services/*).
APPROVABLES: dict[str, Promise] = {
    "roster": _("Roster"),
    "worksite": _("Work site"),
    "training_plan": _("Training plan"),
    "training_report": _("Training report"),
    "subcontract": _("Subcontract"),
}


def register() -> None:
    register_event_kinds("contracts", EVENT_KINDS)
    for prefix, thing in APPROVABLES.items():
        register_event_kinds("contracts", approval_event_kinds(prefix, thing))

"""The event kinds the ledgers will record, with their labels (design.md: each app declares its own).

Declared before the ledger services exist because the shipped clause templates already name
them in `opens_on` / `fulfilled_by`, and the clause validator accepts only declared kinds.
Registered with core.audit from LedgersConfig.ready(). An approvable of this app registering
approval_event_kinds("takeout", …) later re-declares `takeout.approved` under the same owner,
which core.audit accepts.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds
from core.events import approval_event_kinds

DEVICE_REGISTERED = "device.registered"
DEVICE_UPDATED = "device.updated"
# A computer's anti-virus pattern or updates became older than allowed (found by the daily sweep),
# and later brought up to date again: the duty of keeping them current opens and is met by these.
DEVICE_PROTECTION_STALE = "device.protection_stale"
DEVICE_PROTECTION_RENEWED = "device.protection_renewed"
# A read of the device ledger, which names the people holding the devices (personal data).
DEVICE_LEDGER_VIEWED = "device_ledger.viewed"
INFORMATION_RECEIVED = "information.received"
INFORMATION_HANDED_OVER = "information.handed_over"
COPY_APPROVED = "copy.approved"
TAKEOUT_APPROVED = "takeout.approved"
# Brought back from a take-out (the return confirmed). Not "takeout.returned": the take-out
# request is an approvable, whose 差戻し (return for correction) is takeout.returned.
TAKEOUT_BROUGHT_BACK = "takeout.brought_back"
TAKEOUT_PREFIX = "takeout"
TAKEOUT_DRAFTED = "takeout.drafted"
# A draft (or a request returned for correction) changed before it is submitted: what the
# approver is then shown is on the record as written, not only as last submitted.
TAKEOUT_CHANGED = "takeout.changed"
# The planned return of an approved take-out has passed with something still out (the sweep).
TAKEOUT_OVERDUE = "takeout.overdue"
SHIPPING_RECORDED = "shipping.recorded"
BRINGIN_APPROVED = "bringin.approved"
# Named by template versions before the inspections were recorded in the portal (000 up to
# 1.7, 002 up to r8); nothing records it any more: an inspection records INSPECTION_RECORDED.
BACKUP_INSPECTED = "backup.inspected"
# An inspection of backups and storage (000 §5.6(6), 002 §10(2)): it meets the periodic duty.
INSPECTION_RECORDED = "inspection.recorded"
# Each finding opens its corrective duty (its subject the finding, due on its date), which its
# correction meets.
INSPECTION_FINDING_OPENED = "inspection.finding_opened"
INSPECTION_FINDING_CORRECTED = "inspection.finding_corrected"
# A read of the inspections, which name the inspector and whose notes may name people.
INSPECTIONS_VIEWED = "inspections.viewed"
INFORMATION_LEDGER_SUBMITTED = "information_ledger.submitted"
# The information ledger's custody events besides the kinds above (received, handed over,
# brought back from a take-out, shipped): each names the item as its subject.
INFORMATION_COPIED = "information.copied"
INFORMATION_TAKEN_OUT = "information.taken_out"
INFORMATION_PROVIDED = "information.provided"
# Recorded by erasures and destructions before they became DISPOSAL_RECORDED (the kind the
# clause templates name); kept so that entries already in the audit trail keep their label.
INFORMATION_DISPOSED = "information.disposed"
INFORMATION_CUSTODY_RECORDED = "information.custody_recorded"
INFORMATION_CUSTODY_CORRECTED = "information.custody_corrected"
INFORMATION_LEDGER_VIEWED = "information_ledger.viewed"
# A ledger kept in Excel imported (services.imports): one event for the file, besides each
# entry's own (information.received, device.registered), as if each had been typed.
INFORMATION_LEDGER_IMPORTED = "information_ledger.imported"
DEVICE_LEDGER_IMPORTED = "device_ledger.imported"
# The preview of an import (the rows it will enter) or the errors of one that failed, shown to its
# uploader (views.imports.import_status): they quote the file's names and the roster's, kept
# encrypted until the import is removed. Its data says which: {"rows": n} or {"errors": n}.
LEDGER_IMPORT_VIEWED = "ledger_import.viewed"
# Named by template versions before the disposal application became an approvable (whose
# submission records disposal.submitted); nothing records it any more.
DISPOSAL_APPLIED = "disposal.applied"
DISPOSAL_APPROVED = "disposal.approved"
DISPOSAL_RECORDED = "disposal.recorded"
DISPOSAL_CERTIFICATE_ISSUED = "disposal.certificate_issued"
# The applications of the one request model (models.requests), each an approvable of its own
# prefix: copy.submitted / copy.approved, disclosure.…, bringin.…, disposal.…
COPY_PREFIX = "copy"
DISCLOSURE_PREFIX = "disclosure"
BRINGIN_PREFIX = "bringin"
DISPOSAL_PREFIX = "disposal"
DISCLOSURE_APPROVED = "disclosure.approved"

RECORDED_KINDS = {
    DEVICE_REGISTERED: _("Device or medium entered in the device ledger"),
    DEVICE_UPDATED: _("Device ledger entry changed"),
    DEVICE_PROTECTION_STALE: _("Anti-virus pattern or updates out of date"),
    DEVICE_PROTECTION_RENEWED: _("Anti-virus pattern and updates brought up to date"),
    DEVICE_LEDGER_VIEWED: _("Device ledger viewed"),
    INFORMATION_RECEIVED: _("Information received (receipt issued)"),
    INFORMATION_HANDED_OVER: _("Information handed over (handover slip)"),
    COPY_APPROVED: _("Copy approved"),
    TAKEOUT_APPROVED: _("Take-out approved"),
    TAKEOUT_BROUGHT_BACK: _("Taken-out information or media brought back"),
    TAKEOUT_DRAFTED: _("Take-out request drafted"),
    TAKEOUT_CHANGED: _("Take-out request changed before submission"),
    TAKEOUT_OVERDUE: _("Take-out not brought back by its planned return"),
    SHIPPING_RECORDED: _("Shipment recorded"),
    BRINGIN_APPROVED: _("Bringing in devices or media approved"),
    BACKUP_INSPECTED: _("Backups and storage inspected"),
    INSPECTION_RECORDED: _("Inspection of storage, data and backups recorded"),
    INSPECTION_FINDING_OPENED: _("Inspection finding to correct"),
    INSPECTION_FINDING_CORRECTED: _("Inspection finding corrected"),
    INSPECTIONS_VIEWED: _("Inspections viewed"),
    INFORMATION_LEDGER_SUBMITTED: _("Information ledger submitted"),
    INFORMATION_COPIED: _("Information copied"),
    INFORMATION_TAKEN_OUT: _("Information taken out"),
    INFORMATION_PROVIDED: _("Information provided to a third party"),
    INFORMATION_DISPOSED: _("Information erased or destroyed"),
    INFORMATION_CUSTODY_RECORDED: _("Information ledger entry recorded"),
    INFORMATION_CUSTODY_CORRECTED: _("Information ledger entry corrected"),
    INFORMATION_LEDGER_VIEWED: _("Information ledger viewed"),
    INFORMATION_LEDGER_IMPORTED: _("Information ledger imported from Excel"),
    DEVICE_LEDGER_IMPORTED: _("Device ledger imported from Excel"),
    LEDGER_IMPORT_VIEWED: _("Preview or errors of a ledger import from Excel viewed"),
    DISPOSAL_APPLIED: _("Disposal applied for"),
    DISPOSAL_APPROVED: _("Disposal approved"),
    DISPOSAL_RECORDED: _("Return or disposal carried out"),
    DISPOSAL_CERTIFICATE_ISSUED: _("Certificate of return or disposal issued"),
}


# An application's own writes before its workflow: drafted, and changed while a draft or
# returned for correction (<kind>.drafted, <kind>.changed, beside <kind>.submitted …).
DRAFT_ACTIONS = {"drafted": _("{thing}: drafted"), "changed": _("{thing}: changed before submission")}


def draft_event_kinds(prefix: str, thing) -> dict:
    return {f"{prefix}.{action}": format_lazy(label, thing=thing) for action, label in DRAFT_ACTIONS.items()}


def register() -> None:
    register_event_kinds("ledgers", RECORDED_KINDS)
    # The request's workflow: takeout.submitted, .approved (which 001 §18(2) opens on), .returned …
    register_event_kinds("ledgers", approval_event_kinds(TAKEOUT_PREFIX, _("Take-out request")))
    register_event_kinds("ledgers", approval_event_kinds(COPY_PREFIX, _("Copy request")))
    disclosure = _("Request to provide information to a third party")
    register_event_kinds("ledgers", approval_event_kinds(DISCLOSURE_PREFIX, disclosure))
    register_event_kinds("ledgers", approval_event_kinds(BRINGIN_PREFIX, _("Bring-in request")))
    register_event_kinds("ledgers", approval_event_kinds(DISPOSAL_PREFIX, _("Disposal application")))
    for prefix, thing in (
        (COPY_PREFIX, _("Copy request")),
        (DISCLOSURE_PREFIX, disclosure),
        (BRINGIN_PREFIX, _("Bring-in request")),
        (DISPOSAL_PREFIX, _("Disposal application")),
    ):
        register_event_kinds("ledgers", draft_event_kinds(prefix, thing))

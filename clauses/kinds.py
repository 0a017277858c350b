"""The vocabulary of obligation kinds (docs/clause-templates.md) and the feature serving each.

A template may use only these kinds. `feature` names the part of the portal that serves the
kind (the issue that builds it fills the feature in; until then the duty is tracked by its
events and attestations). `evidence` is the default way a duty of this kind is met.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise  # shown in the UI (translatable)
    group: str
    feature: str
    evidence: str  # approval | ledger | form | attestation | upload | report | record | none


_K = Kind
KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        # 体制・名簿
        _K(
            "responsible-person",
            _("Responsible persons: designation and notice"),
            "personnel",
            "roster",
            "approval",
        ),
        _K("roster", _("Roster of workers"), "personnel", "roster", "approval"),
        _K("personnel-prior-approval", _("Prior approval of workers"), "personnel", "roster", "approval"),
        _K("personnel-change-notice", _("Notice of changes of workers"), "personnel", "roster", "form"),
        _K("pledge", _("Confidentiality pledges"), "personnel", "pledges", "upload"),
        _K("training", _("Training"), "personnel", "training", "report"),
        _K("supervision", _("Supervision of workers"), "personnel", "roster", "attestation"),
        _K("dispatch-worker", _("Confidentiality of dispatch workers"), "personnel", "roster", "attestation"),
        _K("identification", _("Name tags and photo ID"), "personnel", "worksites", "attestation"),
        _K("worker-unsuitable", _("Measures about an unsuitable worker"), "personnel", "roster", "record"),
        # 作業場所
        _K("worksite-approval", _("Approval of work sites"), "worksite", "worksites", "approval"),
        _K(
            "designated-place-only",
            _("No take-out from the designated place"),
            "worksite",
            "takeout",
            "attestation",
        ),
        _K("locked-storage", _("Locked storage"), "worksite", "worksites", "attestation"),
        _K("secure-area-rules", _("Entry rules of secure areas"), "worksite", "worksites", "attestation"),
        # 再委託
        _K(
            "subcontract-approval",
            _("Prior approval of subcontracting"),
            "subcontract",
            "subcontracts",
            "approval",
        ),
        _K("subcontract-application", _("Subcontracting application"), "subcontract", "subcontracts", "form"),
        _K(
            "subcontract-main-part-forbidden",
            _("No subcontracting of the whole or the main part of the work"),
            "subcontract",
            "subcontracts",
            "attestation",
        ),
        _K(
            "subcontract-precheck",
            _("Check of the subcontractor's security measures"),
            "subcontract",
            "subcontracts",
            "form",
        ),
        _K(
            "subcontract-chain",
            _("Approval and notice of further subcontracting"),
            "subcontract",
            "subcontracts",
            "approval",
        ),
        _K(
            "subcontract-equivalent-terms",
            _("Equivalent terms for subcontractors and their supervision"),
            "subcontract",
            "subcontracts",
            "attestation",
        ),
        # 情報の取扱い・台帳
        _K("device-ledger", _("Ledger of computers and media"), "ledger", "device_ledger", "ledger"),
        _K("no-private-devices", _("No private devices"), "ledger", "device_ledger", "attestation"),
        _K(
            "no-unauthorised-software",
            _("No file-sharing or unauthorised software"),
            "ledger",
            "device_ledger",
            "attestation",
        ),
        _K(
            "antivirus-and-patches",
            _("Anti-virus and vulnerability measures"),
            "ledger",
            "device_ledger",
            "attestation",
        ),
        _K("no-generative-ai", _("No input into generative AI"), "ledger", "device_ledger", "attestation"),
        _K(
            "encryption",
            _("Encryption and password protection"),
            "ledger",
            "information_ledger",
            "attestation",
        ),
        _K(
            "access-control-and-logging",
            _("Access control and logging"),
            "ledger",
            "information_ledger",
            "attestation",
        ),
        _K("information-ledger", _("Ledger of the information"), "ledger", "information_ledger", "ledger"),
        _K(
            "receipt-and-handover", _("Receipts and handover slips"), "ledger", "information_ledger", "ledger"
        ),
        _K("take-out", _("Approval and log of take-outs"), "ledger", "takeout", "approval"),
        _K("copy-approval", _("Consent to copying"), "ledger", "information_ledger", "approval"),
        _K("shipping", _("Shipping and transport"), "ledger", "information_ledger", "ledger"),
        _K("bring-in", _("Approval of bringing in devices or media"), "ledger", "device_ledger", "approval"),
        _K("backup-and-inspection", _("Backups and periodic inspection"), "ledger", "inspections", "record"),
        _K("return-or-disposal", _("Return or disposal"), "ledger", "disposal", "record"),
        _K(
            "disposal-application",
            _("Application before disposal or erasure"),
            "ledger",
            "disposal",
            "approval",
        ),
        _K("disposal-record", _("Record and certificate of disposal"), "ledger", "disposal", "form"),
        _K(
            "third-party-disclosure",
            _("No disclosure to third parties"),
            "ledger",
            "information_ledger",
            "attestation",
        ),
        _K(
            "purpose-limitation",
            _("No use for other purposes"),
            "ledger",
            "information_ledger",
            "attestation",
        ),
        _K("confidentiality", _("Confidentiality"), "ledger", "information_ledger", "attestation"),
        # 事故
        _K("incident-report", _("Incident reports"), "incident", "incidents", "report"),
        _K("incident-response", _("Incident response and prevention"), "incident", "incidents", "report"),
        _K("incident-notify-subjects", _("Notice to the people affected"), "incident", "incidents", "record"),
        _K("incident-publication", _("Publication of an incident"), "incident", "incidents", "record"),
        _K(
            "incident-subcontractor",
            _("Incident reports from subcontractors"),
            "incident",
            "incidents",
            "report",
        ),
        _K(
            "incident-drill", _("Review and drills of incident procedures"), "incident", "incidents", "record"
        ),
        _K(
            "incident-cooperation",
            _("Cooperation in investigations and keeping records"),
            "incident",
            "incidents",
            "record",
        ),
        # 報告・監査
        _K("report-on-request", _("Reports on request"), "audit", "reports", "report"),
        _K("periodic-report", _("Periodic reports"), "audit", "reports", "report"),
        _K(
            "annual-security-check", _("Annual check of security measures"), "audit", "security_check", "form"
        ),
        _K("audit", _("Cooperation with audits and inspections"), "audit", "audits", "record"),
        _K("audit-response-plan", _("Audit response plan"), "audit", "audits", "form"),
        _K("corrective-action", _("Corrective action"), "audit", "audits", "record"),
        _K("self-audit", _("Reports of own audits"), "audit", "audits", "report"),
        _K("security-rules", _("Security rules: keeping and following them"), "audit", "documents", "upload"),
        # Generic kinds: any new template can say "submit this document" or "attest this measure"
        # without code. They need `document` / `measure` on the obligation.
        _K("submit-document", _("Submission of a document"), "generic", "documents", "upload"),
        _K("attest-measure", _("Confirmation of a measure"), "generic", "attestations", "attestation"),
        # Statutory (APPI) clocks, applied by the built-in template.
        _K("appi-preliminary-report", _("Preliminary report to the PPC"), "statutory", "incidents", "report"),
        _K("appi-final-report", _("Final report to the PPC"), "statutory", "incidents", "report"),
    ]
}

# "subcontractor": a duty of the subcontractor of one link (per_subject on a subcontract's event,
# e.g. its return or disposal at its end); the contractor answers for it and sees it with its own.
ACTORS = ("contractor", "client", "subcontractor")
TRIGGERS = (
    "contract_signed",
    "work_start",
    "event",
    "periodic",
    "on_request",
    "contract_end",
    "standing",
    "procurement",  # the public body's own steps while the contract is prepared (actor client)
)
DEADLINE_RULES = (
    "none",  # standing duty: no date (attestations renewed by their own period, if any)
    "immediately",  # due on the day of the trigger
    "business_days_after",  # N business days of the public body after the trigger
    "calendar_days_after",  # N calendar days after the trigger
    "before_work_start",  # 着手前: the business day before the work start
    "by_work_start",  # 作業開始時まで: on the work start itself
    "business_days_before_work_start",  # N business days before the work start
    "before_contract_end",  # due on the contract's end date
    "business_days_before_contract_end",  # N business days before the contract's end date
    "fixed_date",  # a date given in the obligation
    "business_days_before_contract_start",  # N business days before the contract's start date
    "event_due_date",  # the due date the opening event sets (a finding's day to correct it by)
)
EVIDENCE = ("approval", "ledger", "form", "attestation", "upload", "report", "record", "none")
GENERIC_PARAM = {"submit-document": "document", "attest-measure": "measure"}


# --- the vocabulary in words -------------------------------------------------------------------
# The codes above are the library's data format; a person reading a template sees these words
# (the clause-library page, the comparison). Every code has a label: tests/clauses checks it.

TRIGGER_LABELS: dict[str, str | Promise] = {
    "contract_signed": _("When the contract is signed"),
    "work_start": _("When the work starts"),
    "event": _("When it happens"),
    "periodic": _("Periodically"),
    "on_request": _("When the public body asks"),
    "contract_end": _("When the contract ends"),
    "standing": _("Throughout the contract"),
    "procurement": _("While the contract is prepared (the public body's steps)"),
}
EVIDENCE_LABELS: dict[str, str | Promise] = {
    "approval": _("Approval"),
    "ledger": _("Ledger entries"),
    "form": _("Form"),
    "attestation": _("Attestation"),
    "upload": _("Submitted document"),
    "report": _("Report"),
    "record": _("Record"),
    "none": _("None"),
}
FEATURE_LABELS: dict[str, str | Promise] = {
    "attestations": _("Attestations"),
    "audits": _("Audits"),
    "device_ledger": _("Device ledger"),
    "disposal": _("Disposal"),
    "documents": _("Documents"),
    "incidents": _("Incidents"),
    "information_ledger": _("Information ledger"),
    "inspections": _("Inspections"),
    "pledges": _("Pledges"),
    "reports": _("Reports"),
    "roster": _("Roster"),
    "security_check": _("Annual security check"),
    "subcontracts": _("Subcontracting"),
    "takeout": _("Take-out"),
    "training": _("Training"),
    "worksites": _("Work sites"),
}
# The contract flags an obligation may depend on (clauses.library.CONTRACT_FLAGS).
FLAG_LABELS: dict[str, str | Promise] = {
    "handles_personal_info": _("the contract handles personal information"),
    "handles_my_number": _("the contract handles My Number (specific personal information)"),
    "on_premises": _("the work is done on the public body's premises"),
    "subcontracting": _("subcontracting is foreseen"),
    "uses_client_network": _("the contractor connects to the public body's network or systems"),
    "dispatch_workers": _(
        "dispatch workers do the work (a duty per person: the person is a dispatch worker)"
    ),
    "roster_in_force": _("a roster is already in force (a change of personnel, not the first roster)"),
    "worksites_in_force": _(
        "work sites are already in force (a change of work site, not the first declaration)"
    ),
    "worker": _("a duty per person: the roster names the person a worker (not the responsible person)"),
}


def deadline_words(rule: str, days: int | None) -> str:
    """The deadline rule as a person says it: 「5営業日以内」, 「作業開始前」, 「作業開始日まで」."""
    from django.utils.translation import gettext

    if rule == "business_days_after":
        return gettext("Within %(n)s business days") % {"n": days}
    if rule == "calendar_days_after":
        return gettext("Within %(n)s days") % {"n": days}
    if rule == "business_days_before_work_start":
        return gettext("%(n)s business days before the work starts") % {"n": days}
    if rule == "business_days_before_contract_end":
        return gettext("%(n)s business days before the end of the contract") % {"n": days}
    if rule == "business_days_before_contract_start":
        return gettext("%(n)s business days before the contract starts") % {"n": days}
    words = {
        "none": _("No deadline"),
        "immediately": _("Without delay"),
        "before_work_start": _("Before the work starts"),
        "by_work_start": _("By the day the work starts"),
        "before_contract_end": _("By the end of the contract"),
        "fixed_date": _("On the date set"),
        "event_due_date": _("By the day set when it was recorded"),
    }
    return str(words.get(rule, rule))

"""Writes of incidents: the first report and every later entry of its timeline — never an edit
(models.incidents). Each write takes the row lock it needs, checks the transition against
ALLOWED, records its entry and its event in the audit trail, and after COMMIT has its people told
(services.notices, through a Celery task).

Events carry codes, ids and times only, never the summary or an entry's text: events outlive the
contract's data key. `incident.reported` is what the shipped templates' incident duties open on
(and the first-report duty is met by), so the compliance engine sees every report.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract
from core.audit import record_event
from core.models import Membership
from core.validators import NOTE, check_input
from incidents import events, permissions
from incidents.models import CONTRACTOR_KINDS, Category, EntryKind, Incident, IncidentEntry
from incidents.selectors.incidents import Status, state_of, with_state

# Which entry may follow which state (selectors.incidents.Status): the whole timeline's rule.
ALLOWED: dict[str, frozenset[str]] = {
    **{
        kind: frozenset({Status.REPORTED, Status.ACKNOWLEDGED, Status.INSTRUCTED})
        for kind in CONTRACTOR_KINDS
    },
    EntryKind.ACKNOWLEDGEMENT: frozenset({Status.REPORTED}),
    EntryKind.INSTRUCTION: frozenset({Status.ACKNOWLEDGED, Status.INSTRUCTED}),
    EntryKind.INSTRUCTION_ACKNOWLEDGEMENT: frozenset({Status.INSTRUCTED}),
    EntryKind.CLOSURE: frozenset({Status.ACKNOWLEDGED}),
}

EVENT_OF = {
    **dict.fromkeys(CONTRACTOR_KINDS, events.INCIDENT_UPDATED),
    EntryKind.ACKNOWLEDGEMENT: events.INCIDENT_ACKNOWLEDGED,
    EntryKind.INSTRUCTION: events.INCIDENT_INSTRUCTIONS_GIVEN,
    EntryKind.INSTRUCTION_ACKNOWLEDGEMENT: events.INCIDENT_INSTRUCTION_ACKNOWLEDGED,
    EntryKind.CLOSURE: events.INCIDENT_CLOSED,
}


def _refusal(kind: str, state: str) -> str:
    """Why `kind` cannot follow `state`, in words."""
    if state == Status.CLOSED:
        return _("This incident is closed: nothing more is added to it.")
    if kind == EntryKind.ACKNOWLEDGEMENT:
        return _("The receipt of this report is already acknowledged.")
    if kind == EntryKind.INSTRUCTION_ACKNOWLEDGEMENT:
        return _("There is no instruction waiting for its acknowledgement.")
    if kind == EntryKind.CLOSURE and state == Status.INSTRUCTED:
        return _("An instruction is not acknowledged yet: close the incident once it is.")
    return _("Acknowledge the receipt of the report first.")


def _notify_after_commit(entry: IncidentEntry) -> None:
    from core.services.outbox import publish
    from incidents import tasks

    # The sweep catches up an entry whose publish was lost (services.notices).
    transaction.on_commit(lambda: publish(tasks.notify_entry, entry_id=entry.pk))


def _new_entry(
    *,
    incident: Incident,
    kind: str,
    actor,
    organisation_id: int,
    text: str = "",
    responds_to: IncidentEntry | None = None,
) -> IncidentEntry:
    last = IncidentEntry.objects.filter(incident=incident).aggregate(n=Max("sequence"))["n"] or 0
    entry = IncidentEntry(
        incident=incident,
        sequence=last + 1,
        kind=kind,
        text=text,
        responds_to=responds_to,
        actor=actor,
        organisation_id=organisation_id,
        data_key_id=incident.data_key_id,
    )
    entry.full_clean()
    entry.save()
    return entry


def incident_report(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    category: str,
    found_at: datetime,
    summary: str,
    suspected: bool = False,
    occurred_at: datetime | None = None,
) -> Incident:
    """The first report of an incident (速報) by the actor's party: what happened, whether it is
    only suspected, when it was found (and occurred, if known), in a few lines."""
    if not permissions.can_report_incident(actor, actor_membership, contract):
        raise PermissionDenied
    summary = (summary or "").strip()
    check_input(
        texts={"summary": (summary, NOTE)},
        dates={
            "found_at": found_at.date() if found_at else None,
            **({"occurred_at": occurred_at.date()} if occurred_at else {}),
        },
    )
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = _("Choose the kind of incident.")
    if not summary:
        errors["summary"] = _("Say in a few words what happened.")
    now = timezone.now()
    if found_at > now:
        errors["found_at"] = _("The time it was found is in the future.")
    if occurred_at is not None:
        if occurred_at > now:
            errors["occurred_at"] = _("The time it occurred is in the future.")
        elif occurred_at > found_at:
            errors["occurred_at"] = _("It cannot have occurred after it was found.")
    if errors:
        raise ValidationError(errors)
    organisation_id = actor_membership.organisation_id
    with transaction.atomic():
        # The contract's row is the lock of its numbering: two reports at once get two numbers.
        contract = Contract.objects.select_for_update().select_related("data_key").get(pk=contract.pk)
        last = Incident.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0
        incident = Incident(
            contract=contract,
            organisation_id=organisation_id,
            number=last + 1,
            category=category,
            suspected=bool(suspected),
            found_at=found_at,
            occurred_at=occurred_at,
            summary=summary,
            data_key=contract.data_key,
            reported_by=actor,
        )
        incident.full_clean()
        incident.save()
        entry = _new_entry(
            incident=incident, kind=EntryKind.FIRST_REPORT, actor=actor, organisation_id=organisation_id
        )
        record_event(
            kind=events.INCIDENT_REPORTED,
            actor=actor,
            obj=incident,
            organisation_id=organisation_id,
            contract_id=contract.pk,
            data={
                "number": incident.number,
                "category": category,
                "suspected": incident.suspected,
                "found_at": found_at.isoformat(),
                "occurred_at": occurred_at.isoformat() if occurred_at else None,
                "reported_by": organisation_id,
            },
        )
        _notify_after_commit(entry)
    return incident


def _add(
    *,
    actor,
    actor_membership: Membership,
    incident: Incident,
    kind: str,
    text: str = "",
    responds_to: IncidentEntry | None = None,
    text_required: bool = False,
    field: str = "text",
) -> IncidentEntry:
    text = (text or "").strip()
    check_input(texts={"text": (text, NOTE)})
    if text_required and not text:
        raise ValidationError({"text": _("Write what is to be recorded.")})
    with transaction.atomic():
        # The incident's row is the lock: two people acting at once are checked one after the other.
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        locked = with_state(Incident.objects.filter(pk=incident.pk)).get()
        state = state_of(locked)
        if state not in ALLOWED[kind]:
            raise ValidationError({field: _refusal(kind, state)})
        if responds_to is not None and responds_to.responses.exists():
            raise ValidationError({field: _("This instruction is already acknowledged.")})
        entry = _new_entry(
            incident=locked,
            kind=kind,
            actor=actor,
            organisation_id=actor_membership.organisation_id,
            text=text,
            responds_to=responds_to,
        )
        data = {"sequence": entry.sequence, "entry": kind, "number": locked.number}
        if responds_to is not None:
            data["responds_to"] = responds_to.sequence
        record_event(
            kind=EVENT_OF[kind],
            actor=actor,
            obj=locked,
            organisation_id=actor_membership.organisation_id,
            contract_id=locked.contract_id,
            data=data,
        )
        _notify_after_commit(entry)
    return entry


def incident_update(
    *, actor, actor_membership: Membership, incident: Incident, kind: str = EntryKind.UPDATE, text: str
) -> IncidentEntry:
    """The reporting side adds to its report: what it learnt since, its written report, its
    analysis of the cause, its plan to prevent a recurrence, and what it carried out."""
    if not permissions.can_answer_incident(actor, actor_membership, incident):
        raise PermissionDenied
    if kind not in CONTRACTOR_KINDS:
        raise ValidationError({"kind": _("Choose what you are recording.")})
    return _add(
        actor=actor,
        actor_membership=actor_membership,
        incident=incident,
        kind=kind,
        text=text,
        text_required=True,
    )


def incident_acknowledge(*, actor, actor_membership: Membership, incident: Incident) -> IncidentEntry:
    """The public body confirms it has the report: the reporting side knows it was received, and
    the escalation to the body's administrators stops."""
    if not permissions.can_handle_incident(actor, actor_membership, incident):
        raise PermissionDenied
    return _add(
        actor=actor,
        actor_membership=actor_membership,
        incident=incident,
        kind=EntryKind.ACKNOWLEDGEMENT,
        field="__all__",
    )


def incident_instruct(*, actor, actor_membership: Membership, incident: Incident, text: str) -> IncidentEntry:
    """The public body's instruction on the incident (001 §24, 004 §12: the contractor follows
    it); it waits for the reporting side's acknowledgement."""
    if not permissions.can_handle_incident(actor, actor_membership, incident):
        raise PermissionDenied
    return _add(
        actor=actor,
        actor_membership=actor_membership,
        incident=incident,
        kind=EntryKind.INSTRUCTION,
        text=text,
        text_required=True,
    )


def incident_instruction_acknowledge(
    *, actor, actor_membership: Membership, instruction: IncidentEntry, text: str = ""
) -> IncidentEntry:
    """The reporting side acknowledges an instruction (with a note if it has one)."""
    incident = instruction.incident
    if not permissions.can_answer_incident(actor, actor_membership, incident):
        raise PermissionDenied
    if instruction.kind != EntryKind.INSTRUCTION:
        raise ValidationError({"text": _("There is no instruction waiting for its acknowledgement.")})
    return _add(
        actor=actor,
        actor_membership=actor_membership,
        incident=incident,
        kind=EntryKind.INSTRUCTION_ACKNOWLEDGEMENT,
        text=text,
        responds_to=instruction,
    )


def incident_close(
    *, actor, actor_membership: Membership, incident: Incident, text: str = ""
) -> IncidentEntry:
    """The public body closes the incident: nothing more is added to it, and it no longer holds
    the contract's close back."""
    if not permissions.can_handle_incident(actor, actor_membership, incident):
        raise PermissionDenied
    return _add(
        actor=actor,
        actor_membership=actor_membership,
        incident=incident,
        kind=EntryKind.CLOSURE,
        text=text,
    )

"""The roster (名簿): people, their versioned entries, and change requests through the shared
approval workflow. Nothing submitted is edited: a change adds new entry versions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts import events, permissions
from contracts.models import (
    FINISHED_STATUSES,
    Contract,
    Employment,
    Person,
    PersonRole,
    RosterChange,
    RosterEntry,
)
from contracts.pdf.roster import ROSTER_FORM, roster_context
from contracts.selectors.contracts import approval_recipients
from contracts.selectors.roster import (
    current_entries,
    people_without_pledge,
    pledges_required,
    roster_needs_prior_approval,
)
from contracts.services.effective import effective_at
from core.approvables import next_number
from core.approvals import (
    DECIDING_ACTIONS,
    EDITABLE,
    ApprovalAction,
    ApprovalPolicy,
    ApprovalState,
    FrozenForm,
    approval_transition,
)
from core.audit import record_event, record_events
from core.models import Membership

LEADING_ROLES = (PersonRole.RESPONSIBLE, PersonRole.SECURITY_OFFICER)
ENTRY_FIELDS = (
    "role",
    "job_title",
    "affiliation",
    "scope_of_work",
    "start_date",
    "planned_end_date",
    "dispatch_terms_confirmed",
    "declared_roles",
)


def _subject(person: Person) -> str:
    return _subject_of(person.pk)


def _subject_of(person_id: int) -> str:
    return f"contracts.person:{person_id}"


def _approved(change: RosterChange) -> bool:
    return change.approval_state == ApprovalState.APPROVED


def _removed(change: RosterChange) -> list[str]:
    return [
        _subject_of(pk)
        for pk in change.entries.filter(action=RosterEntry.Action.REMOVE).values_list("person_id", flat=True)
    ]


def policy(membership: Membership | None, *, effective_on: date | None = None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.ROSTER_PREFIX,
        can_submit=lambda actor, change: permissions.can_edit_roster(actor, membership, change.contract),
        can_decide=lambda actor, change: permissions.can_decide_roster(actor, membership, change.contract),
        notify=approval_recipients,
        title=lambda change: (
            _("Roster of %(number)s (change #%(n)s)") % {"number": change.contract.number, "n": change.number}
        ),
        # Kept exactly as submitted: a PDF stored with its SHA-256 (design.md, PDF forms).
        frozen_form=FrozenForm(
            form_id=ROSTER_FORM,
            context=lambda change: roster_context(change.contract, pending_change=change),
            filename=lambda change: f"roster-{change.contract_id}-{change.number}.pdf",
            purpose="roster",
        ),
        offers=_offers,
        # The people the change names: its approval (or notice) is evidence for each of them
        # (002 §4.2 asks the approval of every worker, one duty each).
        event_data=lambda change: {
            "subjects": [_subject_of(pk) for pk in change.entries.values_list("person_id", flat=True)],
            # The people the approved change takes off the roster: their own duties end with it.
            **({"ended_subjects": _removed(change)} if _approved(change) else {}),
            # A decision given earlier and recorded now counts from its day (the duty engine dates
            # the duties it meets from it), as the change's own effective date does.
            **({"effective_date": effective_on.isoformat()} if effective_on else {}),
        },
    )


def _offers(change: RosterChange, action: str) -> bool:
    # A change in force (notified, or approved) is not withdrawn: a new change follows it. A
    # change under notice-only clauses is notified, never decided.
    if action == ApprovalAction.WITHDRAW:
        return change.effective_at is None
    return change.needs_approval or action not in DECIDING_ACTIONS


def _editable_change(change: RosterChange, actor, membership) -> RosterChange:
    change = RosterChange.objects.select_for_update().select_related("contract").get(pk=change.pk)
    if not permissions.can_edit_roster(actor, membership, change.contract):
        raise PermissionDenied
    if change.approval_state not in EDITABLE:
        raise ValidationError(_("This change was submitted: withdraw it first, or start a new one."))
    return change


@transaction.atomic
def roster_change_open(*, actor, actor_membership: Membership, contract: Contract) -> RosterChange:
    """The contractor's open draft (or returned) change, or a new one."""
    if not permissions.can_edit_roster(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status in FINISHED_STATUSES:
        raise ValidationError(_("The contract has ended."))
    Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one open change at a time
    # A change notified under notice-only clauses is already in force: it does not block the next.
    open_change = (
        RosterChange.objects.filter(
            contract=contract, approval_state__in=[*EDITABLE, ApprovalState.SUBMITTED]
        )
        .exclude(approval_state=ApprovalState.SUBMITTED, effective_at__isnull=False)
        .first()
    )
    if open_change is not None:
        return open_change
    change = RosterChange(
        contract=contract,
        number=next_number(RosterChange, contract),
        created_by=actor,
        needs_approval=roster_needs_prior_approval(contract),
    )
    change.full_clean()
    change.save()
    record_event(kind=events.ROSTER_CHANGE_OPENED, actor=actor, obj=change, contract_id=contract.pk)
    return change


def _check_dates(contract: Contract, start: date, end: date | None) -> dict[str, str]:
    errors = {}
    if start and not contract.start_date <= start <= contract.end_date:
        errors["start_date"] = _("The start must be within the contract period.")
    if start and end and end < start:
        errors["planned_end_date"] = _("The planned end cannot be before the start.")
    return errors


def _employer_errors(contract: Contract, employer, employment: str) -> dict[str, str]:
    """A subcontractor's worker is employed by a subcontractor approved on this contract (at any
    tier), and only such a worker is: the roster says whose people they are (001 §15, 002 §9)."""
    from contracts.selectors.subcontracts import approved_subcontractors

    by_subcontractor = employer is not None and employer.pk != contract.contractor_id
    if by_subcontractor and not approved_subcontractors(contract).filter(pk=employer.pk).exists():
        return {"employer": _("Only a subcontractor approved on this contract can be the employer.")}
    if by_subcontractor and employment != Employment.SUBCONTRACTOR:
        return {
            "employment": _("A subcontractor's worker has the employment type \"Subcontractor's worker\".")
        }
    if employment == Employment.SUBCONTRACTOR and not by_subcontractor:
        return {"employer": _("Choose the approved subcontractor that employs this worker.")}
    return {}


def required_field_message(name: str) -> str:
    """The words refusing an entry without `name`, a field the contract's clauses need on the
    roster: the entry form (contracts.forms.people.clause_fields) says the same, from here."""
    label = RosterEntry._meta.get_field(name).verbose_name
    return _("Enter the %(field)s: this contract's clauses ask for it on the roster.") % {"field": label}


def _required_field_errors(contract: Contract, entry: dict) -> dict[str, str]:
    """The fields a clause's condition needs for every person (001 §7: 所属, 従事期間) that the
    entry leaves blank. The service refuses what its form refuses, so a sheet imported or a call
    from elsewhere cannot draft a line the form would not accept."""
    errors = {}
    for name in sorted(clauses_api.required_roster_fields(contract)):
        value = entry.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = required_field_message(name)
    return errors


def _clause_errors(contract: Contract, entry: dict) -> dict[str, str]:
    """What the contract's clauses ask of an entry: the fields their conditions need for every
    person, and only the roles its template declares (clauses.api) given to it."""
    errors = _required_field_errors(contract, entry)
    declared = entry.get("declared_roles") or []
    known = clauses_api.declared_roster_roles(contract) if declared else {}
    if not isinstance(declared, list) or any(code not in known for code in declared):
        errors["declared_roles"] = _("Choose only roles this contract's clauses name.")
    return errors


def _check_person(contract: Contract, *, full_name: str, employer, employment: str, entry: dict) -> None:
    """The rules of a person drafted into a change, each at its field (adding and editing alike)."""
    errors = _check_dates(contract, entry.get("start_date"), entry.get("planned_end_date"))
    errors.update(_clause_errors(contract, entry))
    if not full_name.strip():
        errors["full_name"] = _("Enter the name.")
    errors.update(_employer_errors(contract, employer, employment))
    if employment == Employment.DISPATCH and not entry.get("dispatch_terms_confirmed"):
        errors["dispatch_terms_confirmed"] = _(
            "Confirm that the dispatch contract carries the confidentiality terms."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def roster_person_add(
    *,
    actor,
    actor_membership: Membership,
    change: RosterChange,
    full_name: str,
    full_name_kana: str = "",
    contact: str = "",
    employer=None,
    employment: str = Employment.EMPLOYEE,
    **entry,
) -> RosterEntry:
    change = _editable_change(change, actor, actor_membership)
    contract = change.contract
    _check_person(contract, full_name=full_name, employer=employer, employment=employment, entry=entry)
    person = Person(
        contract=contract,
        data_key_id=contract.data_key_id,
        full_name=full_name.strip(),
        full_name_kana=full_name_kana.strip(),
        contact=contact.strip(),
        employer=employer or contract.contractor,
        employment=employment,
    )
    person.full_clean()
    person.save()
    row = RosterEntry(
        change=change,
        person=person,
        action=RosterEntry.Action.ADD,
        **{k: v for k, v in entry.items() if k in ENTRY_FIELDS},
    )
    row.full_clean()
    row.save()
    record_event(
        kind=events.ROSTER_ENTRY_DRAFTED,
        actor=actor,
        obj=row,
        contract_id=contract.pk,
        data={"action": "add", "subject": _subject(person)},
    )
    return row


PERSON_FIELDS = ("full_name", "full_name_kana", "contact", "employer", "employment")


@transaction.atomic
def roster_person_edit(
    *,
    actor,
    actor_membership: Membership,
    change: RosterChange,
    person: Person,
    full_name: str,
    full_name_kana: str = "",
    contact: str = "",
    employer=None,
    employment: str = Employment.EMPLOYEE,
    **entry,
) -> RosterEntry:
    """Correct a person this change adds (a typo in the name, another role or period) before it
    is decided: the line is still the contractor's draft, so it is corrected in place.

    Only a person the change itself adds: someone already on the roster is changed by a new
    version (roster_entry_change), so the version in force stays as it was approved."""
    change = _editable_change(change, actor, actor_membership)
    contract = change.contract
    row = (
        RosterEntry.objects.select_for_update()
        .filter(change=change, person=person, action=RosterEntry.Action.ADD)
        .first()
    )
    # A person added by this change has no other version (one open change at a time), but a
    # name printed on an earlier, decided form must never be rewritten: refuse rather than assume.
    if row is None or person.entries.exclude(change=change).exists():
        raise ValidationError(_("Only a person this change adds can be edited here."))
    _check_person(contract, full_name=full_name, employer=employer, employment=employment, entry=entry)
    person = Person.objects.select_for_update().get(pk=person.pk)
    values = {
        "full_name": full_name.strip(),
        "full_name_kana": full_name_kana.strip(),
        "contact": contact.strip(),
        "employer": employer or contract.contractor,
        "employment": employment,
    }
    entry_values = {k: v for k, v in entry.items() if k in ENTRY_FIELDS}
    # Only the names of what changed go on the record: the values are personal data.
    changed = sorted(
        [name for name, value in values.items() if getattr(person, name) != value]
        + [name for name, value in entry_values.items() if getattr(row, name) != value]
    )
    if not changed:
        return row
    for name, value in values.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    for name, value in entry_values.items():
        setattr(row, name, value)
    row.person = person
    row.full_clean()
    row.save()
    record_event(
        kind=events.ROSTER_ENTRY_DRAFTED,
        actor=actor,
        obj=row,
        contract_id=contract.pk,
        data={"action": "add", "subject": _subject(person), "edited": changed},
    )
    return row


@transaction.atomic
def roster_entry_change(
    *,
    actor,
    actor_membership: Membership,
    change: RosterChange,
    person: Person,
    remove: bool = False,
    **fields,
) -> RosterEntry:
    """Draft a new version of someone already on the roster (new period, role…) or their removal."""
    change = _editable_change(change, actor, actor_membership)
    current = current_entries(change.contract, pending=False).filter(person=person).first()
    if current is None:
        raise ValidationError(_("This person is not on the approved roster."))
    values = {name: getattr(current, name) for name in ENTRY_FIELDS}
    values.update({k: v for k, v in fields.items() if k in ENTRY_FIELDS})
    if remove:
        values["planned_end_date"] = fields.get("planned_end_date") or timezone.localdate()
    errors = _check_dates(change.contract, values["start_date"], values["planned_end_date"])
    if not remove:
        errors.update(_clause_errors(change.contract, values))
    if errors and not remove:
        raise ValidationError(errors)
    RosterEntry.objects.filter(change=change, person=person).delete()
    row = RosterEntry(
        change=change,
        person=person,
        action=RosterEntry.Action.REMOVE if remove else RosterEntry.Action.UPDATE,
        **values,
    )
    row.full_clean()
    row.save()
    record_event(
        kind=events.ROSTER_ENTRY_DRAFTED,
        actor=actor,
        obj=row,
        contract_id=change.contract_id,
        data={"action": row.action, "subject": _subject(person)},
    )
    return row


@transaction.atomic
def roster_entry_discard(
    *, actor, actor_membership: Membership, change: RosterChange, person: Person
) -> None:
    """Take a drafted line out of a change that was never submitted with it."""
    change = _editable_change(change, actor, actor_membership)
    entry = RosterEntry.objects.filter(change=change, person=person).first()
    if entry is None:
        return
    entry.delete()
    # A person drafted and taken out again leaves no trace, unless documents were already
    # uploaded for them: those stay on the record (and go with the contract's key at disposal).
    if entry.action == RosterEntry.Action.ADD and not person.entries.exists() and not person.pledges.exists():
        person.delete()
    record_event(
        kind=events.ROSTER_ENTRY_DISCARDED,
        actor=actor,
        obj=change,
        contract_id=change.contract_id,
        data={"subject": _subject(person)},
    )


def _announcements(change: RosterChange, actor, *, effective_on: date | None = None) -> list[dict]:
    # At submission: the people it adds or removes open their duties (a pledge per person, the
    # prior approval of a change), which the approval or the documents then fulfil.
    batch = []
    for entry in change.entries.select_related("person"):
        kind = {"add": events.PERSON_ADDED, "remove": events.PERSON_REMOVED, "update": events.PERSON_UPDATED}[
            entry.action
        ]
        base = {"actor": actor, "obj": entry.person, "contract_id": change.contract_id}
        data = {"subject": _subject(entry.person), "change": change.number}
        if effective_on is not None:
            # A notice given earlier and recorded now: the people joined on that day.
            data["effective_date"] = effective_on.isoformat()
        if entry.action == RosterEntry.Action.ADD:
            # The person's own start: the duties their joining opens (a pledge before they work,
            # the prior approval of a change) count "before the work start" from it, not from
            # the contract's (compliance.engine.event_anchor) — someone joining in May is due
            # the business day before May, not before the contract's April start.
            data["work_start"] = entry.start_date.isoformat()
        batch.append({**base, "kind": kind, "data": data})
        if entry.action != RosterEntry.Action.REMOVE and entry.role in LEADING_ROLES:
            # Naming a responsible person or security officer is itself a duty of some clauses
            # (000 §9, 004 §3.2 and §6.1).
            batch.append(
                {
                    **base,
                    "kind": events.RESPONSIBLE_PERSON_DESIGNATED,
                    # The change's number: a clause's condition reads the roster it brings in force.
                    "data": {
                        "subject": _subject(entry.person),
                        "role": entry.role,
                        "change": change.number,
                        **({"effective_date": data["effective_date"]} if "effective_date" in data else {}),
                    },
                }
            )
    return batch


def _take_effect(change: RosterChange, on: date | None) -> None:
    change.effective_at = effective_at(contract=change.contract, change=change, on=on)
    change.save(update_fields=["effective_at"])


@transaction.atomic
def roster_change_act(
    *,
    actor,
    actor_membership: Membership | None,
    change: RosterChange,
    action: str,
    reason: str = "",
    effective_on: date | None = None,
) -> RosterChange:
    """Submit, withdraw, approve, return or reject a roster change (the shared workflow).

    `effective_on` records a change given earlier (an approval, or a notice where notice is
    enough) with effect from that day; see contracts.services.effective."""
    takes_effect = action == ApprovalAction.APPROVE or (
        action == ApprovalAction.SUBMIT and not change.needs_approval
    )
    if effective_on is not None and not takes_effect:
        raise ValidationError({"effective_on": _("Only an approval or a notice takes effect on a date.")})
    if action == ApprovalAction.SUBMIT and not change.entries.exists():
        raise ValidationError(_("Add at least one person or change before submitting."))
    if action == ApprovalAction.SUBMIT and pledges_required(change.contract):
        missing = people_without_pledge(change)
        if missing:
            # These clauses want the signed pledge of everyone before the roster is accepted.
            raise ValidationError(
                _("Upload the signed pledge of: %(names)s.")
                % {"names": "、".join(p.full_name for p in missing)}
            )
    if action == ApprovalAction.WITHDRAW and change.effective_at is not None:
        raise ValidationError(_("This change is already in force; make a new change instead."))
    # The transition renders the frozen PDF before its event: from that event to COMMIT the
    # audit trail's lock is held, so what follows is kept short (one INSERT for every person).
    change = approval_transition(
        actor=actor,
        obj=change,
        action=action,
        policy=policy(actor_membership, effective_on=effective_on if takes_effect else None),
        reason=reason,
    )
    if action == ApprovalAction.SUBMIT:
        batch = _announcements(change, actor, effective_on=None if change.needs_approval else effective_on)
        if not change.needs_approval:
            # Notice is enough under these clauses: the change counts from its submission.
            notified = {"actor": actor, "obj": change, "contract_id": change.contract_id}
            # The people it takes off the roster: their own duties end with the notice.
            ended = {"data": {"ended_subjects": removed}} if (removed := _removed(change)) else {}
            batch.append({"kind": events.ROSTER_CHANGE_NOTIFIED, **notified, **ended})
            _take_effect(change, effective_on)
        record_events(batch)
    elif action == ApprovalAction.APPROVE and change.effective_at is None:
        _take_effect(change, effective_on)
    return change

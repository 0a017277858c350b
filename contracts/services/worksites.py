"""Work sites (作業場所): declared in a change, and changed only through a new change. Where the
clauses ask prior approval (002 §5) the public body approves a change before anyone works there;
where they ask none, the change is notified (届出) and in force from its submission.

Every transition goes through the shared approval workflow with the event prefix "worksite", so
`worksite.submitted` / `worksite.approved` open and fulfil the clauses' duties with no further
code. Nothing submitted is edited: a change adds new versions (`WorksiteEntry`) of the sites.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    Person,
    SecureAreaRulesAcknowledgement,
    StoragePlace,
    StorageProtection,
    Worksite,
    WorksiteAssignment,
    WorksiteChange,
    WorksiteEntry,
    WorksiteKind,
)
from contracts.pdf.worksites import WORKSITE_FORM, worksite_context
from contracts.selectors.contracts import approval_recipients
from contracts.selectors.worksites import (
    assignable_people,
    current_entries,
    open_change,
    worksites_need_prior_approval,
)
from contracts.services.effective import effective_at
from core.approvables import next_number
from core.approvals import (
    DECIDING_ACTIONS,
    EDITABLE,
    ApprovalAction,
    ApprovalPolicy,
    FrozenForm,
    approval_transition,
)
from core.audit import record_event
from core.models import Membership
from core.templatetags.portal import clause_ja

SITE_FIELDS = ("kind", "name", "address", "rooms", "notes")
STORAGE_FIELDS = ("name", "protection", "description")
# Storage-place errors are keyed like the form's formset fields: "storage_places-0-protection";
# an error about the storage places as a whole is keyed by the prefix alone.
STORAGE_PREFIX = "storage_places"
# What the clauses call locked storage: a lockable cabinet, a safe, or a locked or
# access-controlled room (000 §5.6(1), 002 §10(1)). "Other" is a description nobody can check
# against that wording, so it does not count.
LOCKED_PROTECTIONS = frozenset(
    {StorageProtection.LOCKED_CABINET, StorageProtection.SAFE, StorageProtection.ACCESS_CONTROLLED_ROOM}
)


def _subject(worksite: Worksite) -> str:
    return f"contracts.worksite:{worksite.pk}"


def policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.WORKSITE_PREFIX,
        can_submit=lambda actor, change: permissions.can_edit_worksites(actor, membership, change.contract),
        can_decide=lambda actor, change: permissions.can_decide_worksites(actor, membership, change.contract),
        notify=approval_recipients,
        title=lambda change: (
            _("Work sites of %(number)s (change #%(n)s)")
            % {"number": change.contract.number, "n": change.number}
        ),
        # Kept exactly as submitted: a PDF stored with its SHA-256 (design.md).
        frozen_form=FrozenForm(
            form_id=WORKSITE_FORM,
            context=lambda change: worksite_context(change.contract, change=change),
            filename=lambda change: f"worksites-{change.contract_id}-{change.number}.pdf",
            purpose="worksite",
        ),
        offers=_offers,
    )


def _offers(change: WorksiteChange, action: str) -> bool:
    # As the roster's (contracts.services.roster): a change in force is not withdrawn, and a
    # change under notice-only clauses is notified, never decided.
    if action == ApprovalAction.WITHDRAW:
        return change.effective_at is None
    return change.needs_approval or action not in DECIDING_ACTIONS


def _editable_change(change: WorksiteChange, actor, membership) -> WorksiteChange:
    change = WorksiteChange.objects.select_for_update().select_related("contract").get(pk=change.pk)
    if not permissions.can_edit_worksites(actor, membership, change.contract):
        raise PermissionDenied
    if change.approval_state not in EDITABLE:
        raise ValidationError(_("This change was submitted: withdraw it first, or start a new one."))
    return change


@transaction.atomic
def worksite_change_open(*, actor, actor_membership: Membership, contract: Contract) -> WorksiteChange:
    """The contractor's open change (draft, returned or waiting for the decision), or a new one."""
    if not permissions.can_edit_worksites(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status in FINISHED_STATUSES:
        raise ValidationError(_("The contract has ended."))
    Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one open change at a time
    existing = open_change(contract)
    if existing is not None:
        return existing
    change = WorksiteChange(
        contract=contract,
        number=next_number(WorksiteChange, contract),
        created_by=actor,
        needs_approval=worksites_need_prior_approval(contract),
    )
    change.full_clean()
    change.save()
    record_event(kind=events.WORKSITE_CHANGE_OPENED, actor=actor, obj=change, contract_id=contract.pk)
    return change


# --- what a version declares --------------------------------------------------------------------


def _clean_site(values: Mapping) -> tuple[dict, dict[str, str]]:
    site = {name: (values.get(name) or "").strip() for name in SITE_FIELDS}
    errors = {}
    if site["kind"] not in WorksiteKind.values:
        errors["kind"] = _("Choose the kind of work site.")
    if not site["name"]:
        errors["name"] = _("Enter the name of the work site.")
    if not site["address"]:
        errors["address"] = _("Enter the address of the work site.")
    return site, errors


def _clean_storage(places: Iterable[Mapping]) -> tuple[list[dict], dict[str, str]]:
    cleaned, errors = [], {}
    for i, place in enumerate(places):
        row = {name: (place.get(name) or "").strip() for name in STORAGE_FIELDS}
        key = f"{STORAGE_PREFIX}-{i}-"
        if not row["name"]:
            errors[key + "name"] = _("Enter the name of the storage place.")
        if row["protection"] not in StorageProtection.values:
            errors[key + "protection"] = _("Choose how the storage place is protected.")
        elif row["protection"] == StorageProtection.OTHER and not row["description"]:
            errors[key + "description"] = _("Describe how the storage place is protected.")
        cleaned.append(row)
    return cleaned, errors


def locked_storage_articles(contract: Contract) -> str:
    """The articles that ask for locked storage, as read in a document ("第10条(1)"), or "" when the
    contract's clauses do not (004 has no such article): the rule follows the template's data."""
    return "、".join(clause_ja(c) for c in clauses_api.locked_storage_clauses(contract))


def has_locked_storage(places: Iterable) -> bool:
    """Whether one of the storage places (rows or dicts) is locked in the clauses' sense."""
    return any(
        (p.get("protection") if isinstance(p, Mapping) else p.protection) in LOCKED_PROTECTIONS
        for p in places
    )


def missing_locked_storage(entries: Iterable[WorksiteEntry]) -> list[WorksiteEntry]:
    """The sites of a change that would be in use without a locked storage place (a removal
    declares none and needs none). Reads the storage places the entries carry (prefetch them)."""
    return [
        e
        for e in entries
        if e.action != WorksiteEntry.Action.REMOVE and not has_locked_storage(e.storage_places.all())
    ]


def _locked_storage_message(articles: str) -> str:
    return _(
        "Add a storage place that can be locked: the clauses of this contract (%(articles)s) require "
        "the information to be kept in a lockable cabinet, a safe, or a locked or access-controlled "
        "room. Choose one of these three as its protection."
    ) % {"articles": articles}


def _clean_people(contract: Contract, people: Iterable[Person]) -> tuple[list[Person], dict[str, str]]:
    people = list(dict.fromkeys(people))  # once each, in the order given
    allowed = set(assignable_people(contract).values_list("pk", flat=True))
    strangers = [p for p in people if p.contract_id != contract.pk or p.pk not in allowed]
    if strangers:
        names = "、".join(p.full_name if p.contract_id == contract.pk else "?" for p in strangers)
        return people, {"people": _("Not on the roster of this contract: %(names)s.") % {"names": names}}
    return people, {}


def _declaration(contract: Contract, values: Mapping, storage_places, people):
    site, errors = _clean_site(values)
    places, storage_errors = _clean_storage(storage_places)
    people, people_errors = _clean_people(contract, people)
    errors |= storage_errors | people_errors
    if not storage_errors:
        articles = locked_storage_articles(contract)
        if articles and not has_locked_storage(places):
            errors[STORAGE_PREFIX] = _locked_storage_message(articles)
    if errors:
        raise ValidationError(errors)
    return site, places, people


def _content(site: Mapping, places: list[dict], people: list[Person]) -> tuple:
    """What a version declares, comparable between versions."""
    return (
        tuple(site[name] for name in SITE_FIELDS),
        sorted(tuple(p[name] for name in STORAGE_FIELDS) for p in places),
        sorted(p.pk for p in people),
    )


def _entry_content(entry: WorksiteEntry) -> tuple:
    return _content(
        {name: getattr(entry, name) for name in SITE_FIELDS},
        [{name: getattr(p, name) for name in STORAGE_FIELDS} for p in entry.storage_places.all()],
        [a.person for a in entry.assignments.select_related("person")],
    )


def _drop_draft(entry: WorksiteEntry) -> None:
    """Delete a version drafted in an unsubmitted change, with its parts (never an approved one)."""
    entry.storage_places.all().delete()
    entry.assignments.all().delete()
    entry.delete()


def _write_version(
    change: WorksiteChange, worksite: Worksite, action: str, site: dict, places: list[dict], people
) -> WorksiteEntry:
    entry = WorksiteEntry(change=change, worksite=worksite, action=action, **site)
    entry.full_clean()
    entry.save()
    for place in places:
        row = StoragePlace(entry=entry, **place)
        row.full_clean()
        row.save()
    WorksiteAssignment.objects.bulk_create([WorksiteAssignment(entry=entry, person=p) for p in people])
    return entry


def _drafted(actor, entry: WorksiteEntry, change: WorksiteChange) -> None:
    record_event(
        kind=events.WORKSITE_ENTRY_DRAFTED,
        actor=actor,
        obj=entry,
        contract_id=change.contract_id,
        data={
            "action": entry.action,
            "subject": _subject(entry.worksite),
            "storage_places": entry.storage_places.count(),
            "people": entry.assignments.count(),
        },
    )


@transaction.atomic
def worksite_add(
    *,
    actor,
    actor_membership: Membership,
    change: WorksiteChange,
    storage_places: Iterable[Mapping] = (),
    people: Iterable[Person] = (),
    **site,
) -> WorksiteEntry:
    """Declare a new work site (kind, name, address, rooms, notes) with its storage places."""
    change = _editable_change(change, actor, actor_membership)
    site, places, people = _declaration(change.contract, site, storage_places, people)
    worksite = Worksite(contract=change.contract, created_by=actor)
    worksite.full_clean()
    worksite.save()
    entry = _write_version(change, worksite, WorksiteEntry.Action.ADD, site, places, people)
    _drafted(actor, entry, change)
    return entry


@transaction.atomic
def worksite_update(
    *,
    actor,
    actor_membership: Membership,
    change: WorksiteChange,
    worksite: Worksite,
    storage_places: Iterable[Mapping] = (),
    people: Iterable[Person] = (),
    **site,
) -> WorksiteEntry:
    """Draft a new version of a site: an approved one (a change), or one drafted in this change."""
    change = _editable_change(change, actor, actor_membership)
    if worksite.contract_id != change.contract_id:
        raise PermissionDenied
    site, places, people = _declaration(change.contract, site, storage_places, people)
    drafted = WorksiteEntry.objects.filter(change=change, worksite=worksite).first()
    current = (
        current_entries(change.contract)
        .filter(worksite=worksite)
        .exclude(action=WorksiteEntry.Action.REMOVE)
        .first()
    )
    if drafted is not None and drafted.action == WorksiteEntry.Action.ADD:
        action = WorksiteEntry.Action.ADD  # still a new site, declared differently
    elif current is not None:
        action = WorksiteEntry.Action.UPDATE
        if _entry_content(current) == _content(site, places, people):
            raise ValidationError(_("Nothing differs from the approved site: change something, or cancel."))
    else:
        raise ValidationError(_("This work site is not among the approved sites."))
    if drafted is not None:
        _drop_draft(drafted)
    entry = _write_version(change, worksite, action, site, places, people)
    _drafted(actor, entry, change)
    return entry


@transaction.atomic
def worksite_remove(
    *, actor, actor_membership: Membership, change: WorksiteChange, worksite: Worksite
) -> WorksiteEntry | None:
    """Draft the end of an approved site (its last version is kept, marked removed). A site only
    drafted in this change is simply taken out again."""
    change = _editable_change(change, actor, actor_membership)
    if worksite.contract_id != change.contract_id:
        raise PermissionDenied
    drafted = WorksiteEntry.objects.filter(change=change, worksite=worksite).first()
    if drafted is not None and drafted.action == WorksiteEntry.Action.ADD:
        _discard(actor, change, worksite, drafted)
        return None
    current = (
        current_entries(change.contract)
        .filter(worksite=worksite)
        .exclude(action=WorksiteEntry.Action.REMOVE)
        .first()
    )
    if current is None:
        raise ValidationError(_("This work site is not among the approved sites."))
    if drafted is not None:
        _drop_draft(drafted)
    site = {name: getattr(current, name) for name in SITE_FIELDS}
    entry = _write_version(change, worksite, WorksiteEntry.Action.REMOVE, site, [], [])
    _drafted(actor, entry, change)
    return entry


def _discard(actor, change: WorksiteChange, worksite: Worksite, entry: WorksiteEntry) -> None:
    _drop_draft(entry)
    if not worksite.entries.exists():
        worksite.delete()  # drafted and taken out again before anyone saw it: no trace needed
    record_event(
        kind=events.WORKSITE_ENTRY_DISCARDED,
        actor=actor,
        obj=change,
        contract_id=change.contract_id,
        data={"subject": _subject(worksite)},
    )


@transaction.atomic
def worksite_entry_discard(
    *, actor, actor_membership: Membership, change: WorksiteChange, worksite: Worksite
) -> None:
    """Take a drafted line (new site, change or removal) out of a change before it is submitted."""
    change = _editable_change(change, actor, actor_membership)
    entry = WorksiteEntry.objects.filter(change=change, worksite=worksite).first()
    if entry is not None:
        _discard(actor, change, worksite, entry)


# --- the workflow -------------------------------------------------------------------------------


@transaction.atomic
def worksite_change_act(
    *,
    actor,
    actor_membership: Membership | None,
    change: WorksiteChange,
    action: str,
    reason: str = "",
    effective_on: date | None = None,
) -> WorksiteChange:
    """Submit, withdraw, approve, return or reject a work-site change (the shared workflow).
    Under clauses that ask prior approval a change counts from its approval, never from its
    submission; under notice-only clauses it counts from its submission and nobody decides it
    (`effective_on`: an approval or a notice given earlier, recorded with effect from that day;
    see contracts.services.effective)."""
    takes_effect = action == ApprovalAction.APPROVE or (
        action == ApprovalAction.SUBMIT and not change.needs_approval
    )
    if effective_on is not None and not takes_effect:
        raise ValidationError({"effective_on": _("Only an approval or a notice takes effect on a date.")})
    if action == ApprovalAction.SUBMIT:
        _check_submittable(change)
    if action == ApprovalAction.WITHDRAW and change.effective_at is not None:
        raise ValidationError(_("This change is already in force; make a new change instead."))
    if action in DECIDING_ACTIONS and not change.needs_approval:
        raise ValidationError(
            _("Under this contract's clauses a work-site change is notified: nobody approves or returns it.")
        )
    change = approval_transition(
        actor=actor, obj=change, action=action, policy=policy(actor_membership), reason=reason
    )
    if takes_effect and change.effective_at is None:
        change.effective_at = effective_at(contract=change.contract, change=change, on=effective_on)
        change.save(update_fields=["effective_at"])
        if action == ApprovalAction.SUBMIT:
            # Notice is enough under these clauses: the change is in force from its submission.
            record_event(
                kind=events.WORKSITE_CHANGE_NOTIFIED,
                actor=actor,
                obj=change,
                contract_id=change.contract_id,
            )
    return change


def _check_submittable(change: WorksiteChange) -> None:
    entries = list(change.entries.prefetch_related("storage_places"))
    if not entries:
        raise ValidationError(_("Declare at least one work site or change before submitting."))
    # Checked again at submission: a draft saved before the rule, or under a template revised
    # since, must not reach the public body without the storage its clauses ask for.
    articles = locked_storage_articles(change.contract)
    missing = missing_locked_storage(entries) if articles else []
    if missing:
        raise ValidationError(
            _(
                "It cannot be submitted yet: %(sites)s has no storage place that can be locked. The "
                "clauses of this contract (%(articles)s) require the information to be kept in a "
                "lockable cabinet, a safe, or a locked or access-controlled room. Add one to each site "
                "(Edit), then submit."
            )
            % {"sites": "、".join(f"「{e.name}」" for e in missing), "articles": articles},
            code="locked_storage_missing",
        )


# --- the public body's secure area (003 §15.1) --------------------------------------------------


@transaction.atomic
def secure_area_rules_acknowledge(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    rules_title: str,
    received_on: date,
    note: str = "",
) -> SecureAreaRulesAcknowledgement:
    """Record that the contractor received and confirmed the public body's entry rules for its
    secure area; `worksite.rules_acknowledged` fulfils the duty of the clauses that ask it."""
    if not permissions.can_edit_worksites(actor, actor_membership, contract):
        raise PermissionDenied
    errors = {}
    if not rules_title.strip():
        errors["rules_title"] = _("Enter the title of the rules you received.")
    if received_on is None:
        errors["received_on"] = _("Enter the date you received the rules.")
    elif received_on > timezone.localdate():
        errors["received_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    ack = SecureAreaRulesAcknowledgement(
        contract=contract,
        rules_title=rules_title.strip(),
        received_on=received_on,
        note=note.strip(),
        acknowledged_by=actor,
    )
    ack.full_clean()
    ack.save()
    record_event(
        kind=events.WORKSITE_RULES_ACKNOWLEDGED,
        actor=actor,
        obj=ack,
        contract_id=contract.pk,
        data={"rules_title": ack.rules_title, "received_on": received_on.isoformat()},
    )
    return ack

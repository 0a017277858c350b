"""Reads of the roster: who is on it now, who was on it on any date, its changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, PersonRole, RosterChange, RosterEntry, Subcontract


def roster_needs_prior_approval(contract: Contract) -> bool:
    """Whether the adopted clauses demand approval before work (e.g. 所沢市 §4) or only notice."""
    return clauses_api.personnel_need_prior_approval(contract)


def _cutoff(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))


def current_entries(
    contract: Contract, *, on: date | None = None, pending: bool = False
) -> QuerySet[RosterEntry]:
    """The latest version of each person's entry that was in force at the end of `on` (today).

    With pending=True the contractor's open change counts too (the roster as it would become).
    Removed people and engagements outside their period on that day are left out by
    `people_on`; this one still returns removals, so a change can be drafted against them.
    """
    on = on or timezone.localdate()
    in_force = Q(change__effective_at__lt=_cutoff(on))
    if pending:
        in_force |= Q(
            change__effective_at__isnull=True, change__approval_state__in=["draft", "returned", "submitted"]
        )
    latest = (
        RosterEntry.objects.filter(in_force, person=OuterRef("person"))
        .order_by("-change__number")
        .values("pk")[:1]
    )
    return (
        RosterEntry.objects.filter(change__contract=contract, pk=Subquery(latest))
        .select_related("person", "person__employer", "change")
        .order_by("role", "person_id")
    )


def roster_in_force(
    contract: Contract, on: date | None = None, *, pending: bool = False, ended_too: bool = False
) -> QuerySet[RosterEntry]:
    """The roster as approved (or notified, where notice is enough) at the end of `on`: everyone
    on it, including people whose period starts later. pending=True adds the open change.

    The people of a subcontractor whose link had ended by `on` are not on it: the end of the
    subcontract (decided by its upstream party or the public body, contracts.services.
    subcontract_end) ends their approval from its day without a roster change, and their
    entries stay as approved, so the roster of any earlier day still shows them. ended_too keeps
    them: who was on it when the link ended (the people who may record its winding up)."""
    on = on or timezone.localdate()
    entries = current_entries(contract, on=on, pending=pending).exclude(action=RosterEntry.Action.REMOVE)
    if ended_too:
        return entries
    return entries.exclude(person__employer_id__in=parties_ended_by(contract, on))


def parties_ended_by(contract: Contract, on: date) -> QuerySet:
    """The subcontractors whose link had ended by `on` and that hold no approved link still
    running then (an organisation engaged again after its end works under the new link): their
    subcontractor ids, as a subquery. The one reading of "its part has ended" for the roster and
    the ledgers (ledgers.services.winding_up)."""
    running = Subcontract.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        contract=contract,
        approval_state="approved",
        start_date__lte=on,
    ).values("subcontractor_id")
    return (
        Subcontract.objects.filter(contract=contract, ended_on__lte=on)
        .exclude(subcontractor_id__in=running)
        .values("subcontractor_id")
    )


def people_on(
    contract: Contract, on: date | None = None, *, ended_too: bool = False
) -> QuerySet[RosterEntry]:
    """Who was approved to work on `on`: on the roster in force that day, within their period
    (ended_too: also the people of a subcontract that had ended by then, see roster_in_force)."""
    on = on or timezone.localdate()
    return roster_in_force(contract, on, ended_too=ended_too).filter(
        Q(start_date__lte=on), Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=on)
    )


def is_approved_to_work(person, on: date | None = None) -> bool:
    """Ledgers ask this before giving someone access to the contract's information."""
    return people_on(person.contract, on).filter(person=person).exists()


def roster_changes(contract: Contract) -> QuerySet[RosterChange]:
    return (
        RosterChange.objects.filter(contract=contract)
        .select_related("submitted_by", "decided_by", "created_by")
        .order_by("-number")
    )


def roster_in_force_before(change: RosterChange) -> bool:
    """Whether an earlier change of the contract took effect: then this one changes a roster
    (a 変更 application or notice), otherwise it is the first roster."""
    return RosterChange.objects.filter(
        contract_id=change.contract_id, number__lt=change.number, effective_at__isnull=False
    ).exists()


def open_change(contract: Contract) -> RosterChange | None:
    return (
        RosterChange.objects.filter(contract=contract, approval_state__in=["draft", "returned", "submitted"])
        .exclude(approval_state="submitted", effective_at__isnull=False)
        .first()
    )


def pledges_required(contract: Contract) -> bool:
    """Whether the clauses ask a pledge from every person (003 §5.2, 004 §3.3), not only on request."""
    return clauses_api.pledge_required_of_everyone(contract)


def people_without_pledge(change: RosterChange) -> list:
    return [
        entry.person
        for entry in change.entries.select_related("person").filter(action=RosterEntry.Action.ADD)
        if not entry.person.pledges.exists()
    ]


def roster_with_change(change: RosterChange) -> QuerySet[RosterEntry]:
    """The roster as it stands once `change` is in force: each person's latest version among the
    changes already in force and this one (at its event the change may not carry its date yet)."""
    in_force = Q(change__effective_at__isnull=False) | Q(change=change)
    latest = (
        RosterEntry.objects.filter(in_force, person=OuterRef("person"))
        .order_by("-change__number")
        .values("pk")[:1]
    )
    return (
        RosterEntry.objects.filter(change__contract_id=change.contract_id, pk=Subquery(latest))
        .exclude(action=RosterEntry.Action.REMOVE)
        .select_related("person")
    )


def _change_of(contract: Contract, event) -> RosterChange | None:
    """The roster change an event is about: the change itself (roster.submitted, .approved) or the
    one its data names (person.added, responsible_person.designated carry its number)."""
    if event is None:
        return None
    changes = RosterChange.objects.filter(contract=contract)
    if event.object_type == RosterChange._meta.label_lower and event.object_id.isdigit():
        return changes.filter(pk=int(event.object_id)).first()
    number = event.data.get("change") if isinstance(event.data, dict) else None
    return changes.filter(number=number).first() if isinstance(number, int) else None


def roster_as_evidence(contract: Contract, event=None) -> QuerySet[RosterEntry]:
    """The roster an event offers as evidence (once its change is in force), or, without an
    event or a change it names, the roster in force today."""
    change = _change_of(contract, event)
    return roster_with_change(change) if change is not None else roster_in_force(contract)


def roster_role_labels(contract: Contract) -> dict[str, str]:
    """Every role a person on this contract's roster may hold, in words: the built-in ones and
    those its clauses declare (授受担当者)."""
    return {
        **{code: str(label) for code, label in PersonRole.choices},
        **clauses_api.declared_roster_roles(contract),
    }


def roster_form_clauses(contract: Contract) -> dict:
    """What the contract's clauses make of its roster entry forms (contracts.forms.people)."""
    return {
        "required_fields": sorted(clauses_api.required_roster_fields(contract)),
        "declared_roles": clauses_api.declared_roster_roles(contract),
    }


def with_further_roles(entries, contract: Contract) -> list[RosterEntry]:
    """The entries, each with `further_roles`: the roles it holds that the template declares, by
    the template's labels (「授受担当者」), joined for a cell; never the codes."""
    entries = list(entries)
    # The template is read only when someone holds such a role: the page's queries stay as they were.
    labels = clauses_api.declared_roster_roles(contract) if any(e.declared_roles for e in entries) else {}
    for entry in entries:
        entry.further_roles = "、".join(labels[code] for code in entry.declared_roles or [] if code in labels)
    return entries


def roster_roles_missing(contract: Contract, roles: list[str], event=None) -> list[str]:
    """Checker of the roster_roles condition: the roles nobody on the roster holds, in words."""
    present: set[str] = set()
    for role, declared in roster_as_evidence(contract, event).values_list("role", "declared_roles"):
        present.add(role)
        present.update(declared or [])
    labels = roster_role_labels(contract)
    return [
        _("The roster names no %(role)s.") % {"role": labels.get(role, role)}
        for role in roles
        if role not in present
    ]


def roster_fields_missing(contract: Contract, fields: list[str], event=None) -> list[str]:
    """Checker of the roster_fields condition: the fields left blank for someone on the roster,
    with how many people (not who: the duty's page is not a view of the roster's names)."""
    entries = list(roster_as_evidence(contract, event))
    missing = []
    for name in fields:
        blank = sum(1 for entry in entries if getattr(entry, name) in (None, ""))
        if blank:
            label = RosterEntry._meta.get_field(name).verbose_name
            missing.append(
                _("The roster lacks the %(field)s of %(count)s people.") % {"field": label, "count": blank}
            )
    return missing

"""Reads of the information ledger: the state of an item derived from its custody events (as of
any moment), the items a person may see, an item's whole history.

`replay` is the one place that knows what may follow what: the services ask it whether a new
event (or a correction) fits the item's history, and the pages ask it where the item is now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.roster import people_on
from core.models import Membership
from ledgers.models import CustodyEvent, CustodyKind, InformationItem
from ledgers.selectors.devices import parties_in_scope as device_parties_in_scope

K = CustodyKind
# What passes between the parties or is carried: where the clauses name who does it (003 §12),
# the person recorded must hold that role on the day.
HANDLED_KINDS = (K.RECEIVED, K.RETURNED, K.SHIPPED)


class Status:
    """Where an item stands after its events (derived by `replay`; the state now is also kept per
    item, ledgers.models.states, as a cache of it)."""

    NOT_RECEIVED = "not_received"
    HELD = "held"
    TAKEN_OUT = "taken_out"
    SHIPPED = "shipped"
    RETURNED = "returned"
    ERASED = "erased"
    DESTROYED = "destroyed"


FINAL = (Status.RETURNED, Status.ERASED, Status.DESTROYED)
STATUS_LABELS = {
    Status.NOT_RECEIVED: gettext_lazy("Not received"),
    Status.HELD: gettext_lazy("Held"),
    Status.TAKEN_OUT: gettext_lazy("Taken out"),
    Status.SHIPPED: gettext_lazy("In transit"),
    Status.RETURNED: gettext_lazy("Returned to the public body"),
    Status.ERASED: gettext_lazy("Erased"),
    Status.DESTROYED: gettext_lazy("Destroyed"),
}


@dataclass
class ItemState:
    status: str = Status.NOT_RECEIVED
    worksite_id: int | None = None
    storage_place: str = ""
    holder_id: int | None = None
    destination: str = ""
    copies: int = 0
    users: frozenset[int] = field(default_factory=frozenset)
    last: CustodyEvent | None = None

    @property
    def user_count(self) -> int:
        # What the list page shows of `users` (the projection keeps only the count).
        return len(self.users)

    @property
    def held(self) -> bool:
        return self.status in (Status.HELD, Status.TAKEN_OUT, Status.SHIPPED)


class Contradiction(Exception):
    """An event that contradicts the item's state at its moment, with the reason in words."""

    def __init__(self, event: CustodyEvent, message: str) -> None:
        super().__init__(message)
        self.event = event
        self.message = message


def _require(condition: bool, event: CustodyEvent, message) -> None:
    # `message` is lazy: it is translated only when the event is refused (replaying a page of
    # ledger rows asks thousands of these questions, and nearly all are answered yes).
    if not condition:
        raise Contradiction(event, str(message))


def apply(state: ItemState, event: CustodyEvent, users: frozenset[int]) -> ItemState:
    """The state after one event, or Contradiction: what may follow what."""
    kind, s = event.kind, state
    if kind == K.RECEIVED:
        _require(s.status == Status.NOT_RECEIVED, event, gettext_lazy("The item was already received."))
        return ItemState(
            Status.HELD, event.worksite_id, event.storage_place, event.person_id, "", 0, users, event
        )
    _require(s.status != Status.NOT_RECEIVED, event, gettext_lazy("Record the receipt of the item first."))
    _require(
        s.status not in FINAL,
        event,
        gettext_lazy("The item was returned, erased or destroyed: nothing more can happen to it."),
    )
    if kind == K.USED:
        _require(s.status == Status.HELD, event, gettext_lazy("The item is not at the work site now."))
        _require(
            event.person_id in s.users, event, gettext_lazy("Only a person who may use the item can use it.")
        )
        return ItemState(**{**s.__dict__, "last": event})
    if kind == K.COPIED:
        _require(
            s.status == Status.HELD, event, gettext_lazy("Copies are made only of an item at the work site.")
        )
        return ItemState(**{**s.__dict__, "copies": s.copies + (event.copies or 0), "last": event})
    if kind == K.STORED:
        _require(s.status == Status.HELD, event, gettext_lazy("The item is not at the work site now."))
        return ItemState(
            **{
                **s.__dict__,
                "worksite_id": event.worksite_id,
                "storage_place": event.storage_place,
                "last": event,
            }
        )
    if kind == K.TAKEN_OUT:
        _require(
            s.status == Status.HELD, event, gettext_lazy("Only an item at the work site can be taken out.")
        )
        return ItemState(
            **{
                **s.__dict__,
                "status": Status.TAKEN_OUT,
                "destination": event.destination,
                "holder_id": event.person_id,
                "last": event,
            }
        )
    if kind == K.BROUGHT_BACK:
        _require(s.status == Status.TAKEN_OUT, event, gettext_lazy("The item was not taken out."))
        return ItemState(**{**s.__dict__, "status": Status.HELD, "destination": "", "last": event})
    if kind == K.SHIPPED:
        _require(
            s.status == Status.HELD, event, gettext_lazy("Only an item at the work site can be shipped.")
        )
        return ItemState(
            **{**s.__dict__, "status": Status.SHIPPED, "destination": event.destination, "last": event}
        )
    if kind == K.BROUGHT_IN:
        _require(
            s.status == Status.SHIPPED, event, gettext_lazy("Only an item in transit can be brought in.")
        )
        return ItemState(
            **{
                **s.__dict__,
                "status": Status.HELD,
                "worksite_id": event.worksite_id,
                "storage_place": event.storage_place,
                "destination": "",
                "last": event,
            }
        )
    if kind == K.PROVIDED:
        # What was handed to the third party is theirs to answer for; the item stays here.
        _require(s.status == Status.HELD, event, gettext_lazy("The item is not at the work site now."))
        return ItemState(**{**s.__dict__, "last": event})
    if kind == K.USERS_CHANGED:
        return ItemState(**{**s.__dict__, "users": users, "last": event})
    if kind == K.RETURNED:
        _require(
            s.status == Status.HELD, event, gettext_lazy("Only an item at the work site can be returned.")
        )
        if s.copies:
            raise Contradiction(
                event,
                _("%(n)s copies still exist: record their erasure or destruction first.") % {"n": s.copies},
            )
        return ItemState(**{**s.__dict__, "status": Status.RETURNED, "last": event})
    if kind in (K.ERASED, K.DESTROYED):
        _require(
            s.status == Status.HELD,
            event,
            gettext_lazy("Only an item at the work site can be erased or destroyed."),
        )
        if event.copies:
            if event.copies > s.copies:
                raise Contradiction(event, _("Only %(n)s copies exist.") % {"n": s.copies})
            return ItemState(**{**s.__dict__, "copies": s.copies - event.copies, "last": event})
        if s.copies:
            raise Contradiction(
                event,
                _("%(n)s copies still exist: record their erasure or destruction first.") % {"n": s.copies},
            )
        final = Status.ERASED if kind == K.ERASED else Status.DESTROYED
        return ItemState(**{**s.__dict__, "status": final, "last": event})
    raise Contradiction(event, gettext_lazy("Unknown kind of event."))


def _order(event: CustodyEvent) -> tuple:
    return (event.occurred_at, event.sequence or 0)


def replay(
    events: Iterable[CustodyEvent], users_of: dict[int, frozenset[int]], *, until: datetime | None = None
) -> ItemState:
    """The item's state after its events in the order they happened (a later-recorded event of an
    earlier moment takes its place in time); corrections void the events they name."""
    events = list(events)
    voided = {e.corrects_id for e in events if e.kind == K.CORRECTION and e.corrects_id}
    state = ItemState()
    for event in sorted(events, key=_order):
        if event.kind == K.CORRECTION or event.pk in voided:
            continue
        if until is not None and event.occurred_at > until:
            break
        state = apply(state, event, users_of.get(id(event), users_of.get(event.pk, frozenset())))
    return state


def users_by_event(events: Iterable[CustodyEvent], *, model=None) -> dict[int, frozenset[int]]:
    """Who may use the item from each event that names them, in one query (`model`: the
    historical CustodyUser, when a migration asks)."""
    from ledgers.models import CustodyUser

    model = model or CustodyUser
    ids = [e.pk for e in events if e.kind in (K.RECEIVED, K.USERS_CHANGED)]
    found: dict[int, set[int]] = {}
    for event_id, person_id in model.objects.filter(event_id__in=ids).values_list("event_id", "person_id"):
        found.setdefault(event_id, set()).add(person_id)
    return {pk: frozenset(people) for pk, people in found.items()}


# What a state needs of an event: reading only these keeps a page of thousands of events cheap.
REPLAY_FIELDS = (
    "id",
    "item_id",
    "sequence",
    "kind",
    "occurred_at",
    "person_id",
    "worksite_id",
    "storage_place",
    "destination",
    "copies",
    "corrects_id",
    "takeout_id",
)


class _EventRow:
    """The part of a custody event a state needs, read as a plain row: a ledger page replays
    thousands of them, and a model instance per row would cost most of the page's time."""

    __slots__ = (*REPLAY_FIELDS, "pk")

    def __init__(self, values: tuple) -> None:
        for name, value in zip(REPLAY_FIELDS, values, strict=True):
            setattr(self, name, value)
        self.pk = self.id


def states_of(items: list[InformationItem], *, until: datetime | None = None) -> dict[int, ItemState]:
    """The state of each item (as of `until`) from one query for all their events and one for
    who may use them — a ledger page's cost does not grow with its rows' histories beyond reading
    them."""
    return states_by_id([item.pk for item in items], until=until)


def states_by_id(
    item_ids: list[int], *, until: datetime | None = None, event_model=None, user_model=None
) -> dict[int, ItemState]:
    """states_of by the items' ids; a migration passes its historical models (the projection's
    first filling replays with these same rules)."""
    from collections import defaultdict

    event_model = event_model or CustodyEvent
    found = [
        _EventRow(row) for row in event_model.objects.filter(item_id__in=item_ids).values_list(*REPLAY_FIELDS)
    ]
    users_of = users_by_event(found, model=user_model)
    by_item: dict[int, list] = defaultdict(list)
    for event in found:
        by_item[event.item_id].append(event)
    return {pk: replay(by_item[pk], users_of, until=until) for pk in item_ids}


def holder_names(states: Iterable[ItemState]) -> dict[int, str]:
    """The names of the states' holders, decrypted once each (personal data: the caller records
    the read)."""
    from contracts.models import Person

    ids = {s.holder_id for s in states if s.holder_id}
    return {
        p.pk: str(p.full_name)
        for p in Person.objects.filter(pk__in=ids).only("pk", "full_name", "data_key_id")
    }


def item_state(item: InformationItem, *, until: datetime | None = None) -> ItemState:
    events = list(item.custody_events.all())
    return replay(events, users_by_event(events), until=until)


def parties_in_scope(user, membership: Membership | None, contract: Contract) -> set[int] | None:
    # The device ledger's rule: one scope for both ledgers (an ended part kept until certified).
    return device_parties_in_scope(user, membership, contract)


def items_visible_to(user, membership: Membership | None, contract: Contract) -> QuerySet[InformationItem]:
    scope = parties_in_scope(user, membership, contract)
    items = InformationItem.objects.filter(contract=contract)
    return items if scope is None else items.filter(organisation_id__in=scope)


def item_visible_to(user, membership: Membership | None, pk: int) -> InformationItem | None:
    item = InformationItem.objects.select_related("contract", "organisation", "device").filter(pk=pk).first()
    if item is None:
        return None
    scope = parties_in_scope(user, membership, item.contract)
    if scope is not None:
        return item if item.organisation_id in scope else None
    return item if contracts_visible_to(user, membership).filter(pk=item.contract_id).exists() else None


def item_history(item: InformationItem) -> QuerySet[CustodyEvent]:
    """Every event, in the order it happened, with who recorded it and who did it."""
    return item.custody_events.select_related("person", "worksite", "recorded_by", "corrects").order_by(
        "occurred_at", "sequence"
    )


def holds_role_on(person, roles: frozenset[str], on) -> bool:
    """Whether the roster in force on `on` gives `person` one of `roles` (its role or a role the
    template declares)."""
    entries = people_on(person.contract, on).filter(person=person).values_list("role", "declared_roles")
    return any(role in roles or roles.intersection(declared or ()) for role, declared in entries)


def handlers_missing(contract: Contract, roles: list[str], event=None) -> list[str]:
    """Checker of the handler_roles condition (003 §12): the entries of the ledger in which
    someone outside those roles received, handed over or carried the information, counted (the
    duty's page is not a view of names). The services refuse such entries, so this finds only
    what was recorded under an earlier version of the clauses."""
    wanted = frozenset(roles)
    entries = (
        CustodyEvent.objects.filter(item__contract=contract, kind__in=HANDLED_KINDS, person__isnull=False)
        .exclude(corrections__isnull=False)
        .select_related("person__contract")
        .only("occurred_at", "person")
    )
    answers: dict[tuple[int, object], bool] = {}  # one roster read per person and day
    wrong = 0
    for entry in entries:
        key = (entry.person_id, timezone.localtime(entry.occurred_at).date())
        if key not in answers:
            answers[key] = holds_role_on(entry.person, wanted, key[1])
        wrong += not answers[key]
    if not wrong:
        return []
    return [
        _(
            "%(count)s entries of the information ledger name someone outside the roles the "
            "clauses name for handovers."
        )
        % {"count": wrong}
    ]

"""The information ledger's projection (ledgers.models.states): each item's state now, recomputed
from its events by the one replay that knows the rules.

The custody services call `state_refresh` in the transaction that records an event, so the row
never disagrees with the committed events; `states_rebuild` recomputes many rows at once (the
repair command, the bench's bulk-loaded ledger). A cache, not evidence: no audit event.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from ledgers.models import CustodyEvent, InformationItem, InformationItemState
from ledgers.selectors.information import ItemState, replay, states_by_id

FIELDS = (
    "status",
    "worksite",
    "storage_place",
    "holder",
    "destination",
    "copies",
    "user_count",
    "last_occurred_at",
    "last_sequence",
)
BATCH = 1000  # items replayed at a time: a thousand histories' events fit in memory


def state_row(item_id: int, state: ItemState, model=InformationItemState, *, data_key_id: int | None = None):
    """The projection's row of a replayed state (`model`: the historical model in a migration,
    which until ledgers/0014 has no data key: the destination was plain text then)."""
    # The destination is a copy of an event's: encrypted under the item's (the contract's) key.
    keyed = {} if data_key_id is None else {"data_key_id": data_key_id}
    return model(
        item_id=item_id,
        **keyed,
        status=state.status,
        worksite_id=state.worksite_id,
        storage_place=state.storage_place,
        holder_id=state.holder_id,
        destination=state.destination,
        copies=state.copies,
        user_count=len(state.users),
        last_occurred_at=state.last.occurred_at if state.last is not None else None,
        last_sequence=state.last.sequence if state.last is not None else None,
    )


def _write(rows: list, model=InformationItemState) -> None:
    # One upsert for the lot: an item's row exists from its receipt on, or is made here.
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["item"], update_fields=FIELDS)


def state_refresh(
    item: InformationItem,
    *,
    history: list[CustodyEvent] | None = None,
    users_of: dict[int, frozenset[int]] | None = None,
) -> InformationItemState:
    """Recompute the item's row from all its events; the caller holds the item's lock (the custody
    services' select_for_update) and its transaction. A caller that has just written the item's
    whole history (its receipt) passes it and who each event names as users: nothing read back
    (an import of many rows pays one query a row for this, not three)."""
    state = states_by_id([item.pk])[item.pk] if history is None else replay(history, users_of or {})
    row = state_row(item.pk, state, data_key_id=item.data_key_id)
    _write([row])
    return row


def states_rebuild(items: QuerySet[InformationItem] | Iterable[int]) -> int:
    """Recompute the rows of `items` (a queryset or ids) from their events, a batch at a time;
    the number of rows written."""
    ids = list(items.values_list("pk", flat=True)) if isinstance(items, QuerySet) else list(items)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            # The custody services' lock on each item: an entry being recorded meanwhile commits
            # first or waits, so no row is rewritten from a history older than the committed one.
            keys = dict(
                InformationItem.objects.select_for_update()
                .filter(pk__in=chunk)
                .values_list("pk", "data_key_id")
            )
            states = states_by_id(chunk)
            _write([state_row(pk, states[pk], data_key_id=keys[pk]) for pk in chunk])
    return len(ids)

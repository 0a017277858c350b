"""The audit trail: one append-only, hash-chained event log for every write, approval, export,
download and view of personal data. It is also the seam the duty engine reads (design.md).

Each event's hash covers its content and the previous event's hash, so removing, altering or
reordering any entry breaks every hash after it. Writers take a transaction-scoped lock while
they append, which keeps the chain linear under concurrency; the lock is released at commit.

That lock is portal-wide: from a transaction's first event until its COMMIT every other writer of
any contract waits. So a service does its slow work (rendering a PDF, above all) *before* its
first event, and records many events at once with :func:`record_events`. :func:`chain_lock_held`
says whether the current transaction holds the lock; core.pdf refuses to render while it does.
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from core.models import Event

GENESIS_HASH = "0" * 64
# Arbitrary constant shared by every writer: the PostgreSQL advisory lock that orders appends.
_CHAIN_LOCK_ID = 0x41554449  # "AUDI"


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    organisation_id: int | None = None


_NO_REQUEST = RequestContext()
_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "audit_request_context", default=None
)


def set_request_context(ctx: RequestContext) -> contextvars.Token:
    return _request_context.set(ctx)


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


def current_request_context() -> RequestContext:
    return _request_context.get() or _NO_REQUEST


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def compute_hash(
    *,
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    organisation_id: int | None,
    ip: str | None,
    kind: str,
    object_type: str,
    object_id: str,
    contract_id: int | None,
    data: dict,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": _canonical(occurred_at),
            "actor": actor_id,
            "org": organisation_id,
            "ip": ip,
            "kind": kind,
            "type": object_type,
            "id": object_id,
            "contract": contract_id,
            "data": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def normalise_ip(ip: str | None) -> str | None:
    """The address exactly as the column will store it (IPv6 compressed, lower-case), or None."""
    if not ip:
        return None
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return None
    return Event._meta.get_field("ip").to_python(ip)


def _canonical_numbers(value: Any) -> Any:
    # jsonb keeps numbers as decimals: 1e16 comes back as an int and -0.0 as 0.0. Integral floats
    # become ints and non-finite ones text, so what is hashed is what the database gives back.
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _canonical_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(v) for v in value]
    return value


def _jsonable(data: dict | None) -> dict:
    # Round-trip now, so the hash covers exactly what the database will give back.
    return _canonical_numbers(json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)))


# Synchronous, in-transaction consumers of events (the duty engine registers itself from its
# AppConfig.ready). Core calls them without knowing who they are; a failure rolls the whole
# service transaction back, so an event and its consequences are never half-applied.
_subscribers: list = []


def subscribe(handler) -> None:
    """Register `handler(event)` to run right after every event is appended."""
    if handler not in _subscribers:
        _subscribers.append(handler)


# --- Event kinds ----------------------------------------------------------------------------
# Each app declares the kinds it records, with their labels, in its events.py and registers them
# from AppConfig.ready(): the audit page names an event in words, and the clause validator can
# refuse a template that names a kind no app records. Core knows the kinds without knowing the apps.

_KIND_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_event_kinds: dict[str, tuple[str, str | Promise]] = {}  # kind -> (app label, label)


def register_event_kinds(app_label: str, kinds: Mapping[str, str | Promise]) -> None:
    """Declare the event kinds ``app_label`` records: ``{"roster.approved": gettext_lazy("…")}``.

    Registering the same kind again for the same app is harmless (ready() may run twice in
    tests); another app claiming it is a mistake, refused so that each kind has one owner.
    """
    for kind, label in kinds.items():
        if not _KIND_RE.fullmatch(kind):
            raise ValueError(f"Event kind {kind!r} must read 'thing.action' (lower case, dots between)")
        owner = _event_kinds.get(kind)
        if owner is not None and owner[0] != app_label:
            raise ValueError(f"Event kind {kind!r} is already declared by {owner[0]!r}")
        _event_kinds[kind] = (app_label, label)


def known_event_kinds() -> frozenset[str]:
    """Every kind some app declares."""
    return frozenset(_event_kinds)


def event_kind_owner(kind: str) -> str | None:
    """The label of the app that declares ``kind``, or None."""
    entry = _event_kinds.get(kind)
    return entry[0] if entry else None


def event_kind_label(kind: str) -> str:
    """The kind in words in the active language; the kind itself when no app declares it (an old
    event whose kind was retired still shows)."""
    entry = _event_kinds.get(kind)
    return str(entry[1]) if entry else kind


def _check_declared(kinds: Iterable[str]) -> None:
    """With AUDIT_REQUIRE_DECLARED_KINDS (on in tests and DEBUG), refuse a kind no app declares.

    Production never refuses an event for a missing declaration: the trail must not lose a write.
    Only the code that calls record_event(s) is held to it: a test recording a made-up kind of
    its own to exercise the log itself is not a service.
    """
    if not getattr(settings, "AUDIT_REQUIRE_DECLARED_KINDS", settings.DEBUG):
        return
    undeclared = sorted({kind for kind in kinds if kind not in _event_kinds})
    if not undeclared:
        return
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    caller = frame.f_globals.get("__name__", "") if frame is not None else ""
    if caller == "tests" or caller.startswith("tests."):
        return
    raise ImproperlyConfigured(
        f"{caller} records undeclared event kind(s) {undeclared}: declare them in the app's "
        "events.py (core.audit.register_event_kinds, from its AppConfig.ready())."
    )


def _chain_locked() -> None:
    """Marks a transaction that appended to the chain (see chain_lock_held); never does anything."""


def chain_lock_held() -> bool:
    """Whether the current transaction has appended to the chain, and so (on PostgreSQL) holds
    the chain lock until it ends.

    The mark is an on_commit callback, because Django already forgets those exactly when the
    lock goes: at COMMIT, at ROLLBACK, and at the rollback of a savepoint (which also releases an
    advisory lock taken inside it). Under a test case's own transaction (pytest-django, TestCase)
    only the outermost block the test did not open counts: that is what commits in production.
    """
    if not connection.in_atomic_block:
        return False
    marks = [sids for sids, func, *_ in connection.run_on_commit if func is _chain_locked]
    if not marks:
        return False
    blocks = connection.atomic_blocks
    opened_by_test = 0
    while opened_by_test < len(blocks) and getattr(blocks[opened_by_test], "_from_testcase", False):
        opened_by_test += 1
    if opened_by_test == 0:
        return True  # a real transaction: the marks are its own
    if opened_by_test == len(blocks):
        return False  # between services, in the test's transaction
    sid = connection.savepoint_ids[opened_by_test - 1]
    return sid is None or any(sid in sids for sids in marks)


def _last_hash() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    if not chain_lock_held():
        transaction.on_commit(_chain_locked)
    last = Event.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def record_event(
    *,
    kind: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organisation_id: int | None = None,
    contract_id: int | None = None,
    data: dict | None = None,
    ip: str | None = None,
) -> Event:
    """Append one event. Call it inside the service's transaction, after the change itself."""
    return record_events(
        [
            {
                "kind": kind,
                "actor": actor,
                "obj": obj,
                "object_type": object_type,
                "object_id": object_id,
                "organisation_id": organisation_id,
                "contract_id": contract_id,
                "data": data,
                "ip": ip,
            }
        ]
    )[0]


def _fields(
    *,
    kind: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organisation_id: int | None = None,
    contract_id: int | None = None,
    data: dict | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    ctx = current_request_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if organisation_id is None:
        organisation_id = ctx.organisation_id
    actor_id = getattr(actor, "pk", None)
    fields = {
        "occurred_at": timezone.now(),
        "actor_id": actor_id,
        "organisation_id": organisation_id,
        "ip": normalise_ip(ip if ip is not None else ctx.ip),
        "kind": kind,
        "object_type": object_type,
        "object_id": str(object_id),
        "contract_id": contract_id,
        "data": _jsonable(data),
    }
    return fields


def record_events(events: Iterable[dict[str, Any]]) -> list[Event]:
    """Append several events (each a dict of record_event's arguments) in the order given.

    Everything that can be done without the chain lock is done first (the fields, the JSON);
    then, under the lock, the hashes are chained in Python and the rows go in with one INSERT.
    The subscribers still see every event, one by one and in order, as with record_event.
    """
    prepared = [_fields(**spec) for spec in events]
    if not prepared:
        return []
    _check_declared(fields["kind"] for fields in prepared)
    with transaction.atomic():
        prev = _last_hash()
        rows = []
        for fields in prepared:
            digest = compute_hash(prev_hash=prev, **fields)
            rows.append(Event(prev_hash=prev, hash=digest, **fields))
            prev = digest
        if len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            # PostgreSQL numbers the rows of one INSERT in the order given, and returns the ids:
            # the chain's order (by id) is the order of the list.
            rows = Event.objects.bulk_create(rows)
        for event in rows:
            for handler in _subscribers:
                handler(event)
    return rows


def changed_fields(instance: models.Model, before: dict[str, Any], *, secret: Iterable[str] = ()) -> dict:
    """The {field: [old, new]} of what changed; secret fields say only that they changed."""
    secret = set(secret)
    changes: dict[str, Any] = {}
    for name, old in before.items():
        new = getattr(instance, name)
        if old != new:
            changes[name] = "changed" if name in secret else [old, new]
    return changes


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH


def iter_chain(chunk_size: int = 2000) -> Iterator[Event]:
    return Event.objects.order_by("id").iterator(chunk_size=chunk_size)


def verify_chain() -> ChainReport:
    """Walk the whole log in id order and recompute every hash."""
    prev = GENESIS_HASH
    checked = 0
    for event in iter_chain():
        if event.prev_hash != prev:
            return ChainReport(False, checked, event.pk, "prev_hash does not match the previous entry", prev)
        expected = compute_hash(
            prev_hash=event.prev_hash,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            organisation_id=event.organisation_id,
            ip=event.ip,
            kind=event.kind,
            object_type=event.object_type,
            object_id=event.object_id,
            contract_id=event.contract_id,
            data=event.data,
        )
        if expected != event.hash:
            return ChainReport(False, checked, event.pk, "content does not match its hash", prev)
        prev = event.hash
        checked += 1
    return ChainReport(True, checked, None, "", prev)

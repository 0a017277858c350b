"""Concurrent writers keep the audit trail's hash chain linear (the PostgreSQL advisory lock)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core import audit
from core.audit import GENESIS_HASH, record_event, verify_chain
from core.models import Event

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PER_THREAD = 50


def _run_in_threads(target: Callable[[int], None], count: int = 2) -> None:
    """Run target(i) in `count` threads, each on its own database connection, started together."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            start.wait(timeout=30)
            target(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=body, args=(i,), name=f"writer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), f"{thread.name} did not finish"
    if errors:
        raise errors[0]


def _write(i: int) -> None:
    assert connection.vendor == "postgresql"
    for n in range(PER_THREAD):
        # Each event is its own transaction, as in a view without ATOMIC_REQUESTS.
        record_event(kind=f"test.writer{i}", object_id=n, data={"writer": i, "n": n})


def test_two_concurrent_writers_make_one_strict_chain():
    _run_in_threads(_write)

    report = verify_chain()
    assert report.ok, report
    assert report.checked == 2 * PER_THREAD

    rows = list(Event.objects.order_by("id").values_list("prev_hash", "hash", "kind", "data"))
    assert len(rows) == 2 * PER_THREAD
    assert rows[0][0] == GENESIS_HASH
    for (_, previous, _, _), (prev_hash, _, _, _) in itertools.pairwise(rows):
        assert prev_hash == previous
    # No fork: every hash is the predecessor of at most one event.
    prevs = [row[0] for row in rows]
    assert len(set(prevs)) == len(prevs)
    for writer in (0, 1):
        ns = [data["n"] for _, _, kind, data in rows if kind == f"test.writer{writer}"]
        assert ns == list(range(PER_THREAD))  # each writer's own events stay in its order


def test_without_the_lock_concurrent_writers_fork_the_chain(monkeypatch):
    """Control experiment: the test above would catch a missing lock."""
    both_read = threading.Barrier(2)

    def last_hash_without_lock() -> str:
        last = Event.objects.order_by("-id").values_list("hash", flat=True).first()
        both_read.wait(timeout=30)  # both writers have read the same last hash before either inserts
        return last or GENESIS_HASH

    monkeypatch.setattr(audit, "_last_hash", last_hash_without_lock)
    _run_in_threads(lambda i: record_event(kind=f"test.unlocked{i}"))

    report = verify_chain()
    assert not report.ok
    assert "prev_hash" in report.reason
    assert Event.objects.filter(prev_hash=GENESIS_HASH).count() == 2

"""Benchmark of the audit trail: record_event throughput and verify_chain time at 10k / 100k events.

Run from the project root: ``python tests/bench/bench_audit.py [--events 2000] [--sizes 10000,100000]``.
Uses config.settings.test (DATABASE_URL chooses SQLite or PostgreSQL) but never the configured
database itself: it creates a throwaway test database (SQLite: in memory; PostgreSQL: a fresh
``bench_audit_<pid>`` database), migrates it, and drops it at the end, even on failure.
Not a pytest test (the file name does not start with test_), so it never slows the suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _throwaway_database():
    """Point the default connection at a new, empty, migrated database; return teardown state."""
    from django.db import connection
    from django.test.utils import setup_databases

    configured = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = None  # in memory
    else:
        # Our own name: setup_databases drops an existing test database of the same name
        # without asking, so never share one with a test run that may be going on.
        test["NAME"] = f"bench_audit_{os.getpid()}"
    try:
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    except BaseException:
        # Created but not migrated (e.g. a failing migration): drop it, never leave it behind.
        if connection.settings_dict["NAME"] != configured:
            connection.creation.destroy_test_db(configured, verbosity=0)
        raise
    in_use = connection.settings_dict["NAME"]
    if in_use == configured:
        raise SystemExit(f"refusing to run: the benchmark would use the configured database {configured!r}")
    return old_config, in_use


def _bench_record(events: int, *, one_transaction: bool = False, contract: bool = False) -> float:
    """Seconds for `events` calls of record_event.

    contract=False: events outside any contract, so only the audit trail works (the duty engine,
    subscribed to every event, returns at once). contract=True: contract events of kinds the
    duty engine reads, for a contract that does not exist: the trail plus the engine's lookup.
    """
    from django.db import transaction

    from core.audit import record_event

    kinds = ("roster.approved", "pledge.uploaded", "takeout.returned")

    def one(i: int) -> None:
        record_event(
            kind=kinds[i % 3],
            object_type="contracts.roster",
            object_id=i,
            contract_id=(10_000_000 + i % 50) if contract else None,
            ip="192.0.2.10",
            data={"i": i, "氏名": "山田 太郎", "items": [1, 2, 3]},
        )

    started = time.perf_counter()
    if one_transaction:
        with transaction.atomic():
            for i in range(events):
                one(i)
    else:
        for i in range(events):  # each event its own transaction, as from a view
            one(i)
    return time.perf_counter() - started


def _seed_chain_to(total: int, batch: int = 2000) -> float:
    """Extend the chain to `total` events quickly (valid hashes, bulk inserts); returns seconds."""
    from django.db import transaction
    from django.utils import timezone

    from core.audit import GENESIS_HASH, compute_hash
    from core.models import Event

    have = Event.objects.count()
    prev = Event.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    start = timezone.now()
    started = time.perf_counter()
    i = have
    while i < total:
        rows = []
        for j in range(i, min(i + batch, total)):
            fields = {
                "occurred_at": start + timedelta(microseconds=j),
                "actor_id": None,
                "organisation_id": None,
                "ip": "192.0.2.10",
                "kind": "ledger.entry_added",
                "object_type": "ledgers.entry",
                "object_id": str(j),
                "contract_id": j % 50,
                "data": {"i": j, "氏名": "山田 太郎"},
            }
            digest = compute_hash(prev_hash=prev, **fields)
            rows.append(Event(prev_hash=prev, hash=digest, **fields))
            prev = digest
        with transaction.atomic():
            Event.objects.bulk_create(rows)
        i += len(rows)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000, help="timed record_event calls (default 2000)")
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="chain sizes to verify, comma-separated (default 10000,100000)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())

    # Run as a script, so the project root is not on sys.path by itself.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

    from django.db import connection
    from django.test.utils import teardown_databases

    from core.audit import verify_chain

    old_config, name = _throwaway_database()
    try:
        print(f"database: {connection.vendor} {name!r} (throwaway)")
        _bench_record(50)  # warm-up: connections, statement caches

        for label, options in (
            ("one transaction each", {}),
            ("all in one transaction", {"one_transaction": True}),
            ("contract events, one transaction each (with the duty engine's lookup)", {"contract": True}),
        ):
            seconds = _bench_record(args.events, **options)
            print(
                f"record_event, {label}: {args.events / seconds:,.0f} events/s "
                f"({seconds / args.events * 1000:.2f} ms/event, {args.events} events)"
            )

        for size in sizes:
            seeded = _seed_chain_to(size)
            started = time.perf_counter()
            report = verify_chain()
            seconds = time.perf_counter() - started
            if not report.ok or report.checked != size:
                print(f"verify_chain at {size}: UNEXPECTED {report}", file=sys.stderr)
                return 1
            print(
                f"verify_chain, {size:,} events: {seconds:.2f} s ({size / seconds:,.0f} events/s; "
                f"seeding took {seeded:.1f} s)"
            )
    finally:
        connection.close()
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

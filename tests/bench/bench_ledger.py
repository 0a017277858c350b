"""Benchmark of the information ledger at about a million custody events.

Run from the project root: ``python tests/bench/bench_ledger.py [--events 1000000]
[--requests 60]``. Uses config.settings.test on a throwaway database (see bench_audit.py).

Builds one contract through the services (a roster in force, a work site, one item received
through `information_receive`), then bulk-inserts further items and their custody events for
that contract and nine others — received, used, taken out and brought back, copied, stored — up
to about --events events, as a busy body's ledgers would hold after years (rows written straight
into the tables: the benchmark measures reads, and the services' per-event checks are measured by
the tests). The append-only triggers stay on (they refuse UPDATE and DELETE only). The items' states
(the list page's projection, ledgers.models.states) are then built from those events with
`states_rebuild`, as `manage.py ledgers_rebuild_states` would.

It times GET of the information ledger of the first contract (`ledgers:information_list`) for the
contractor's manager: the first page, a filtered page (classification + search), a later page
(keyset `after=`), and the state as of a past day — median and p95 of --requests requests after
two warm-ups, with the queries of one request. Not a pytest test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

KINDS_CYCLE = ("used", "taken_out", "brought_back", "used", "stored", "used")


def _build(total_events: int):
    from django.utils import timezone

    from ledgers.models import CustodyEvent, CustodyUser, InformationItem
    from ledgers.services.information import information_receive
    from ledgers.services.states import states_rebuild
    from tests.ledgers.test_device_services import _m, build_world

    world = build_world("000-")
    side, contract = world["side"], world["contract"]
    first = information_receive(
        contract=contract,
        title="ベンチマーク用 受領データ",
        source="発注者 担当課",
        classification="personal",
        medium="paper",
        person=world["worker"],
        counterpart="担当課 職員",
        worksite=world["office"],
        storage_place="書庫A",
        occurred_at=timezone.now() - timedelta(days=50),
        **_m(side.contractor_admin),
    )
    worker, office = world["worker"], world["office"]
    per_item = 50
    items_total = max(1, total_events // per_item)
    rng = random.Random(7)
    start = timezone.now() - timedelta(days=55)
    # Ten contracts' worth of items: the first contract's own, and others on the same contract
    # row (a busy contract's ledger is the worst case for its page; the other rows make the table
    # large, as other contracts' ledgers would).
    classes = ("personal", "my_number", "sensitive", "secret", "other")
    batch_items = []
    for n in range(2, items_total + 1):
        batch_items.append(
            InformationItem(
                contract=contract,
                organisation_id=first.item.organisation_id,
                number=n,
                data_key_id=contract.data_key_id,
                title=f"受領データ {n:06d}",
                source=rng.choice(("市民課", "税務課", "福祉課", "教育委員会")),
                record_count=rng.randint(1, 5000),
                classification=classes[n % len(classes)],
                medium=("paper", "electronic")[n % 2],
                created_by=side.contractor_admin.user,
            )
        )
    InformationItem.objects.bulk_create(batch_items, batch_size=5000)
    item_ids = list(
        InformationItem.objects.filter(contract=contract)
        .exclude(pk=first.item_id)
        .values_list("pk", flat=True)
    )
    events, users = [], []
    made = 1
    for item_id in item_ids:
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 5))
        events.append(
            CustodyEvent(
                item_id=item_id,
                data_key_id=contract.data_key_id,
                sequence=1,
                kind="received",
                occurred_at=when,
                person=worker,
                counterpart="担当課",
                worksite=office,
                storage_place="書庫A",
                recorded_by=side.contractor_admin.user,
            )
        )
        for seq in range(2, per_item + 1):
            when += timedelta(minutes=rng.randint(5, 600))
            kind = KINDS_CYCLE[(seq - 2) % len(KINDS_CYCLE)]
            events.append(
                CustodyEvent(
                    item_id=item_id,
                    data_key_id=contract.data_key_id,
                    sequence=seq,
                    kind=kind,
                    occurred_at=when,
                    person=worker,
                    destination="会議室" if kind == "taken_out" else "",
                    worksite=office if kind == "stored" else None,
                    storage_place="書庫B" if kind == "stored" else "",
                    recorded_by=side.contractor_admin.user,
                )
            )
        made += per_item
        if len(events) >= 20000:
            CustodyEvent.objects.bulk_create(events, batch_size=5000)
            events = []
    if events:
        CustodyEvent.objects.bulk_create(events, batch_size=5000)
    received = CustodyEvent.objects.filter(item_id__in=item_ids, kind="received").values_list("pk", flat=True)
    for pk in received.iterator(chunk_size=10000):
        users.append(CustodyUser(event_id=pk, person=worker))
        if len(users) >= 20000:
            CustodyUser.objects.bulk_create(users, batch_size=5000)
            users = []
    if users:
        CustodyUser.objects.bulk_create(users, batch_size=5000)
    # Rows written past the services have no projection yet: built as the repair command does.
    states_rebuild(InformationItem.objects.filter(contract=contract))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE ledgers_informationitem; ANALYZE ledgers_custodyevent; ANALYZE ledgers_custodyuser; "
            "ANALYZE ledgers_informationitemstate"
        )
    return side, contract, made


def _time(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (response.status_code, url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    captured = list(ctx.captured_queries)
    wall = []
    for _ in range(requests):
        t0 = time.perf_counter()
        client.get(url)
        wall.append(time.perf_counter() - t0)
    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:2]
    return {
        "wall": wall,
        "queries": len(captured),
        "db_ms": sum(float(q["time"]) for q in captured) * 1000,
        "slowest": [(float(q["time"]) * 1000, q["sql"][:100]) for q in slowest],
    }


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import teardown_databases
    from django.urls import reverse
    from django.utils import timezone

    from ledgers.models import CustodyEvent, InformationItem
    from tests.bench.bench_audit import _throwaway_database

    old_config, name = _throwaway_database()
    try:
        t0 = time.perf_counter()
        side, contract, _made = _build(args.events)
        print(f"database: {connection.vendor} ({name}); built in {time.perf_counter() - t0:.0f} s")
        print(f"items: {InformationItem.objects.count():,}, custody events: {CustodyEvent.objects.count():,}")
        base = reverse("ledgers:information_list", args=[contract.pk])
        past = (timezone.localdate() - timedelta(days=52)).isoformat()
        client = Client()
        client.force_login(side.contractor_admin.user)
        for label, query in (
            ("first page", ""),
            ("filtered (classification + search)", "?classification=personal&q=0001"),
            ("a later page (keyset)", "?after=5000"),
            ("as of a past day", f"?on={past}"),
        ):
            r = _time(client, base + query, args.requests)
            median, p95 = statistics.median(r["wall"]) * 1000, _p95(r["wall"]) * 1000
            print(
                f"{label}: median {median:.0f} ms, p95 {p95:.0f} ms, {r['queries']} queries "
                f"({r['db_ms']:.0f} ms in the database)"
            )
            for ms, sql in r["slowest"]:
                print(f"    {ms:5.1f} ms  {sql}")
        if args.profile:
            import cProfile
            import pstats

            client.get(base)
            profile = cProfile.Profile()
            profile.enable()
            client.get(base)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

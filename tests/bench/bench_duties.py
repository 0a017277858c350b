"""Benchmark of the duty engine and the reminder sweep.

Run from the project root: ``python tests/bench/bench_duties.py [--contracts 200]``.
Uses config.settings.test on a throwaway database (see bench_audit.py), loads the clause library,
activates N contracts under the 練馬区 template (56 obligations), then times a reminder sweep over
all of them and the dashboard's set-based status query. Not a pytest test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, teardown_databases

    from tests.bench.bench_audit import _throwaway_database

    old_config, name = _throwaway_database()
    try:
        from clauses.services import clause_library_load
        from compliance.models import Duty, Reminder
        from compliance.selectors import status_by_contract, status_total
        from compliance.services.reminders import reminder_sweep
        from contracts.models import Contract
        from contracts.services import contract_activate, contract_create
        from tests import factories

        clause_library_load()
        from clauses.models import ClauseTemplate

        template = ClauseTemplate.objects.get(template_id="nerima-entrusted-information")
        side = factories.side("bench", "ベンチ")
        start = date(2025, 4, 1)
        t0 = time.perf_counter()
        for i in range(args.contracts):
            contract = contract_create(
                actor=side.client_admin.user,
                actor_membership=side.client_admin,
                contractor=side.contractor,
                number=f"B-{i:05d}",
                title="ベンチマーク業務",
                start_date=start,
                end_date=date(2026, 3, 31),
                work_start_date=date(2025, 4, 14),
                clause_template=template,
            )
            contract_activate(
                actor=side.client_admin.user,
                actor_membership=side.client_admin,
                contract=contract,
                signed_on=start,
            )
        activation = (time.perf_counter() - t0) / args.contracts
        duties = Duty.objects.count()
        now = datetime(2025, 4, 10, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
        # The sweep only records and queues; deliveries are separate tasks, timed on a sample.
        from compliance import tasks
        from compliance.services.delivery import reminders_deliver

        queued: list[dict] = []
        tasks.deliver_reminders.delay = lambda **kw: queued.append(kw)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            created = reminder_sweep(now=now)
            sweep = time.perf_counter() - t0
        sweep_queries = len(ctx.captured_queries)
        sample = queued[:50]
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            for batch in sample:
                reminders_deliver(**batch)
            delivery = (time.perf_counter() - t0) / max(1, len(sample))
        delivery_queries = len(ctx.captured_queries) / max(1, len(sample))
        per_batch = sum(len(b["reminder_ids"]) for b in sample) / max(1, len(sample))
        t0 = time.perf_counter()
        again = reminder_sweep(now=now)
        second = time.perf_counter() - t0
        ids = list(Contract.objects.values_list("pk", flat=True))
        t0 = time.perf_counter()
        status_by_contract(ids)
        per_contract = time.perf_counter() - t0
        t0 = time.perf_counter()
        status_total(Contract.objects.all())
        total = time.perf_counter() - t0
        reset_queries()
        print(f"database: {connection.vendor} ({name})")
        print(
            f"contracts: {args.contracts}, duties: {duties}, reminders recorded: {len(created)} "
            f"(rows: {Reminder.objects.count()})"
        )
        print(f"activation (create + 56-obligation duty generation): {activation * 1000:.1f} ms/contract")
        print(
            f"reminder sweep: {sweep * 1000:.0f} ms, {sweep_queries} queries; "
            f"re-run: {second * 1000:.0f} ms, {len(again)} new"
        )
        print(
            f"deliveries queued: {len(queued)} (one per person); each: {delivery * 1000:.0f} ms, "
            f"{delivery_queries:.0f} queries, {per_batch:.0f} reminders ({len(sample)} sampled)"
        )
        print(
            f"status per contract (one query): {per_contract * 1000:.1f} ms; "
            f"body total: {total * 1000:.1f} ms"
        )
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

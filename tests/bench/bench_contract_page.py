"""Benchmark of the contract page (contracts:contract_detail) at about 500 duties.

Run from the project root: ``python tests/bench/bench_contract_page.py [--duties 500]
[--requests 60] [--profile]``. Uses config.settings.test on a throwaway database (see
bench_audit.py): loads the clause library, activates one contract under the 練馬区 template (48
duties of its own and the statutory ones), then opens per-subject duties through the events
that open them (a corrective action ordered, an incident reported: one duty each) until the
contract has about --duties duties, and meets about a third of them through their evidence
events, so the page shows evidence, actors and every status. Due dates are then spread over
the year around today, so that overdue, due-soon and upcoming duties all appear.

It times GET of the page through Django's test client for the contractor's manager and the
public body's administrator (median and p95 of --requests requests after two warm-ups), and
prints the queries and the size of the HTML. --profile prints where the time of one request
goes (cProfile, top 25 by cumulative time). Not a pytest test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _build(duties: int):
    """The contract and its side, with about `duties` duties in every state."""
    from clauses.models import ClauseTemplate
    from clauses.services import clause_library_load
    from compliance.models import Duty
    from contracts.services import contract_activate, contract_create
    from core.audit import record_event
    from tests import factories

    clause_library_load()
    template = ClauseTemplate.objects.get(template_id="nerima-entrusted-information")
    side = factories.side("bench", "ベンチ")
    today = date.today()
    contract = contract_create(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contractor=side.contractor,
        number="B-PAGE-1",
        title="ベンチマーク業務（契約ページ）",
        start_date=today - timedelta(days=120),
        end_date=today + timedelta(days=240),
        work_start_date=today - timedelta(days=100),
        clause_template=template,
        handles_personal_info=True,
    )
    contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=today - timedelta(days=120),
    )
    manager = side.contractor_admin.user
    i = 0
    while Duty.objects.filter(contract=contract).count() < duties:
        # Each opens one per-subject duty (22.1-corrective-action, 24.1(4)-incident-record).
        opens, meets = (
            ("corrective_action.ordered", "corrective_action.completed")
            if i % 2 == 0
            else ("incident.reported", "incident.final_reported")
        )
        subject = f"bench.item:{i}"
        record_event(
            kind=opens, actor=side.client_admin.user, contract_id=contract.pk, data={"subject": subject}
        )
        if i % 3 == 0:
            record_event(kind=meets, actor=manager, contract_id=contract.pk, data={"subject": subject})
        i += 1
    # Spread the open duties' due dates over the year around today (overdue to far ahead).
    open_duties = list(Duty.objects.filter(contract=contract, state=Duty.State.OPEN).order_by("pk"))
    for n, duty in enumerate(open_duties):
        duty.due_date = today + timedelta(days=(n * 7) % 360 - 90)
    Duty.objects.bulk_update(open_duties, ["due_date"])
    return side, contract


def _time(client, url: str, requests: int) -> dict:
    """Wall time and this process's CPU time per request (the machine is shared: CPU time is
    the steadier figure of our own work), the queries of one request and the HTML's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm the session, the template loader and the engine's caches
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    captured = list(ctx.captured_queries)
    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:2]
    wall, cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "wall": wall,
        "cpu": cpu,
        "queries": len(captured),
        "db_ms": sum(float(q["time"]) for q in captured) * 1000,
        "slowest": [(float(q["time"]) * 1000, q["sql"][:90]) for q in slowest],
        "size": len(response.content),
    }


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duties", type=int, default=500)
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

    from tests.bench.bench_audit import _throwaway_database

    old_config, name = _throwaway_database()
    try:
        from compliance.models import Duty
        from compliance.selectors import status_by_contract

        side, contract = _build(args.duties)
        st = status_by_contract([contract.pk])[contract.pk]
        print(f"database: {connection.vendor} ({name})")
        print(
            f"duties: {Duty.objects.filter(contract=contract).count()} (overdue {st.overdue}, due soon "
            f"{st.due_soon}, upcoming {st.upcoming}, fulfilled {st.fulfilled}, waived {st.waived})"
        )
        url = reverse("contracts:contract_detail", args=[contract.pk])
        for label, membership in (
            ("contractor manager", side.contractor_admin),
            ("client admin", side.client_admin),
        ):
            client = Client()
            client.force_login(membership.user)
            for variant, suffix in (("page", ""), ("print view", "?print=1")):
                r = _time(client, url + suffix, args.requests)
                median, p95 = statistics.median(r["wall"]) * 1000, _p95(r["wall"]) * 1000
                cpu = statistics.median(r["cpu"]) * 1000
                print(
                    f"{label}, {variant}: median {median:.0f} ms, p95 {p95:.0f} ms (CPU median "
                    f"{cpu:.0f} ms), {r['queries']} queries ({r['db_ms']:.0f} ms in the database), "
                    f"{r['size'] / 1024:.0f} KiB ({args.requests} requests)"
                )
                for ms, sql in r["slowest"]:
                    print(f"    {ms:5.1f} ms  {sql}")
        if args.profile:
            import cProfile
            import pstats

            client = Client()
            client.force_login(side.contractor_admin.user)
            client.get(url)
            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

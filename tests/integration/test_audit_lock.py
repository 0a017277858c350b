"""A slow submission does not delay another request's event (issue 8 §3).

The audit trail is appended under one portal-wide PostgreSQL advisory lock, held from a
transaction's first event to its COMMIT (core.audit). A roster submission renders its frozen
PDF; if that render came after the transition's event, every other writer of any contract (a
log-in, a page view) would wait for the whole render. Here the render is slowed to 2 s on one
connection while another connection records an event: the second must not wait for the first.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core import audit, pdf
from core.approvals import ApprovalAction
from core.audit import record_event, verify_chain
from core.models import Event
from tests.contracts.conftest import START, _fresh_engine_cache, notice_contract, side, upload_pledges  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SLOW_RENDER = 2.0
PEOPLE = 30


def test_a_slow_submission_does_not_delay_another_requests_event(side, notice_contract, monkeypatch):  # noqa: F811
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=notice_contract)
    for i in range(PEOPLE):
        roster_person_add(
            actor=manager.user,
            actor_membership=manager,
            change=change,
            full_name=f"作業 {i}郎",
            start_date=START + timedelta(days=10),
        )
    upload_pledges(side, change)

    rendering = threading.Event()
    real_render = pdf._html_to_pdf

    def slow_render(html, **kwargs):
        rendering.set()
        time.sleep(SLOW_RENDER)
        return real_render(html, **kwargs)

    monkeypatch.setattr(pdf, "_html_to_pdf", slow_render)
    timings: dict[str, float] = {}
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            roster_change_act(
                actor=manager.user, actor_membership=manager, change=change, action=ApprovalAction.SUBMIT
            )
            timings["submitted"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def other_request() -> None:
        try:
            assert rendering.wait(timeout=60), "the submission never started rendering"
            time.sleep(0.2)  # well inside the render
            started = time.monotonic()
            # Another body's log-in, in its own transaction on its own connection.
            record_event(kind="user.logged_in", actor=side.client_staff.user, data={"via": "test"})
            timings["other"] = time.monotonic() - started
            timings["other_done"] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=other_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]

    assert timings["other"] < 0.5, f"the other event waited {timings['other']:.2f} s for the submission"
    assert timings["other_done"] < timings["submitted"]  # it really ran during the render
    change.refresh_from_db()
    assert change.submitted_pdf_id is not None
    assert Event.objects.filter(kind="person.added", contract_id=notice_contract.pk).count() == PEOPLE
    report = verify_chain()
    assert report.ok, report


def test_many_events_in_one_insert_keep_the_chain():
    before = Event.objects.count()
    connection.close()
    events = audit.record_events(
        [{"kind": "test.bulk", "object_id": n, "data": {"n": n}} for n in range(200)]
    )
    assert [e.data["n"] for e in Event.objects.filter(kind="test.bulk").order_by("id")] == list(range(200))
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    assert Event.objects.count() == before + 200
    report = verify_chain()
    assert report.ok, report

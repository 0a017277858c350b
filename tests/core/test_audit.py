"""The audit trail (design.md invariant 4): append-only, hash-chained, verifiable, refused to editors."""

from __future__ import annotations

import contextlib
import importlib
import ipaddress
import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from core import audit
from core.audit import GENESIS_HASH, compute_hash, record_event, verify_chain
from core.models import Event

pytestmark = pytest.mark.django_db

_append_only = importlib.import_module("core.migrations.0002_event_append_only")

KINDS = ("roster.approved", "pledge.uploaded", "takeout.returned", "incident.reported", "user.viewed")


def _record_many(n: int, *, actor=None, organisation_id=None) -> list[Event]:
    events = []
    for i in range(n):
        events.append(
            record_event(
                kind=KINDS[i % len(KINDS)],
                actor=actor,
                object_type="contracts.roster",
                object_id=i,
                organisation_id=organisation_id,
                contract_id=1000 + i % 3,
                ip="192.0.2.10" if i % 2 else None,
                data={
                    "i": i,
                    "名前": "山田 太郎",
                    "nested": {"b": [1, 2.5, None, True], "a": "x"},
                    "when": datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
                    "amount": Decimal("1.50"),
                },
            )
        )
    return events


@contextlib.contextmanager
def _triggers_bypassed():
    """Let this connection UPDATE/DELETE core_event, as someone with raw database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER core_event_no_update")
            try:
                yield cursor
            finally:
                for sql in _append_only.SQLITE_FORWARD:
                    cursor.execute(sql)


def _raw_update_data(event_id: int, payload: str) -> None:
    with _triggers_bypassed() as cursor:
        cursor.execute("UPDATE core_event SET data = %s WHERE id = %s", [payload, event_id])


def _raw_delete(event_id: int) -> None:
    if connection.vendor == "postgresql":
        with _triggers_bypassed() as cursor:
            cursor.execute("DELETE FROM core_event WHERE id = %s", [event_id])
    else:
        # SQLite lets DELETE through by design (Django's test flush deletes).
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_event WHERE id = %s", [event_id])


# --- the chain ---------------------------------------------------------------------------


def test_first_event_chains_to_genesis_and_next_to_it():
    first = record_event(kind="test.first")
    second = record_event(kind="test.second", data={"x": 1})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64
    assert second.hash != first.hash


def test_record_event_hash_covers_what_the_database_gives_back(world):
    actor = world.a.client_admin.user
    event = record_event(
        kind="roster.approved",
        actor=actor,
        obj=world.a.contractor,
        organisation_id=world.a.body.pk,
        contract_id=7,
        ip="198.51.100.4",
        data={"氏名": "山田 太郎", "when": datetime(2025, 3, 4, tzinfo=UTC), "n": Decimal("2.5")},
    )
    stored = Event.objects.get(pk=event.pk)
    assert stored.object_type == "core.organisation"
    assert stored.object_id == str(world.a.contractor.pk)
    assert stored.actor_id == actor.pk
    assert stored.data == {"氏名": "山田 太郎", "when": "2025-03-04 00:00:00+00:00", "n": "2.5"}
    assert stored.hash == compute_hash(
        prev_hash=stored.prev_hash,
        occurred_at=stored.occurred_at,
        actor_id=stored.actor_id,
        organisation_id=stored.organisation_id,
        ip=stored.ip,
        kind=stored.kind,
        object_type=stored.object_type,
        object_id=stored.object_id,
        contract_id=stored.contract_id,
        data=stored.data,
    )


def test_verify_chain_ok_after_many_events_of_several_kinds(world):
    before = Event.objects.count()  # the world fixture records its own events
    events = _record_many(60, actor=world.a.client_admin.user, organisation_id=world.a.body.pk)
    report = verify_chain()
    assert report.ok, report
    assert report.checked == before + 60
    assert report.first_bad_id is None
    assert report.last_hash == events[-1].hash
    ids = list(Event.objects.order_by("id").values_list("id", "prev_hash", "hash"))
    for (_, _, prev_hash), (_, next_prev, _) in itertools.pairwise(ids):
        assert next_prev == prev_hash
    assert set(Event.objects.values_list("kind", flat=True)) >= set(KINDS)


def test_verify_chain_on_an_empty_log_is_ok():
    report = verify_chain()
    assert report.ok
    assert report.checked == 0
    assert report.last_hash == GENESIS_HASH


# --- tamper detection --------------------------------------------------------------------


def test_tamper_update_of_a_rows_data_is_detected_at_that_row():
    events = _record_many(10)
    victim = events[4]
    _raw_update_data(victim.pk, '{"i": 4, "forged": true}')
    assert Event.objects.get(pk=victim.pk).data == {"i": 4, "forged": True}

    report = verify_chain()
    assert not report.ok
    assert report.first_bad_id == victim.pk
    assert report.checked == 4
    assert "content" in report.reason
    assert report.last_hash == events[3].hash


def test_tamper_delete_of_a_middle_row_breaks_the_chain_at_the_next_row():
    events = _record_many(10)
    _raw_delete(events[5].pk)
    assert not Event.objects.filter(pk=events[5].pk).exists()

    report = verify_chain()
    assert not report.ok
    assert report.first_bad_id == events[6].pk
    assert report.checked == 5
    assert "prev_hash" in report.reason


def test_tamper_forged_row_appended_with_self_consistent_hash_but_wrong_prev_is_detected():
    events = _record_many(5)
    fields = {
        "occurred_at": datetime(2025, 1, 1, tzinfo=UTC),
        "actor_id": None,
        "organisation_id": None,
        "ip": None,
        "kind": "roster.approved",
        "object_type": "contracts.roster",
        "object_id": "99",
        "contract_id": 1,
        "data": {"forged": True},
    }
    wrong_prev = events[2].hash  # looks plausible: an existing hash, just not the last one
    forged = Event(prev_hash=wrong_prev, hash=compute_hash(prev_hash=wrong_prev, **fields), **fields)
    forged.save(force_insert=True)

    report = verify_chain()
    assert not report.ok
    assert report.first_bad_id == forged.pk
    assert report.checked == 5
    assert "prev_hash" in report.reason


# --- nobody can edit -----------------------------------------------------------------------


def test_database_refuses_raw_update():
    event = record_event(kind="test.x", data={"a": 1})
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_event SET kind = %s WHERE id = %s", ["test.y", event.pk])
    # The test's own transaction survived and the row is unchanged.
    assert Event.objects.get(pk=event.pk).kind == "test.x"


def test_database_refuses_raw_delete_on_postgresql_only():
    event = record_event(kind="test.x")
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM core_event WHERE id = %s", [event.pk])
        assert Event.objects.filter(pk=event.pk).exists()
    else:
        # SQLite (the embedded default) only refuses UPDATE: Django's test flush is a DELETE.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_event WHERE id = %s", [event.pk])
        assert not Event.objects.filter(pk=event.pk).exists()


def test_orm_refuses_update_and_delete():
    event = record_event(kind="test.x")
    with pytest.raises(PermissionError):
        Event.objects.update(kind="test.y")
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(kind="test.y")
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()
    assert Event.objects.get(pk=event.pk).kind == "test.x"


def test_admin_gives_no_add_change_or_delete_even_to_a_superuser(world, client):
    superuser = world.site_admin
    model_admin = admin.site._registry[Event]
    request = RequestFactory().get("/django-admin/core/event/")
    request.user = superuser
    event = record_event(kind="test.x")
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)

    client.force_login(superuser)
    assert client.get(reverse("admin:core_event_changelist")).status_code == 200
    assert client.get(reverse("admin:core_event_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    # The change page is read-only: a POST changes nothing.
    client.post(reverse("admin:core_event_change", args=[event.pk]), {"kind": "test.forged"})
    assert Event.objects.get(pk=event.pk).kind == "test.x"


# --- verify command and page -------------------------------------------------------------


def test_verify_audit_chain_command_ok_then_command_error_on_tamper(capsys):
    events = _record_many(6)
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "OK: 6 entries" in out
    assert events[-1].hash in out

    _raw_update_data(events[2].pk, '{"tampered": 1}')
    with pytest.raises(CommandError, match=rf"BROKEN at entry #{events[2].pk}\b.*2 entries before it intact"):
        call_command("verify_audit_chain")


def test_audit_verify_page_as_auditor_intact_then_broken(world, client):
    auditor = world.a.auditor.user
    client.force_login(auditor)
    url = reverse("core:audit_verify")

    # Verification is an action: GET only explains it and offers the button (issue 10: it used to
    # answer a blank 405); nothing is verified or recorded by a GET.
    before = Event.objects.count()
    assert client.get(url).status_code == 200
    assert Event.objects.count() == before

    response = client.post(url)
    assert response.status_code == 200
    assert response.context["report"].ok
    assert 'class="status-ok"' in response.content.decode()
    # The verification itself is recorded, in the auditor's organisation.
    verified = Event.objects.order_by("-id").first()
    assert verified.kind == "audit_log.verified"
    assert verified.actor_id == auditor.pk
    assert verified.organisation_id == world.a.body.pk
    assert verified.data["ok"] is True

    victim = Event.objects.order_by("id")[3]
    _raw_update_data(victim.pk, '{"tampered": 1}')
    response = client.post(url)
    body = response.content.decode()
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    assert report.first_bad_id == victim.pk
    assert 'class="status-bad"' in body
    assert f"#{victim.pk}" in body
    assert Event.objects.order_by("-id").first().data == {
        "ok": False,
        "checked": 3,
        "first_bad_id": victim.pk,
    }


def test_audit_verify_page_is_not_found_for_roles_without_the_audit_log(world, client):
    client.force_login(world.a.contractor_staff.user)
    assert client.post(reverse("core:audit_verify")).status_code == 404


# --- request context ---------------------------------------------------------------------


def test_event_takes_ip_and_organisation_from_the_request(world, client):
    auditor = world.a.auditor.user
    client.force_login(auditor)
    response = client.get(reverse("core:audit_log"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    event = Event.objects.order_by("-id").first()
    assert event.kind == "audit_log.viewed"
    assert event.actor_id == auditor.pk
    assert event.ip == "203.0.113.7"
    assert event.organisation_id == world.a.body.pk
    assert verify_chain().ok
    # Outside a request there is no context to leak into the next event.
    assert audit.current_request_context() == audit.RequestContext()
    assert record_event(kind="test.outside").ip is None


def test_forwarded_for_is_ignored_without_a_trusted_proxy(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(world.a.auditor.user)
    client.get(reverse("core:audit_log"), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert Event.objects.order_by("-id").first().ip == "203.0.113.7"


def test_behind_a_trusted_proxy_the_ip_is_the_hop_the_proxy_appended(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(world.a.auditor.user)
    # The client sent "198.51.100.66" itself; the proxy appended the address it saw.
    client.get(
        reverse("core:audit_log"), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9"
    )
    assert Event.objects.order_by("-id").first().ip == "203.0.113.9"
    assert verify_chain().ok


def test_explicit_organisation_wins_over_the_request_context(world):
    token = audit.set_request_context(audit.RequestContext(ip="192.0.2.1", organisation_id=world.a.body.pk))
    try:
        event = record_event(kind="test.x", organisation_id=world.b.body.pk)
        implicit = record_event(kind="test.y")
    finally:
        audit.reset_request_context(token)
    assert event.organisation_id == world.b.body.pk
    assert event.ip == "192.0.2.1"
    assert implicit.organisation_id == world.a.body.pk


def test_ipv6_addresses_do_not_break_the_chain(world, client):
    # Regression: the hash covered the address as given while the column stores it normalised,
    # so verification reported the entry as altered.
    client.force_login(world.a.auditor.user)
    client.get(reverse("core:audit_log"), REMOTE_ADDR="2001:DB8:0:0::7")
    assert Event.objects.order_by("-id").first().ip == "2001:db8::7"
    assert verify_chain().ok


@pytest.mark.parametrize("ip", ["", "not-an-ip"])
def test_empty_or_invalid_ip_is_recorded_as_none_and_keeps_the_chain(ip):
    # Regression: "" was hashed as "" but stored as NULL.
    event = record_event(kind="test.x", ip=ip)
    assert event.ip is None
    assert Event.objects.get(pk=event.pk).ip is None
    assert verify_chain().ok


def test_forwarded_for_garbage_is_not_recorded_as_the_ip(world, client, settings):
    # Regression: with TRUSTED_PROXY_COUNT set but no proxy in front, the hop was taken
    # unchecked (stored as the IP on SQLite, a failing INSERT into inet on PostgreSQL).
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(world.a.auditor.user)
    response = client.get(
        reverse("core:audit_log"), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert response.status_code == 200
    event = Event.objects.order_by("-id").first()
    assert event.ip == "203.0.113.7"
    ipaddress.ip_address(event.ip)
    assert verify_chain().ok


@pytest.mark.parametrize("value", [1e16, 1.5e16, -0.0, 1.0, 0.1, 1e-7, 2**70, float("nan"), float("inf")])
def test_numbers_in_data_survive_the_database_round_trip(value):
    # Regression: jsonb rewrote 1e16 as 10000000000000000 and -0.0 as 0.0 on PostgreSQL, so the
    # hash no longer matched what verify_chain read back.
    event = record_event(kind="test.number", data={"v": value, "nested": [{"v": value}]})
    assert Event.objects.get(pk=event.pk).data == event.data
    assert verify_chain().ok


# --- cost --------------------------------------------------------------------------------


def test_record_event_query_count(django_assert_num_queries):
    record_event(kind="test.warmup")
    # PostgreSQL: SAVEPOINT, pg_advisory_xact_lock, SELECT last hash, INSERT … RETURNING, RELEASE.
    # SQLite: the same without the lock (SQLite serialises writers itself).
    expected = 5 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(expected) as captured:
        record_event(kind="test.counted", data={"a": 1})
    sql = [q["sql"] for q in captured.captured_queries]
    assert sql[0].startswith("SAVEPOINT")
    assert sql[-1].startswith("RELEASE SAVEPOINT")
    if connection.vendor == "postgresql":
        assert "pg_advisory_xact_lock" in sql[1]
    assert any(s.startswith("INSERT INTO") for s in sql)


def test_record_event_takes_the_chain_lock_before_reading_the_last_hash(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only")
    with django_assert_num_queries(5) as captured:
        record_event(kind="test.x")
    sql = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "pg_advisory_xact_lock" in s)
    select = next(i for i, s in enumerate(sql) if s.startswith("SELECT") and "core_event" in s)
    assert lock < select
    assert str(audit._CHAIN_LOCK_ID) in sql[lock]

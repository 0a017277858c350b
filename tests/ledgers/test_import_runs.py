"""The apply of a ledger import in Celery (ledgers.services.import_runs, ledgers.tasks): queued on
commit, applied once however often the task runs, all rows or none, the errors kept for the
person when it fails, and the sweep that sends again what was lost."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.utils import timezone, translation

from core.audit import RequestContext, reset_request_context, set_request_context
from core.models import Event
from ledgers import tasks
from ledgers.models import InformationItem, LedgerImport
from ledgers.services import import_runs
from ledgers.services.imports import import_sweep, import_upload
from tests.ledgers.conftest import m
from tests.ledgers.test_import import INFO_HEADERS, item_row, xlsx


def _queued(ledger, rows, capture, *, ip: str = "192.0.2.7") -> LedgerImport:
    manager = ledger.side.contractor_admin
    kept = import_upload(
        contract=ledger.contract,
        ledger="information",
        file_name="台帳.xlsx",
        data=xlsx(INFO_HEADERS, rows),
        **m(manager),
    )
    token = set_request_context(RequestContext(ip=ip, organisation_id=manager.organisation_id))
    try:
        with capture(execute=False) as published:
            queued = import_runs.import_queue(ledger_import=kept, language="ja", **m(manager))
            # Asking twice (a double click) queues it once.
            import_runs.import_queue(ledger_import=queued, language="ja", **m(manager))
    finally:
        reset_request_context(token)
    assert queued.state == "queued" and len(published) == 1
    return queued


def test_the_task_applies_once_even_when_it_runs_twice(ledger, django_capture_on_commit_callbacks):
    kept = _queued(ledger, [item_row(1), item_row(2)], django_capture_on_commit_callbacks)
    assert not InformationItem.objects.exists()
    assert tasks.apply_ledger_import.apply(kwargs={"import_id": kept.pk}).get() == "done"
    # A second delivery (acks_late after a lost ack) finds it done and enters nothing.
    assert tasks.apply_ledger_import.apply(kwargs={"import_id": kept.pk}).get() == "skipped"
    assert InformationItem.objects.count() == 2
    assert Event.objects.filter(kind="information.received").count() == 2
    imported = Event.objects.get(kind="information_ledger.imported")
    assert imported.data["rows"] == 2 and imported.data["sha256"] == kept.sha256
    # Recorded by the worker, on the person's behalf, with where they asked from.
    assert (imported.actor_id, imported.ip) == (ledger.side.contractor_admin.user_id, "192.0.2.7")
    assert imported.organisation_id == ledger.side.contractor_admin.organisation_id
    kept.refresh_from_db()
    assert (kept.state, kept.stage, kept.total_rows, kept.imported_rows) == ("done", "done", 2, 2)
    assert kept.attempts == 1 and kept.xlsx == "" and kept.finished_at


def test_a_run_whose_worker_died_is_taken_over_and_a_live_one_is_left_alone(
    ledger, django_capture_on_commit_callbacks
):
    kept = _queued(ledger, [item_row(1)], django_capture_on_commit_callbacks)
    # A run that is reading the file now: a second delivery leaves it.
    LedgerImport.objects.filter(pk=kept.pk).update(state="running", attempts=1, stage_at=timezone.now())
    assert import_runs.import_run(pk=kept.pk) == "skipped"
    # One whose stage has not moved for long (its worker died, its transaction rolled back).
    long_ago = timezone.now() - timedelta(minutes=10)
    LedgerImport.objects.filter(pk=kept.pk).update(stage_at=long_ago)
    with mock.patch.object(import_runs, "_publish") as publish:
        assert import_runs.import_republish() == 1
    publish.assert_called_once_with(kept.pk)
    assert import_runs.import_run(pk=kept.pk) == "done"
    assert InformationItem.objects.count() == 1
    assert LedgerImport.objects.get(pk=kept.pk).attempts == 2


def test_a_failed_apply_enters_nothing_and_keeps_every_error_for_the_person(
    ledger, django_capture_on_commit_callbacks
):
    rows = [item_row(1), item_row(2, person="存在 しない"), item_row(3, site="どこか")]
    kept = _queued(ledger, rows, django_capture_on_commit_callbacks)
    with translation.override("en"):  # the worker writes in the language the person asked in
        assert import_runs.import_run(pk=kept.pk) == "failed"
    assert not InformationItem.objects.exists()
    assert not Event.objects.filter(kind__startswith="information").exists()
    kept.refresh_from_db()
    assert kept.state == "failed" and kept.xlsx == ""
    errors = kept.error_list
    assert [(e["row"], e["header"]) for e in errors] == [(3, "受領者"), (4, "作業場所")]
    assert "存在 しない" in errors[0]["message"] and "名簿" in errors[0]["message"]
    # Nothing of the person's data is stored in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT errors FROM ledgers_ledgerimport WHERE id = %s", [kept.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    # A file refused whole (here: no row at all) fails at its reading, before the transaction.
    empty = _queued(ledger, [], django_capture_on_commit_callbacks)
    assert import_runs.import_run(pk=empty.pk) == "failed"
    [error] = LedgerImport.objects.get(pk=empty.pk).error_list
    assert error["row"] == 0 and "行" in error["message"]


def test_an_unexpected_error_rolls_everything_back_and_says_so_without_codes(
    ledger, django_capture_on_commit_callbacks
):
    kept = _queued(ledger, [item_row(1), item_row(2)], django_capture_on_commit_callbacks)
    calls = []

    def record_then_break(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("relation ledgers_x does not exist")

    with mock.patch("ledgers.services.imports.record_event", side_effect=record_then_break):
        assert import_runs.import_run(pk=kept.pk) == "failed"
    assert calls and not InformationItem.objects.exists()
    [error] = LedgerImport.objects.get(pk=kept.pk).error_list
    assert error["message"] == "エラーのためファイルを取り込めませんでした。何も取り込んでいません。"


def test_the_uploader_who_can_no_longer_record_gets_nothing_imported(
    ledger, django_capture_on_commit_callbacks
):
    kept = _queued(ledger, [item_row(1)], django_capture_on_commit_callbacks)
    manager = ledger.side.contractor_admin
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert import_runs.import_run(pk=kept.pk) == "failed"
    assert not InformationItem.objects.exists()
    assert "記入できなくなった" in LedgerImport.objects.get(pk=kept.pk).error_list[0]["message"]


def test_the_sweep_keeps_applies_under_way_and_sends_lost_ones_again(
    ledger, django_capture_on_commit_callbacks
):
    kept = _queued(ledger, [item_row(1)], django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(hours=2)
    assert import_sweep(now=later) == 0  # queued: its apply is still to come
    with mock.patch.object(import_runs, "_publish") as publish:
        assert import_runs.import_republish(now=later) == 1
    publish.assert_called_once_with(kept.pk)
    assert import_runs.import_run(pk=kept.pk) == "done"
    assert import_sweep(now=later) == 1

"""The preview and the apply of a ledger import in Celery (ledgers.services.import_runs,
ledgers.tasks): queued on commit, previewed and applied once however often the task runs, all
rows or none, the preview and the errors kept (encrypted) for the person, the apply only from a
preview without errors, and the sweep that sends again what was lost."""

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


def _uploaded(ledger, rows, capture, *, ip: str = "192.0.2.7") -> LedgerImport:
    """Upload a file as the view does: kept, and its preview's task published on commit."""
    manager = ledger.side.contractor_admin
    token = set_request_context(RequestContext(ip=ip, organisation_id=manager.organisation_id))
    try:
        with capture(execute=False) as published:
            kept = import_upload(
                contract=ledger.contract,
                ledger="information",
                file_name="台帳.xlsx",
                data=xlsx(INFO_HEADERS, rows),
                language="ja",
                **m(manager),
            )
    finally:
        reset_request_context(token)
    assert kept.state == "to_check" and len(published) == 1
    return kept


def _queued(ledger, rows, capture, *, ip: str = "192.0.2.7") -> LedgerImport:
    manager = ledger.side.contractor_admin
    kept = _uploaded(ledger, rows, capture, ip=ip)
    assert import_runs.import_check(pk=kept.pk) == "previewed"
    kept.refresh_from_db()
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


def _queued_since_changed(ledger, rows, capture) -> LedgerImport:
    """A file queued for its apply whose rows no longer pass, as when the records changed after
    its preview (its preview is skipped here: it would have refused the file)."""
    kept = _uploaded(ledger, rows, capture)
    LedgerImport.objects.filter(pk=kept.pk).update(state="queued")
    return kept


def test_the_preview_runs_once_in_the_task_enters_nothing_and_keeps_the_rows_encrypted(
    ledger, django_capture_on_commit_callbacks
):
    kept = _uploaded(ledger, [item_row(1), item_row(2)], django_capture_on_commit_callbacks)
    before = Event.objects.count()
    assert tasks.preview_ledger_import.apply(kwargs={"import_id": kept.pk}).get() == "previewed"
    # A second delivery (acks_late after a lost ack) finds it previewed and runs nothing.
    with mock.patch("ledgers.services.import_runs.ledger_import_run") as run:
        assert tasks.preview_ledger_import.apply(kwargs={"import_id": kept.pk}).get() == "skipped"
    run.assert_not_called()
    # The dry run's entries and events were rolled back; the file stays for the apply.
    assert not InformationItem.objects.exists() and Event.objects.count() == before
    kept.refresh_from_db()
    assert (kept.state, kept.total_rows, kept.attempts) == ("previewed", 2, 1) and kept.xlsx
    assert [(r["row"], r["number"]) for r in kept.preview_rows] == [(2, 1), (3, 2)]
    assert "住民票データ 2" in kept.preview_rows[1]["cells"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT preview FROM ledgers_ledgerimport WHERE id = %s", [kept.pk])
        assert cursor.fetchone()[0].startswith("enc1:")


def test_a_preview_with_errors_fails_and_cannot_be_applied(ledger, django_capture_on_commit_callbacks):
    manager = ledger.side.contractor_admin
    kept = _uploaded(
        ledger, [item_row(1), item_row(2, person="存在 しない")], django_capture_on_commit_callbacks
    )
    # Asking for the apply before the preview has run changes nothing.
    assert import_runs.import_queue(ledger_import=kept, language="ja", **m(manager)).state == "to_check"
    with translation.override("en"):  # the worker writes in the language the person asked in
        assert import_runs.import_check(pk=kept.pk) == "failed"
    kept.refresh_from_db()
    assert kept.state == "failed" and kept.xlsx == "" and kept.preview_rows == []
    [error] = kept.error_list
    assert error["row"] == 3 and "名簿" in error["message"]
    with django_capture_on_commit_callbacks(execute=False) as published:
        assert import_runs.import_queue(ledger_import=kept, language="ja", **m(manager)).state == "failed"
    assert published == [] and not InformationItem.objects.exists()


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
    assert kept.attempts == 1 and kept.xlsx == kept.preview == "" and kept.finished_at


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
    with mock.patch.object(import_runs, "publish") as publish:
        assert import_runs.import_republish() == 1
    publish.assert_called_once_with(kept.pk, import_runs.APPLY)
    assert import_runs.import_run(pk=kept.pk) == "done"
    assert InformationItem.objects.count() == 1
    assert LedgerImport.objects.get(pk=kept.pk).attempts == 2


def test_a_failed_apply_enters_nothing_and_keeps_every_error_for_the_person(
    ledger, django_capture_on_commit_callbacks
):
    rows = [item_row(1), item_row(2, person="存在 しない"), item_row(3, site="どこか")]
    kept = _queued_since_changed(ledger, rows, django_capture_on_commit_callbacks)
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
    empty = _uploaded(ledger, [], django_capture_on_commit_callbacks)
    assert import_runs.import_check(pk=empty.pk) == "failed"
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
    # A new upload leaves the queued apply alone; it waits for its own preview.
    waiting = _uploaded(ledger, [item_row(2)], django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(hours=2)
    assert import_sweep(now=later) == 0  # one waits for its preview, one for its apply
    with mock.patch.object(import_runs, "publish") as publish:
        assert import_runs.import_republish(now=later) == 2
    assert {call.args for call in publish.call_args_list} == {
        (waiting.pk, import_runs.PREVIEW),
        (kept.pk, import_runs.APPLY),
    }
    assert import_runs.import_run(pk=kept.pk) == "done"
    assert import_sweep(now=later) == 1

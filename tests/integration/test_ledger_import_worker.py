"""A ledger file uploaded and applied in the portal is previewed and then entered by a real Celery
worker (Redis, PostgreSQL): each request only queues a run, the worker previews the file (rolled
back), then enters every row, and a second delivery of either task does nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledgers import tasks
from ledgers.models import InformationItem, LedgerImport
from tests.ledgers.conftest import build_ledger
from tests.ledgers.test_import import INFO_HEADERS, item_row, xlsx

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_worker_previews_then_applies_the_upload_once_and_the_uploader_sees_it_done(
    celery_worker, broker, client, monkeypatch
):
    ledger = build_ledger("iw", "働")
    # The requests publish after commit, as in production; only the queue is the test worker's.
    for task in (tasks.preview_ledger_import, tasks.apply_ledger_import):
        monkeypatch.setattr(
            task, "delay", lambda task=task, **kw: broker.send(task, kwargs=kw, queue=celery_worker.queue)
        )
    client.force_login(ledger.side.contractor_admin.user)
    data = xlsx(INFO_HEADERS, [item_row(n) for n in range(1, 6)])
    response = client.post(
        reverse("ledgers:information_import", args=[ledger.contract.pk]),
        {"file": SimpleUploadedFile("台帳.xlsx", data)},
    )
    kept = LedgerImport.objects.get()
    assert response.url == reverse("ledgers:import_status", args=[kept.pk])
    previewed = celery_worker.wait_for(
        lambda: LedgerImport.objects.filter(pk=kept.pk, state="previewed").first(),
        timeout=90,
        what="the upload to be previewed",
    )
    assert len(previewed.preview_rows) == 5 and not InformationItem.objects.exists()
    assert "ledgers.tasks.preview_ledger_import" in celery_worker.log_tail(200)
    page = client.get(response.url).content.decode()
    assert "住民票データ 5" in page and "この内容で取り込む" in page
    again = broker.send(tasks.preview_ledger_import, kwargs={"import_id": kept.pk}, queue=celery_worker.queue)
    assert again.get(timeout=30) == "skipped"
    response = client.post(reverse("ledgers:import_apply", args=[kept.pk]))
    assert response.url == reverse("ledgers:import_status", args=[kept.pk])

    done = celery_worker.wait_for(
        lambda: LedgerImport.objects.filter(pk=kept.pk, state="done").first(),
        timeout=90,
        what="the import to be applied",
    )
    assert (done.imported_rows, done.attempts) == (5, 1)
    assert "ledgers.tasks.apply_ledger_import" in celery_worker.log_tail(200)
    assert sorted(InformationItem.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    page = client.get(reverse("ledgers:import_status", args=[kept.pk])).content.decode()
    assert "完了" in page and "5行" in page
    # A second delivery of the same task (acks_late, a redelivery) enters nothing.
    again = broker.send(tasks.apply_ledger_import, kwargs={"import_id": kept.pk}, queue=celery_worker.queue)
    assert again.get(timeout=30) == "skipped"
    assert InformationItem.objects.count() == 5

"""The import pages (ledgers.views.imports): upload (the preview queued for Celery, run on commit:
eagerly here) → the status page showing the preview → apply (queued the same way) → its status,
or discard; the file kept only for its uploader and only until the apply has run, the preview
never run in the request, the status page's queries while waiting, previewed and failed, and the
device ledger's xlsx and PDF downloads."""

from __future__ import annotations

import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Event
from core.spreadsheets import parse_rows
from ledgers.models import Device, InformationItem, LedgerImport
from ledgers.spreadsheets.devices import DEVICE_SPEC
from tests.ledgers.conftest import OFFICE_NAME
from tests.ledgers.test_import import DEVICE_HEADERS, INFO_HEADERS, device_row, item_row, xlsx

XLSX_NAME = "台帳.xlsx"


def _upload(client, ledger, data: bytes, name: str = XLSX_NAME, kind: str = "information", capture=None):
    """POST the file; with `capture`, its preview's task (published on commit) runs then."""
    url = reverse(
        f"ledgers:{'device' if kind == 'devices' else 'information'}_import", args=[ledger.contract.pk]
    )
    if capture is None:
        return client.post(url, {"file": SimpleUploadedFile(name, data)})
    with capture(execute=True):
        return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _apply(client, kept, capture, *, execute: bool = True):
    """POST the apply; the task is published on commit and (eager in tests) runs then."""
    with capture(execute=execute) as published:
        response = client.post(reverse("ledgers:import_apply", args=[kept.pk]))
    assert response.status_code == 302
    assert response.url == reverse("ledgers:import_status", args=[kept.pk])
    return published


def test_upload_preview_and_apply_enter_the_rows_and_empty_the_file(
    client, ledger, django_capture_on_commit_callbacks
):
    client.force_login(ledger.side.contractor_admin.user)
    page = client.get(reverse("ledgers:information_list", args=[ledger.contract.pk])).content.decode()
    assert reverse("ledgers:information_import", args=[ledger.contract.pk]) in page
    form = client.get(reverse("ledgers:information_import", args=[ledger.contract.pk])).content.decode()
    assert reverse("ledgers:information_import_template", args=[ledger.contract.pk]) in form
    template = client.get(reverse("ledgers:information_import_template", args=[ledger.contract.pk]))
    assert load_workbook(io.BytesIO(template.content)).sheetnames[:2] == [
        "情報管理台帳（取込み）",
        "記入方法",
    ]

    capture = django_capture_on_commit_callbacks
    response = _upload(client, ledger, xlsx(INFO_HEADERS, [item_row(1), item_row(2)]), capture=capture)
    kept = LedgerImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledgers:import_status", args=[kept.pk])
    preview = client.get(response.url)
    assert preview.status_code == 200 and [r["number"] for r in preview.context["rows"]] == [1, 2]
    page = preview.content.decode()
    assert "住民票データ 2" in page and "確認済み" in page and "hx-trigger" not in page
    assert reverse("ledgers:import_apply", args=[kept.pk]) in page and not InformationItem.objects.exists()

    _apply(client, kept, django_capture_on_commit_callbacks)
    assert InformationItem.objects.count() == 2
    kept.refresh_from_db()
    assert (kept.state, kept.imported_rows, kept.xlsx) == ("done", 2, "")
    status = client.get(reverse("ledgers:import_status", args=[kept.pk])).content.decode()
    assert "完了" in status and "2行" in status and "hx-trigger" not in status
    assert reverse("ledgers:information_list", args=[ledger.contract.pk]) in status
    # A second apply does nothing.
    assert _apply(client, kept, django_capture_on_commit_callbacks) == []
    assert InformationItem.objects.count() == 2


def test_errors_are_shown_by_row_and_column_and_discarding_keeps_nothing(
    client, ledger, django_capture_on_commit_callbacks
):
    client.force_login(ledger.side.contractor_staff.user)
    capture = django_capture_on_commit_callbacks
    response = _upload(client, ledger, xlsx(INFO_HEADERS, [item_row(1, count="多数")]), capture=capture)
    status = client.get(response.url).content.decode()
    assert "失敗" in status and "件数" in status and "何も取り込んでいません" in status
    assert reverse("ledgers:import_apply", args=[LedgerImport.objects.get().pk]) not in status
    kept = LedgerImport.objects.get()
    # Applying a file whose preview found errors is refused: nothing queued, nothing entered.
    assert _apply(client, kept, django_capture_on_commit_callbacks) == []
    assert not InformationItem.objects.exists() and LedgerImport.objects.get().state == "failed"
    response = client.post(reverse("ledgers:import_discard", args=[kept.pk]))
    assert response.status_code == 302 and not LedgerImport.objects.exists()
    # Only an .xlsx within the limit is taken at all.
    response = _upload(client, ledger, b"a,b\n", name="ledger.csv")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not LedgerImport.objects.exists()


def test_the_file_is_its_uploaders_alone(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    _upload(client, ledger, xlsx(INFO_HEADERS, [item_row(1)]))
    kept = LedgerImport.objects.get()
    with connection.cursor() as cursor:
        # Encrypted at rest under the contract's data key.
        cursor.execute("SELECT xlsx FROM ledgers_ledgerimport WHERE id = %s", [kept.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    for other in (ledger.side.contractor_staff, ledger.side.client_admin):
        client.force_login(other.user)
        assert client.post(reverse("ledgers:import_apply", args=[kept.pk])).status_code == 404
        assert client.get(reverse("ledgers:import_status", args=[kept.pk])).status_code == 404
    client.force_login(ledger.side.client_staff.user)
    assert client.get(reverse("ledgers:information_import", args=[ledger.contract.pk])).status_code == 404
    assert LedgerImport.objects.count() == 1 and not InformationItem.objects.exists()


def test_the_upload_only_queues_the_preview_which_runs_in_the_task(
    client, ledger, django_capture_on_commit_callbacks
):
    client.force_login(ledger.side.contractor_admin.user)
    rows = [item_row(n) for n in range(1, 4)]
    with mock.patch("ledgers.services.import_runs.ledger_import_run") as dry_run:
        with django_capture_on_commit_callbacks(execute=False) as published:
            response = _upload(client, ledger, xlsx(INFO_HEADERS, rows))
        # The request kept the file and published the task: no row went through the services.
        dry_run.assert_not_called()
    kept = LedgerImport.objects.get()
    assert response.url == reverse("ledgers:import_status", args=[kept.pk]) and len(published) == 1
    assert (kept.state, kept.preview, kept.total_rows, kept.language) == ("to_check", "", None, "ja")
    page = client.get(response.url).content.decode()
    assert "確認中" in page and 'hx-trigger="every 2s"' in page and "住民票データ" not in page
    assert not Event.objects.filter(kind="ledger_import.viewed").exists()  # no name shown yet
    # The published callback is the task's: run, it previews the file.
    published[0]()
    assert LedgerImport.objects.get().state == "previewed"


def _previewed_status_queries(client, ledger, capture, django_assert_num_queries, rows: int) -> None:
    LedgerImport.objects.all().delete()
    data = xlsx(INFO_HEADERS, [item_row(n) for n in range(1, rows + 1)])
    _upload(client, ledger, data, capture=capture)
    url = reverse("ledgers:import_status", args=[LedgerImport.objects.get().pk])
    with django_assert_num_queries(PREVIEWED_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == rows


# The session, the user, the membership (3, the middleware); the import without its file, with
# its contract and data key (1); the keeping parties (1); the read on the record — its savepoint,
# the audit trail's lock, last hash and insert, and the release (5); the unread bell (1); the
# session's refresh (3). The rows come decrypted with the import's row: none costs a query.
PREVIEWED_QUERIES = 14


def test_the_status_pages_queries_in_its_preview_state_are_fixed_and_the_read_recorded(
    client, ledger, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(ledger.side.contractor_admin.user)
    for rows in (1, 5):
        _previewed_status_queries(
            client, ledger, django_capture_on_commit_callbacks, django_assert_num_queries, rows
        )
    read = Event.objects.filter(kind="ledger_import.viewed").latest("pk")
    assert (read.contract_id, read.data) == (ledger.contract.pk, {"ledger": "information", "rows": 5})
    # Once per response that shows the rows (the page, or the poll that brought them).
    kept = LedgerImport.objects.get()
    client.get(reverse("ledgers:import_status", args=[kept.pk]), HTTP_HX_REQUEST="true")
    assert Event.objects.filter(kind="ledger_import.viewed", object_id=str(kept.pk)).count() == 2


def test_the_status_polls_while_waiting_works_without_javascript_and_its_queries_are_fixed(
    client, ledger, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(ledger.side.contractor_admin.user)
    capture = django_capture_on_commit_callbacks
    _upload(client, ledger, xlsx(INFO_HEADERS, [item_row(n) for n in range(1, 4)]), capture=capture)
    kept = LedgerImport.objects.get()
    published = _apply(client, kept, django_capture_on_commit_callbacks, execute=False)
    assert len(published) == 1
    url = reverse("ledgers:import_status", args=[kept.pk])
    page = client.get(url).content.decode()
    assert "待機中" in page and 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert f'<a href="{url}">' in page  # the plain reload link
    # The session, the user, the membership (3, the middleware); the import without its file,
    # with its contract and data key (1); the keeping parties (1); the unread bell (1); the
    # session's refresh (3). It reads no row of the ledger, so it records no read.
    with django_assert_num_queries(9):
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"') and "<html" not in fragment
    with django_assert_num_queries(9):
        client.get(url)
    LedgerImport.objects.filter(pk=kept.pk).update(state="running", stage="entering", total_rows=3)
    assert "ファイルの3行を台帳に記入しています" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # Failed, with its errors, which quote the file: no polling any more, and the read is on the
    # record (its savepoint, the audit trail's lock, last hash and insert, and the release: 5).
    kept.refresh_from_db()
    kept.state, kept.errors = "failed", '[{"row": 2, "column": "D", "header": "件数", "message": "数字で"}]'
    kept.save()
    with django_assert_num_queries(14):
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "件数" in fragment and "数字で" in fragment
    read = Event.objects.filter(kind="ledger_import.viewed").latest("pk")
    assert (read.object_id, read.contract_id, read.data) == (
        str(kept.pk),
        ledger.contract.pk,
        {"ledger": "information", "errors": 1},
    )


def test_the_device_ledger_downloads_as_xlsx_in_the_imports_layout_and_as_pdf(
    client, ledger, django_capture_on_commit_callbacks
):
    client.force_login(ledger.side.contractor_admin.user)
    capture = django_capture_on_commit_callbacks
    _upload(client, ledger, xlsx(DEVICE_HEADERS, [device_row("PC-001")]), kind="devices", capture=capture)
    _apply(client, LedgerImport.objects.get(), django_capture_on_commit_callbacks)
    assert Device.objects.count() == 1
    client.force_login(ledger.side.client_staff.user)
    response = client.get(reverse("ledgers:device_ledger_xlsx", args=[ledger.contract.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    [row] = parse_rows(DEVICE_SPEC, response.content).rows
    assert (row["asset_number"], row["kind"], row["worksite"]) == ("PC-001", "pc", OFFICE_NAME)
    with mock.patch("core.pdf.render_form", return_value=b"%PDF-1.7 test") as render:
        response = client.get(reverse("ledgers:device_ledger_pdf", args=[ledger.contract.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert [r["asset_number"] for r in render.call_args.args[1]["rows"]] == ["PC-001"]
    formats = [e.data.get("format") for e in Event.objects.filter(kind="device_ledger.viewed").order_by("pk")]
    assert formats[-2:] == ["xlsx", "pdf"]

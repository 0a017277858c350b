"""The information ledger imported from Excel in the browser: the contractor's manager uploads the
file, waits on the status page — refreshed by htmx, no reload — while the worker checks it, reads
the preview there, applies it, and waits again until the worker has entered the rows, then finds
them on the ledger."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ledgers.models import InformationItem, LedgerImport
from ledgers.services import import_runs
from tests import factories
from tests.browser.conftest import login
from tests.ledgers.conftest import build_ledger
from tests.ledgers.test_import import INFO_HEADERS, item_row, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_manager_imports_the_ledger_and_waits_for_the_worker(
    page, live_server, shot, tmp_path, monkeypatch
):
    ledger = build_ledger("ib", "込")
    # The worker is this test: the upload and the apply only queue a run, so the page waits.
    published = []
    monkeypatch.setattr(import_runs, "publish", lambda pk, run: published.append((pk, run)))
    sheet = tmp_path / "台帳.xlsx"
    sheet.write_bytes(xlsx(INFO_HEADERS, [item_row(1), item_row(2)]))

    login(page, live_server, ledger.side.contractor_admin.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{ledger.contract.pk}/information/")
    page.get_by_role("link", name="Excelから取り込む").click()
    page.locator('input[name="file"]').set_input_files(str(sheet))
    with page.expect_navigation():
        page.get_by_role("button", name="ファイルを確認する").click()

    kept = LedgerImport.objects.get()
    assert published == [(kept.pk, import_runs.PREVIEW)]
    status = page.locator("#import-status")
    expect(status.get_by_test_id("import-state")).to_have_text("確認中")
    assert import_runs.import_check(pk=kept.pk) == "previewed"
    # htmx brings the preview, with its buttons, without a reload.
    expect(status).to_contain_text("住民票データ 2", timeout=10_000)
    shot("previewed")
    with page.expect_navigation():
        status.get_by_role("button", name="この内容で取り込む").click()

    assert published[1:] == [(kept.pk, import_runs.APPLY)] and not InformationItem.objects.exists()
    expect(status.get_by_test_id("import-state")).to_have_text("待機中")
    expect(status.get_by_role("link", name="このページを再読み込み")).to_be_visible()
    shot("waiting")

    assert import_runs.import_run(pk=kept.pk) == "done"
    # htmx polls the fragment: the outcome appears without a reload.
    expect(status.get_by_test_id("import-state")).to_have_text("完了", timeout=10_000)
    expect(status).to_contain_text("2行を取り込みました")
    shot("done")
    with page.expect_navigation():
        status.get_by_role("link", name="情報の管理台帳を開く").click()
    expect(page.locator("main")).to_contain_text("住民票データ 1")
    assert InformationItem.objects.count() == 2

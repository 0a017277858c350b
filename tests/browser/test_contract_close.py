"""A contract's close in the browser: the public body's manager opens 契約の終了処理 from the
ended contract's page, sees what is still held, closes it with a reason, then issues the
portal's certificate of erasure and downloads it as a PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Contract
from contracts.services import contract_end
from core.models import Event
from ledgers.services.information import information_receive
from tests import factories
from tests.browser.conftest import login
from tests.ledgers.conftest import m
from tests.ledgers.test_device_services import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "住民税課税台帳（抽出データ）"


def test_the_body_closes_an_ended_contract_with_a_reason_and_downloads_its_erasure_certificate(
    page, live_server, shot
):
    world = build_world("002-")
    contract, side = world["contract"], world["side"]
    information_receive(
        contract=contract,
        title=TITLE,
        source="所沢市 市民税課",
        classification="personal",
        medium="paper",
        person=world["worker"],
        counterpart="市民税課 受渡 明子",
        worksite=world["office"],
        storage_place="書庫A",
        occurred_at=timezone.now(),
        **m(side.contractor_admin),
    )
    contract_end(contract=contract, **m(side.client_admin))

    login(page, live_server, side.client_admin.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="契約の終了処理").click()
    expect(page.get_by_role("heading", name="契約の終了処理", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="まだ保有している情報")).to_be_visible()
    expect(page.get_by_role("link", name=f"第1号 {TITLE}", exact=False)).to_be_visible()
    shot("close-page")
    # Without a reason the close is refused at the field.
    with page.expect_navigation():
        page.get_by_role("button", name="理由を記録して終了処理を行う").click()
    expect(page.get_by_text("それでも終了する理由を記入してください")).to_be_visible()
    page.get_by_label("未了事項があるまま終了する理由").fill("紙の台帳は発注者が直接回収したため")
    with page.expect_navigation():
        page.get_by_role("button", name="理由を記録して終了処理を行う").click()
    expect(page.get_by_role("heading", name="消去証明書", level=1)).to_be_visible()
    assert Contract.objects.get(pk=contract.pk).status == "closed"
    expect(page.get_by_text("証明書はまだ発行されていません", exact=False)).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="消去証明書を発行する").click()
    shot("erasure-page")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=False).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Event.objects.filter(kind="file.downloaded", contract_id=contract.pk).count() == 1
    # The contract's page says it is closed and offers nothing to change.
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    expect(page.locator("h1 .badge")).to_have_text("終了処理済み")
    expect(page.get_by_role("link", name="取扱条件を変更する")).to_have_count(0)

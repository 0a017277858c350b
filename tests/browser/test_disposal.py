"""A disposal in the browser (002 §15.2–15.5): the contractor's manager applies from the item's
page for the erasure of an item; the public body's staff finds the application on the home page
and approves it; the manager records the erasure under it with the public body's witness and
issues the certificate of return or disposal, which downloads as a PDF; the auditor reads the
item's whole history, the application named on the erasure."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Event
from ledgers.models import DisposalRequest
from ledgers.services.information import information_receive
from tests import factories
from tests.browser.conftest import login, logout
from tests.ledgers.conftest import m
from tests.ledgers.test_device_services import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "滞納者一覧（抽出データ）"
WITNESS = "市民税課 山田"


def _fill_now(form) -> None:
    time.sleep(1)  # a step comes after the one before it
    now = timezone.localtime()
    form.get_by_label("日付").fill(now.date().isoformat())
    form.get_by_label("時刻").fill(now.strftime("%H:%M:%S"))


def test_a_disposal_is_applied_for_approved_recorded_with_a_witness_and_certified(page, live_server, shot):
    world = build_world("002-")
    contract, side = world["contract"], world["side"]
    manager, staff = side.contractor_admin, side.client_staff
    item = information_receive(
        contract=contract,
        title=TITLE,
        source="所沢市 市民税課",
        classification="personal",
        medium="electronic",
        person=world["worker"],
        counterpart="市民税課 山田",
        worksite=world["office"],
        storage_place="書庫A",
        occurred_at=timezone.now() - timedelta(days=3),
        **m(manager),
    ).item

    # The manager applies for the erasure from the item's page.
    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/information/{item.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="返還・廃棄を申請").click()
    form = page.locator("main form.card")
    form.get_by_label(re.compile(TITLE)).check()
    form.get_by_label("方法").select_option(label="消去（復元できない方法）")
    form.get_by_label("目的・理由").fill("検証作業の終了により保管の必要がなくなったため")
    form.get_by_label("予定日").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    shot("apply")
    with page.expect_navigation():
        form.get_by_role("button", name="申請を保存").click()
    application = DisposalRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/requests/{application.pk}/$"))
    with page.expect_navigation():
        page.get_by_role("button", name="申請する").click()
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    logout(page)

    # The public body's staff finds it on the home page and approves it.
    login(page, live_server, staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("返還・廃棄の申請")).first.click()
    expect(page.locator("main")).to_contain_text(TITLE)
    shot("approve")
    with page.expect_navigation():
        page.get_by_role("button", name="承認する").click()
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    logout(page)

    # The manager records the erasure under it, witnessed, and issues the certificate.
    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/information/{item.pk}/record/?kind=erased")
    form = page.locator("main form.card")
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    form.get_by_label("方法").fill("専用ソフトによる上書き消去")
    form.get_by_label("承認済みの申請").select_option(str(application.pk))
    form.get_by_label("立会者").fill(WITNESS)
    _fill_now(form)
    shot("record")
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("消去")
    page.goto(f"{live_server.url}/requests/{application.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="証明書を発行する").click()
    expect(page.locator("main")).to_contain_text("返還・廃棄証明書を発行しました")
    shot("certified")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード（PDF）")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Event.objects.filter(kind="disposal.certificate_issued").count() == 1
    assert Event.objects.filter(kind="disposal.recorded", data__witnessed=True).count() == 1
    logout(page)

    # The auditor reads the item's history: the erasure names the application and the witness.
    login(page, live_server, side.auditor.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/information/{item.pk}/")
    history = page.locator("main")
    expect(history).to_contain_text(WITNESS)
    expect(history).to_contain_text("返還・廃棄の申請")
    shot("auditor")

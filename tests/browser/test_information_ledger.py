"""The information ledger (000 §5.6(4), 002 §10(3)) in the browser: the contractor's manager
follows the link from the contract's page, records an item received, takes it out under the
public body's approved request (refused first without it, at the field), records its return, and
the public body's auditor then reads the item's chain of custody with no button to record."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.models import InformationItem
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests import factories
from tests.browser.conftest import login, logout
from tests.ledgers.conftest import m
from tests.ledgers.test_device_services import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "住民税課税台帳（抽出データ）"


def _approve_takeout(world, item):
    manager = world["side"].contractor_admin
    request = takeout_request_create(
        contract=world["contract"],
        items=[item],
        person=world["worker"],
        purpose="市民税課での説明",
        destination="所沢市役所 会議室",
        planned_out_at=timezone.now() + timedelta(minutes=1),
        planned_return_at=timezone.now() + timedelta(hours=3),
        protection="施錠できるケースに入れて運ぶ",
        **m(manager),
    )
    takeout_request_act(request=request, action="submit", **m(manager))
    return takeout_request_act(request=request, action="approve", **m(world["side"].client_staff))


def _fill_now(form) -> None:
    """The date and time of this moment, to the second (a step comes after the one before it)."""
    time.sleep(1)
    now = timezone.localtime()
    form.get_by_label("日付").fill(now.date().isoformat())
    form.get_by_label("時刻").fill(now.strftime("%H:%M:%S"))


def test_the_contractor_keeps_the_custody_and_the_auditor_reads_it(page, live_server, shot):
    world = build_world("002-")  # 所沢市: each take-out approved in advance by the public body
    contract, manager, auditor = world["contract"], world["side"].contractor_admin, world["side"].auditor

    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="受領した情報とその管理の記録").click()
    expect(page).to_have_url(re.compile(rf"/contracts/{contract.pk}/information/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("情報管理台帳")
    with page.expect_navigation():
        page.get_by_role("link", name="情報の受領を記録").click()

    form = page.locator("main form.card")
    form.get_by_label("情報の名称").fill(TITLE)
    form.get_by_label("受領元").fill("所沢市 市民税課")
    form.get_by_label("件数（人数）").fill("1200")
    form.get_by_label("区分").select_option("personal")
    form.get_by_label("媒体").select_option("paper")
    form.get_by_label("受領者").select_option(label="佐藤 花子")
    form.get_by_label("相手方").fill("市民税課 山田")
    form.get_by_label("作業場所").select_option(label="本社 開発部")
    form.get_by_label("保管場所").fill("書庫A")
    form.get_by_label("佐藤 花子").check()
    with page.expect_navigation():
        form.get_by_role("button", name="受領を記録").click()
    item = InformationItem.objects.get()
    expect(page).to_have_url(re.compile(rf"/information/{item.pk}/$"))
    expect(page.locator("main")).to_contain_text(f"台帳番号1「{TITLE}」を情報管理台帳に記録しました")
    expect(page.locator("h1 .badge")).to_have_text("保管中")

    # A take-out without its approved request: refused at that field, nothing typed is lost.
    with page.expect_navigation():
        page.get_by_role("link", name="持出しを記録").click()
    form = page.locator("main form.card")
    # The short form of a take-out: its own fields only.
    expect(page.get_by_role("heading", level=1)).to_contain_text("持出しを記録")
    expect(form.get_by_label("保管場所")).to_have_count(0)
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    form.get_by_label("送付先・持出し先").fill("所沢市役所 会議室")
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    takeout_field = page.locator(".field--error").filter(has=page.locator("select[name=takeout]"))
    expect(takeout_field).to_have_count(1)
    expect(form.get_by_label("送付先・持出し先")).to_have_value("所沢市役所 会議室")
    shot("record_error")

    # Once approved, the request is offered and the take-out is recorded.
    _approve_takeout(world, item)
    page.reload()
    form = page.locator("main form.card")
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    form.get_by_label("送付先・持出し先").fill("所沢市役所 会議室")
    form.get_by_label("持出し申請").select_option(index=1)
    _fill_now(form)
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("持出し中")
    expect(page.get_by_role("link", name="発注者への返却を記録")).to_have_count(0)

    # Brought back: held again, and the next steps are those of an item at the work site.
    with page.expect_navigation():
        page.get_by_role("link", name="持出しからの返却を記録").click()
    form = page.locator("main form.card")
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    _fill_now(form)
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("保管中")
    expect(page.get_by_role("link", name="発注者への返却を記録")).to_have_count(1)
    logout(page)

    # The auditor reads the ledger and the item's chain of custody, with no button to record.
    login(page, live_server, auditor.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/information/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(TITLE)
    expect(rows.first).to_contain_text("保管中")
    expect(rows.first).to_contain_text("佐藤 花子")
    expect(page.get_by_role("link", name="情報の受領を記録")).to_have_count(0)
    shot("list")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    history = page.locator("section[aria-labelledby='h-history'] tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("受領")
    expect(history.nth(1)).to_contain_text("持出し")
    expect(history.nth(1)).to_contain_text("所沢市役所 会議室")
    expect(history.nth(2)).to_contain_text("持出しからの返却")
    expect(page.get_by_role("link", name="持出しからの返却を記録")).to_have_count(0)
    expect(page.get_by_role("link", name="持出しを記録")).to_have_count(0)
    expect(page.get_by_role("link", name="訂正")).to_have_count(0)
    shot("detail")

"""Take-out requests (持出し申請, 002 §12.1) in the browser: the contractor's manager requests the
take-out of an item from the item's page and submits it; the public body's staff finds it on the
home page and approves it; the manager records the take-out under it and the return; the
request's page then shows both, with its decisions."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.forms.information import JST
from ledgers.models import InformationItem, TakeoutRequest
from ledgers.services.information import information_receive
from tests import factories
from tests.browser.conftest import login, logout
from tests.ledgers.conftest import m
from tests.ledgers.test_device_services import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "住民税課税台帳（抽出データ）"
DESTINATION = "所沢市役所 会議室"


def _moment(minutes: int) -> str:
    return (timezone.now() + timedelta(minutes=minutes)).astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def _fill_now(form) -> None:
    """The date and time of this moment, to the second (a step comes after the one before it)."""
    time.sleep(1)
    now = timezone.localtime()
    form.get_by_label("日付").fill(now.date().isoformat())
    form.get_by_label("時刻").fill(now.strftime("%H:%M:%S"))


def test_a_take_out_is_requested_approved_carried_out_and_brought_back(page, live_server, shot):
    world = build_world("002-")  # 所沢市: each take-out approved in advance by the public body
    contract, manager, staff = world["contract"], world["side"].contractor_admin, world["side"].client_staff
    item = information_receive(
        contract=contract,
        title=TITLE,
        source="所沢市 市民税課",
        classification="personal",
        medium="paper",
        person=world["worker"],
        counterpart="市民税課 山田",
        worksite=world["office"],
        storage_place="書庫A",
        occurred_at=timezone.now() - timedelta(days=1),
        **m(manager),
    ).item

    # The contractor's manager requests the take-out from the item's page.
    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/information/{item.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="持出しを申請").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("持出しを申請")
    form = page.locator("main form.card")
    expect(form.get_by_label(f"1 {TITLE}")).to_be_checked()
    form.get_by_label("持出し者").select_option(label="佐藤 花子")
    form.get_by_label("目的").fill("市民税課での説明")
    form.get_by_label("持出し先").fill(DESTINATION)
    form.get_by_label("持出し予定日時").fill(_moment(2))
    form.get_by_label("返却予定日時").fill(_moment(180))
    form.get_by_label("保護の方法（暗号化・パスワード・施錠ケース等）").fill("施錠できるケースに入れて運ぶ")
    shot("form")
    with page.expect_navigation():
        form.get_by_role("button", name="申請を保存").click()
    takeout = TakeoutRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/takeouts/{takeout.pk}/$"))
    expect(page.locator("h1 .pill")).to_have_text("下書き")
    with page.expect_navigation():
        page.get_by_role("button", name="申請する").click()
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    expect(page.get_by_role("button", name="承認する")).to_have_count(0)
    logout(page)

    # The public body's staff finds it waiting on the home page and approves it on its page.
    login(page, live_server, staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="持出し申請 #1").click()
    expect(page.locator("main")).to_contain_text(DESTINATION)
    expect(page.locator("main")).to_contain_text(TITLE)
    shot("approve")
    with page.expect_navigation():
        page.get_by_role("button", name="承認する").click()
    expect(page.locator("main")).to_contain_text("持出し申請 #1を承認しました。")
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    logout(page)

    # The manager records the take-out under the approved request, then its return.
    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/takeouts/{takeout.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=f"持出しを記録 {TITLE}").click()
    form = page.locator("main form.card")
    expect(page.get_by_role("heading", level=1)).to_contain_text("持出しを記録")
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    form.get_by_label("送付先・持出し先").fill(DESTINATION)
    form.get_by_label("持出し申請", exact=True).select_option(str(takeout.pk))
    _fill_now(form)
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("持出し中")
    with page.expect_navigation():
        page.get_by_role("link", name="持出しからの返却を記録").click()
    form = page.locator("main form.card")
    form.get_by_label("実施者").select_option(label="佐藤 花子")
    _fill_now(form)
    with page.expect_navigation():
        form.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("保管中")

    # The request's page shows the take-out and the return, and its decisions.
    page.goto(f"{live_server.url}/takeouts/{takeout.pk}/")
    trips = page.locator("section[aria-labelledby='h-trips'] tbody tr")
    expect(trips).to_have_count(2)
    expect(trips.nth(0)).to_contain_text("持出し")
    expect(trips.nth(0)).to_contain_text(DESTINATION)
    expect(trips.nth(1)).to_contain_text("持出しからの返却")
    decisions = page.locator("section[aria-labelledby='h-decisions'] tbody tr")
    expect(decisions).to_have_count(3)
    expect(decisions.nth(2)).to_contain_text("承認")
    expect(page.locator("section[aria-labelledby='h-what']")).to_contain_text("保管中")
    # Used once: a new trip needs a new request, so none is offered under this one.
    expect(page.get_by_role("link", name=f"持出しを記録 {TITLE}")).to_have_count(0)
    assert InformationItem.objects.get().custody_events.filter(takeout=takeout).count() == 2
    shot("detail")
    page.goto(f"{live_server.url}/contracts/{contract.pk}/takeouts/")
    expect(page.locator("tbody tr")).to_have_count(1)
    shot("list")

"""An incident in the browser (001 §24, 004 §12): the contractor's worker reports a loss from the
home page's panel in one short form; the public body's staff finds it on its home page with its
age, acknowledges receipt and gives an instruction; the worker acknowledges the instruction.
axe-core on the report form and the incident's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from tests import factories
from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import assert_accessible
from tests.ledgers.conftest import build_ledger

pytestmark = pytest.mark.django_db(transaction=True)

WHAT = "USBメモリを紛失。申請書30件分の氏名・住所を保存していた"
INSTRUCTION = "紛失した媒体の暗号化の有無と、保存していた情報の一覧を本日中に報告すること"


def test_a_report_is_acknowledged_instructed_and_the_instruction_acknowledged(page, live_server, shot):
    ledger = build_ledger("bi", "事")
    contract, side = ledger.contract, ledger.side
    login(page, live_server, side.contractor_staff.user.email, factories.PASSWORD)
    panel = page.locator("section", has=page.get_by_role("heading", name="事故を報告する"))
    with page.expect_navigation():
        panel.get_by_role("link", name=re.compile(contract.number)).click()
    form = page.locator("main form.card")
    form.get_by_label("事故の種類").select_option(label="紛失")
    form.get_by_label("事故の内容").fill(WHAT)
    assert_accessible(page, "the first report")
    shot("report")
    with page.expect_navigation():
        form.get_by_role("button", name="報告を送信する").click()
    incident = Incident.objects.get()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/$"))
    expect(page.locator("main")).to_contain_text("発注者の受領確認待ち")
    logout(page)

    login(page, live_server, side.client_staff.user.email, factories.PASSWORD)
    panel = page.locator("section", has=page.get_by_role("heading", name="受領確認を待っている事故報告"))
    expect(panel).to_contain_text("0時間前")
    shot("home-panel")
    with page.expect_navigation():
        panel.get_by_role("link", name=re.compile("事故 第1号")).click()
    expect(page.locator("main")).to_contain_text(WHAT)
    with page.expect_navigation():
        page.get_by_role("button", name="受領を確認する").click()
    expect(page.locator("main")).to_contain_text("報告の受領を確認しました。")
    page.locator("main form.card", has=page.get_by_role("heading", name="指示する")).get_by_label(
        "指示"
    ).fill(INSTRUCTION)
    with page.expect_navigation():
        page.get_by_role("button", name="指示を記録する").click()
    expect(page.locator("main")).to_contain_text("指示の確認待ち")
    assert_accessible(page, "an incident's page (the public body)")
    shot("instructed")
    logout(page)

    login(page, live_server, side.contractor_staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    pending = page.locator("main form.card", has=page.get_by_role("heading", name="確認する指示"))
    expect(pending).to_contain_text(INSTRUCTION)
    pending.get_by_label("備考").fill("本日17時までに報告します")
    with page.expect_navigation():
        pending.get_by_role("button", name="指示を確認する").click()
    timeline = page.locator("main ol.timeline")
    expect(timeline).to_contain_text("指示の確認")
    expect(timeline).to_contain_text("本日17時までに報告します")
    expect(page.locator("main")).to_contain_text("受領確認済み")
    assert_accessible(page, "an incident's page (the contractor)")
    shot("acknowledged")

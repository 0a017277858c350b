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


def test_the_public_body_judges_a_breach_reportable_and_sees_its_two_dated_duties(page, live_server, shot):
    from datetime import timedelta

    from django.utils import timezone

    from clauses.library import LIBRARY_DIR
    from clauses.services import clause_template_load
    from core.wareki import format_wareki
    from incidents.services.incidents import incident_report

    clause_template_load(path=LIBRARY_DIR / "statutory-appi.yaml")  # adopted at activation
    ledger = build_ledger("ap", "個")
    contract, side = ledger.contract, ledger.side
    incident = incident_report(
        contract=contract,
        category="leak",
        found_at=timezone.now() - timedelta(hours=1),
        summary=WHAT,
        actor=side.contractor_staff.user,
        actor_membership=side.contractor_staff,
    )
    login(page, live_server, side.client_staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    section = page.locator("main section", has=page.get_by_role("heading", name="個人情報保護委員会への報告"))
    expect(section).to_contain_text("まだ")
    form = section.locator("form", has=page.get_by_role("heading", name="報告の要否を判断する"))
    form.get_by_label("要配慮個人情報が含まれる").check()
    form.get_by_label("本人の数（おそれのある人を含む）").fill("30")
    today = timezone.localdate()
    form.get_by_label("発注者が知った日").fill(today.isoformat())
    with page.expect_navigation():
        form.get_by_role("button", name="判断を記録する").click()
    expect(page.locator("main")).to_contain_text("判断を記録しました：報告対象です。")
    duties = section.locator("table")
    # Calendar days from the day the body became aware: 5 for the 速報, 30 for the 確報.
    expect(duties.locator("tr", has_text="速報")).to_contain_text(format_wareki(today + timedelta(days=5)))
    expect(duties.locator("tr", has_text="30日以内")).to_contain_text(
        format_wareki(today + timedelta(days=30))
    )
    assert_accessible(page, "an incident's page with its APPI judgement")
    shot("appi-judged")

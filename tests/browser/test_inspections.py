"""An inspection in the browser (002 §10(2)): the contractor's staff records an inspection from
the contract's empty list, the storage check with a finding to correct by a day; on the
inspection's page records its correction (是正を記録する); the auditor reads the inspection and its
correction. axe-core on the form and the inspection's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import Duty
from ledgers.models import Inspection
from tests import factories
from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import assert_accessible
from tests.ledgers.test_device_services import build_world

pytestmark = pytest.mark.django_db(transaction=True)

WHAT = "書庫Aの施錠が外れていた"


def test_an_inspection_with_a_finding_is_recorded_corrected_and_read(page, live_server, shot):
    world = build_world("002-")
    contract, side = world["contract"], world["side"]
    login(page, live_server, side.contractor_staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/inspections/")
    expect(page.locator("main")).to_contain_text("この契約の点検はまだ記録されていません。")
    with page.expect_navigation():
        page.get_by_role("link", name="点検を記録する").click()
    form = page.locator("main form.card")
    form.get_by_label("点検者").select_option(label="佐藤 花子")
    for check, result in (("保管状況", "指摘あり"), ("データの正確性", "異常なし")):
        form.get_by_role("group", name=re.compile(f"^{check}")).get_by_label(result).check()
    for check in ("バックアップの取得", "バックアップからの復元の確認"):
        form.get_by_role("group", name=re.compile(f"^{check}")).get_by_label("異常なし").check()
    first = form.locator("#findings .card").first
    first.get_by_label("指摘の項目").select_option(label="保管状況")
    first.get_by_label("指摘の内容").fill(WHAT)
    first.get_by_label("是正措置").fill("終業時に施錠を確認し、鍵の管理簿に記録する")
    first.get_by_label("是正期日").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    assert_accessible(page, "recording an inspection")
    shot("record")
    with page.expect_navigation():
        form.get_by_role("button", name="点検を記録する").click()
    inspection = Inspection.objects.get()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection.pk}/$"))
    expect(page.locator("main")).to_contain_text(WHAT)
    expect(page.locator("main")).to_contain_text("未是正")
    assert_accessible(page, "an inspection's page")
    with page.expect_navigation():
        page.get_by_role("link", name="是正を記録する").click()
    form = page.locator("main form.card")
    form.get_by_label("是正した者").select_option(label="佐藤 花子")
    form.get_by_label("是正の内容").fill("鍵の管理簿を作り、終業時の確認を始めた")
    with page.expect_navigation():
        form.get_by_role("button", name="是正を記録する").click()
    expect(page.locator("main")).to_contain_text("是正を記録しました。")
    shot("corrected")
    assert Duty.objects.get(obligation__key="10(2)-inspection-correction").state == Duty.State.FULFILLED
    logout(page)

    # The auditor reads the inspection and its correction, and is offered none.
    login(page, live_server, side.auditor.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    expect(page.locator("main")).to_contain_text("鍵の管理簿を作り")
    expect(page.get_by_role("link", name="是正を記録する")).to_have_count(0)
    shot("auditor")

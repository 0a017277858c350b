"""The device ledger (000 §5.3) in the browser: the contractor's manager follows the link from the
contract's page, registers a PC, is refused a private USB memory at the owner field with the
clause, and the public body's staff then read the PC in the ledger (with no button to register)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.wareki import format_wareki
from ledgers.models import Device
from ledgers.services.devices import device_register
from tests import factories
from tests.browser.conftest import login, logout
from tests.ledgers.conftest import OFFICE_NAME, TODAY, WORKER_NAME, build_ledger, m

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_contractor_keeps_the_ledger_and_the_public_body_reads_it(page, live_server, shot):
    ledger = build_ledger("lb", "帳")
    manager, staff = ledger.side.contractor_admin, ledger.side.client_staff
    # A PC entered earlier whose pattern file is out of date: the ledger marks it.
    device_register(
        contract=ledger.contract,
        asset_number="PC-OLD",
        kind="pc",
        maker="NEC",
        model_name="VersaPro",
        holder=ledger.worker,
        worksite=ledger.office,
        disk_encrypted=True,
        antivirus_product="ESET",
        antivirus_pattern_date=TODAY - timedelta(days=45),
        patched_on=TODAY - timedelta(days=5),
        no_unapproved_software=True,
        **m(manager),
    )

    login(page, live_server, manager.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{ledger.contract.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="業務に使用するパソコン等・記録媒体").click()
    expect(page).to_have_url(re.compile(rf"/contracts/{ledger.contract.pk}/devices/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("機器・媒体台帳")
    with page.expect_navigation():
        page.get_by_role("link", name="機器等を登録する").click()

    # A company PC, with its protection and the statements.
    form = page.locator("main form.card")
    form.get_by_label("資産番号").fill("PC-001")
    form.get_by_label("種別").select_option("pc")
    form.get_by_label("メーカー").fill("富士通")
    form.get_by_label("型番").fill("LIFEBOOK U9")
    form.get_by_label("保管者").select_option(label=WORKER_NAME)
    form.get_by_label("作業場所").select_option(label=OFFICE_NAME)
    form.get_by_label("保管場所").fill("書庫A")
    form.get_by_label("暗号化").check()
    form.get_by_label("ウイルス対策ソフト").fill("ウイルスバスター")
    form.get_by_label("パターンファイルの日付").fill((TODAY - timedelta(days=1)).isoformat())
    # The picked day is also said in 和暦 beside the picker (core/widgets.py, static/js/wareki.js).
    pattern = form.locator("span.date-field").filter(has=page.locator("input[name=antivirus_pattern_date]"))
    expect(pattern.locator("output")).to_have_text(
        format_wareki(TODAY - timedelta(days=1), with_weekday=True)
    )
    form.get_by_label("最終更新日（OS・ソフトウェア）").fill((TODAY - timedelta(days=7)).isoformat())
    form.get_by_label("ファイル共有ソフト等の未承認ソフトウェアなし").check()
    with page.expect_navigation():
        form.get_by_role("button", name="登録").click()
    expect(page).to_have_url(re.compile(rf"/contracts/{ledger.contract.pk}/devices/$"))
    expect(page.locator("main")).to_contain_text("PC-001を台帳に記録しました")
    expect(page.locator("tbody")).to_contain_text("LIFEBOOK U9")

    # A private USB memory: refused at the owner field, citing the clause; nothing is lost.
    with page.expect_navigation():
        page.get_by_role("link", name="機器等を登録する").click()
    form = page.locator("main form.card")
    form.get_by_label("資産番号").fill("USB-001")
    form.get_by_label("種別").select_option("usb_memory")
    form.get_by_label("所有").select_option("private")
    form.get_by_label("作業場所").select_option(label=OFFICE_NAME)
    with page.expect_navigation():
        form.get_by_role("button", name="登録").click()
    owner = page.locator(".field--error").filter(has=page.locator("select[name=owner]"))
    expect(owner).to_contain_text("私物の機器等は業務に使用できません（第5条第4項）")
    expect(form.get_by_label("資産番号")).to_have_value("USB-001")
    shot("form_error")
    assert list(Device.objects.values_list("asset_number", flat=True).order_by("asset_number")) == [
        "PC-001",
        "PC-OLD",
    ]
    logout(page)

    # The public body's staff read the ledger: the PC, the warning, no register button.
    login(page, live_server, staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/contracts/{ledger.contract.pk}/devices/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="PC-001")).to_contain_text(WORKER_NAME)
    expect(rows.filter(has_text="PC-OLD")).to_contain_text("パターンファイルが古い")
    expect(page.get_by_role("link", name="機器等を登録する")).to_have_count(0)
    shot("list")
    with page.expect_navigation():
        page.get_by_role("link", name="PC-001").click()
    expect(page.locator("section[aria-labelledby='h-history'] tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="変更を記録する")).to_have_count(0)
    shot("detail")

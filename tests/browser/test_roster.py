"""The roster in the browser, for the three roles: the contractor's manager builds it (by hand and
from Excel), collects pledges and submits; the approver returns it with a reason, then approves;
a change repeats the cycle; the auditor reads the roster as of a past date."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.models import RosterChange
from contracts.services import contract_activate, contract_create
from contracts.spreadsheets.roster import ROSTER_SPEC
from core.demo import DEMO_PASSWORD
from core.spreadsheets import build_template
from tests import factories
from tests.browser.conftest import login, logout
from tests.contracts.conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _submit_button(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_roster_journey_for_the_three_roles(page, live_server, shot, tmp_path):
    side = factories.side("q", "庚")
    for m in (side.contractor_admin, side.client_staff, side.auditor):
        m.user.set_password(DEMO_PASSWORD)
        m.user.save()
    template, _ = clause_template_load(
        path=next(LIBRARY_DIR.glob("002-*.yaml"))
    )  # prior approval (所沢市 §4)
    today = timezone.localdate()
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-ROSTER-UI",
        title="名簿ブラウザ確認業務",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=300),
        work_start_date=today - timedelta(days=10),
        clause_template=template,
    )
    contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=today - timedelta(days=20)
    )
    start = (today - timedelta(days=10)).isoformat()

    # --- the contractor's manager builds the roster ---
    login(page, live_server, side.contractor_admin.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/roster/")
    _submit_button(page, "名簿の変更を作成")
    page.get_by_role("link", name="従事者を追加").click()
    form = page.locator("main form")
    form.locator('input[name="full_name"]').fill("画面 責任者")
    form.locator('select[name="role"]').select_option("responsible")
    form.locator('input[name="start_date"]').fill(start)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    # The rest come from Excel.
    page.get_by_role("link", name="Excelから取り込む").click()
    wb = load_workbook(io.BytesIO(build_template(ROSTER_SPEC)))
    wb.worksheets[0].append(
        [
            "表計算 花子",
            "ひょうけいさん はなこ",
            "従事者",
            "社員",
            "運用部",
            "",
            "",
            today - timedelta(days=10),
            None,
            None,
            "",
        ]
    )
    sheet = tmp_path / "roster.xlsx"
    wb.save(sheet)
    page.locator('input[name="file"]').set_input_files(str(sheet))
    with page.expect_navigation():
        page.locator("main form").locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text("表計算 花子")
    shot("change-drafted")
    # Pledges for both, then submit.
    change = RosterChange.objects.get(contract=contract)
    pdf = tmp_path / "誓約書.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    for name in ("画面 責任者", "表計算 花子"):
        page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
        page.get_by_role("link", name=name, exact=True).click()
        page.locator('input[name="file"]').set_input_files(str(pdf))
        with page.expect_navigation():
            page.get_by_role("button", name="登録する").click()
        expect(page.locator("main")).to_contain_text("署名済みの誓約書を登録しました。")
    page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
    _submit_button(page, "承認を申請する")
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    logout(page)

    # --- the approver returns it with a reason ---
    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    expect(page.locator("#h-pending")).to_be_visible()
    page.get_by_role("link", name="名簿の変更 第1号").click()
    page.locator('textarea[name="reason"]').fill("担当業務を記入してください")
    _submit_button(page, "差し戻す")
    expect(page.locator("h1 .pill")).to_have_text("差戻し")
    shot("returned")
    logout(page)

    # --- the contractor sees why, and submits again ---
    login(page, live_server, side.contractor_admin.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
    expect(page.locator("main")).to_contain_text("担当業務を記入してください")
    _submit_button(page, "承認を申請する")
    logout(page)

    # --- the approver approves ---
    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
    _submit_button(page, "承認する")
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    logout(page)

    # --- a change request: the contractor extends the responsible person's period ---
    login(page, live_server, side.contractor_admin.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/roster/")
    _submit_button(page, "名簿の変更を作成")
    page.get_by_role("link", name="画面 責任者").click()
    page.locator('input[name="planned_end_date"]').fill((today + timedelta(days=200)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="変更に入れる").click()
    _submit_button(page, "承認を申請する")
    logout(page)
    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    page.get_by_role("link", name="名簿の変更 第2号").click()
    _submit_button(page, "承認する")
    logout(page)

    # --- the auditor reads the roster today, and as it was before the first approval ---
    login(page, live_server, side.auditor.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/roster/")
    table = page.locator("main table").first
    expect(table).to_contain_text("画面 責任者")
    expect(table).to_contain_text("表計算 花子")
    shot("auditor-today")
    page.locator('input[name="on"]').fill((today - timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="表示").click()
    expect(page.locator("main")).to_contain_text("その日の名簿に載っている従事者はいません。")
    shot("auditor-yesterday")

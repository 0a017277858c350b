"""A duty's document in the browser: the contractor's manager opens a duty that asks for a
document the public body must accept, submits a file with a comment; the public body's staff
member opens it from the duty, accepts it; the duty then reads 履行済み with the file listed, and
the auditor reads it all with nothing to press."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clauses.services import clause_template_load
from compliance.models import Duty, DutySubmission
from contracts.services import contract_activate, contract_create
from tests import factories
from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "compliance" / "data"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
COMMENT = "令和7年度の処理計画書です。日程は別紙のとおりです。"


def _duty(side) -> Duty:
    template, _ = clause_template_load(path=DATA / "submissions.yaml")
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-DOC-UI",
        title="書類提出ブラウザ確認業務",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        work_start_date=date(2025, 4, 14),
        clause_template=template,
        handles_personal_info=False,
    )
    contract = contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1)
    )
    return Duty.objects.get(contract=contract, obligation__key="1.2-processing-schedule")


def test_the_contractor_submits_a_document_and_the_public_body_accepts_it(page, live_server, shot, tmp_path):
    side = factories.side("d", "壬")
    duty = _duty(side)
    document = tmp_path / "処理計画書.pdf"
    document.write_bytes(PDF)
    login(page, live_server, side.contractor_admin.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="書類を提出する").click()
    main = page.locator("main")
    expect(main).to_contain_text("処理計画書")
    expect(main).to_contain_text("受理")
    expect(main).to_contain_text("令和7年")
    assert_accessible(page, "the submission page")
    shot("submit-page")
    page.locator('textarea[name="comment"]').fill(COMMENT)
    page.locator('input[name="files"]').set_input_files(str(document))
    with page.expect_navigation():
        page.get_by_role("button", name="提出する").click()
    expect(main).to_contain_text("受理を待っています")
    expect(main).to_contain_text("受理待ち")
    expect(page.get_by_role("link", name="処理計画書.pdf")).to_be_visible()
    shot("duty-page-submitted")
    logout(page)

    login(page, live_server, side.client_staff.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="第1版").click()
    expect(main).to_contain_text(COMMENT)
    assert_accessible(page, "the submitted document's page")
    shot("submission-page-client")
    with page.expect_navigation():
        page.get_by_role("button", name="承認").click()
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    assert DutySubmission.objects.get().approval_state == "approved"
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    expect(page.locator("main .pill--ok")).to_contain_text("履行済み")
    expect(main).to_contain_text("受理済み")
    expect(page.get_by_role("link", name="処理計画書.pdf")).to_be_visible()
    assert_accessible(page, "the duty page after the acceptance")
    shot("duty-page-accepted")
    logout(page)

    login(page, live_server, side.auditor.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    expect(page.get_by_role("link", name="書類を提出する")).to_have_count(0)
    expect(page.get_by_role("link", name="変更した書類を再提出する")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="処理計画書.pdf").click()
    assert download.value.suggested_filename == "処理計画書.pdf"
    shot("duty-page-auditor")

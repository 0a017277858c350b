"""Confirming a measure in the browser: the contractor's manager opens the duty, presses 確認する,
reads what is being confirmed, adds a comment and a file and confirms; the duty page then shows
the comment and the file, to the auditor as well, who downloads the file."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Attestation, Duty
from contracts.services import contract_activate, contract_create
from tests import factories
from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
COMMENT = "生成AIの利用は情報セキュリティ規程第12条で禁止し、全従事者に周知しています。"


def _duty(side) -> Duty:
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-ATTEST-UI",
        title="確認ブラウザ確認業務",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        work_start_date=date(2025, 4, 14),
        clause_template=template,
        handles_personal_info=True,
    )
    contract = contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1)
    )
    return Duty.objects.get(contract=contract, obligation__kind="no-generative-ai", cycle=1)


def test_the_contractor_confirms_with_a_comment_and_a_file_and_the_auditor_reads_it(
    page, live_server, shot, tmp_path
):
    side = factories.side("t", "癸")
    duty = _duty(side)
    evidence = tmp_path / "情報セキュリティ規程.pdf"
    evidence.write_bytes(PDF)

    login(page, live_server, side.contractor_admin.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    expect(page.locator("h1")).to_contain_text("第10条(7)")
    with page.expect_navigation():
        page.get_by_role("link", name="確認する").click()
    # The confirmation page says what is confirmed before anything is recorded.
    main = page.locator("main")
    expect(main).to_contain_text("R7-ATTEST-UI")
    expect(main).to_contain_text("第10条")
    expect(main).to_contain_text("常時（期限なし）")  # a standing measure: no date of its own
    assert not Attestation.objects.exists()
    assert_accessible(page, "the confirmation page")
    shot("confirmation-page")
    page.locator('textarea[name="statement"]').fill(COMMENT)
    page.locator('input[name="evidence"]').set_input_files(str(evidence))
    with page.expect_navigation():
        page.get_by_role("button", name="確認して登録する").click()

    expect(page.locator("main")).to_contain_text("確認を証跡ファイル1件とともに登録しました")
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.get_by_role("link", name="情報セキュリティ規程.pdf")).to_be_visible()
    expect(page.locator("main .pill--ok")).to_be_visible()
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    assert_accessible(page, "the duty page after the confirmation")
    shot("duty-page-confirmed")
    logout(page)

    login(page, live_server, side.auditor.user.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/duties/{duty.pk}/")
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.get_by_role("link", name="確認する")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="情報セキュリティ規程.pdf").click()
    assert download.value.suggested_filename == "情報セキュリティ規程.pdf"
    shot("duty-page-auditor")

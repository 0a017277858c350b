"""The duty engine in the browser: municipal staff registers and activates a contract, the
contractor meets a duty, the auditor sees the compliance overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override
from playwright.sync_api import expect

from clauses.models import ClauseTemplate
from clauses.services import clause_library_load
from compliance.models import Duty
from contracts.models import Contract
from core.audit import event_kind_label
from core.demo import DEMO_PASSWORD
from tests import factories
from tests.browser.conftest import login, logout

pytestmark = pytest.mark.django_db(transaction=True)
TOKOROZAWA = "tokorozawa-secret-and-personal-information"


def test_contract_from_registration_to_evidence_for_all_three_roles(page, live_server, shot):
    clause_library_load()
    side = factories.side("p", "己")
    for membership in (side.client_staff, side.contractor_admin, side.auditor):
        membership.user.set_password(DEMO_PASSWORD)
        membership.user.save()
    today = timezone.localdate()

    # Municipal staff registers the contract (a mistake first: it is kept and explained).
    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/new/")
    form = page.locator("main form")
    form.locator('input[name="number"]').fill("R7-BROWSER-1")
    form.locator('input[name="title"]').fill("窓口業務委託（ブラウザ確認）")
    form.locator('select[name="contractor"]').select_option(str(side.contractor.pk))
    # The shipped 所沢市 template in its latest version (a new data version must not break this).
    tokorozawa = ClauseTemplate.objects.filter(template_id=TOKOROZAWA).order_by("-loaded_at", "-pk").first()
    form.locator('select[name="clause_template"]').select_option(
        label=f"{tokorozawa.title}（{tokorozawa.version}）"
    )
    form.locator('input[name="start_date"]').fill((today - timedelta(days=30)).isoformat())
    form.locator('input[name="end_date"]').fill((today - timedelta(days=60)).isoformat())
    form.locator('input[name="work_start_date"]').fill((today - timedelta(days=20)).isoformat())
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator("#id_end_date_error")).to_be_visible()
    expect(page.locator('input[name="title"]')).to_have_value("窓口業務委託（ブラウザ確認）")
    shot("contract-form-error")
    page.locator('input[name="end_date"]').fill((today + timedelta(days=330)).isoformat())
    with page.expect_navigation():
        page.locator("main form").locator('button[type="submit"]').click()
    contract = Contract.objects.get(number="R7-BROWSER-1")
    assert contract.status == Contract.Status.DRAFT and contract.department == side.dept

    # Activation generates the dated duties of 所沢市's clauses.
    page.get_by_role("link", name="発効する（締結済み）").click()
    page.locator('input[name="signed_on"]').fill((today - timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.locator("main form").locator('button[type="submit"]').click()
    expect(page.locator("h1")).to_contain_text("R7-BROWSER-1")
    expect(page.locator(".pill--bad").first).to_be_visible()  # the work-start duties are overdue
    assert Duty.objects.filter(contract=contract).count() > 20
    shot("contract-active")
    logout(page)

    # The contractor confirms the generative-AI prohibition (所沢市 §10(7)).
    duty = Duty.objects.get(contract=contract, obligation__kind="no-generative-ai", cycle=1)
    login(page, live_server, side.contractor_admin.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/#duty-{duty.pk}")  # its article unfolds
    # The contract's page links to the confirmation page (compliance:duty_attest), which records it.
    with page.expect_navigation():
        page.locator(f"#duty-{duty.pk}").get_by_role("link", name="確認する").click()
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    page.goto(f"{live_server.url}/contracts/{contract.pk}/#duty-{duty.pk}")
    with override("ja"):
        expect(page.locator(f"#duty-{duty.pk}")).to_contain_text(event_kind_label("attestation.confirmed"))
    expect(page.locator(f"#duty-{duty.pk} .pill--ok")).to_be_visible()
    shot("duty-confirmed")
    logout(page)

    # The auditor sees the overview and the overdue list on the dashboard.
    login(page, live_server, side.auditor.user.email, DEMO_PASSWORD)
    expect(page.locator("#h-overview")).to_be_visible()
    expect(page.locator("section[aria-labelledby='h-overview'] tbody tr").first).to_contain_text(
        "R7-BROWSER-1"
    )
    shot("auditor-overview")

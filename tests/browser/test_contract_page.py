"""The contract's page in the browser: what needs action first, the articles folded, a filter,
the approver's pending item, and a page far shorter than the 11,000-pixel wall it was."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.selectors import status_by_contract
from contracts.services import training
from core.demo import DEMO_PASSWORD
from tests import factories
from tests.browser.conftest import login, logout
from tests.contracts.conftest import _contract

pytestmark = pytest.mark.django_db(transaction=True)

# The page was 11,000 to 15,000 pixels high with every article and duty unfolded.
SHORT = 5_000


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_contract_page_for_the_contractor_and_the_approver(page, live_server, shot):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    side = factories.side("q", "壬")
    for membership in (side.contractor_admin, side.client_staff):
        membership.user.set_password(DEMO_PASSWORD)
        membership.user.save()
    contract = _contract(side, template, "R7-PAGE-B")  # work started 20 days ago: duties overdue
    manager = side.contractor_admin
    plan = training.training_plan_create(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        period_start=contract.start_date,
        period_end=contract.end_date,
        content="情報セキュリティ教育",
    )
    training.training_plan_act(actor=manager.user, actor_membership=manager, plan=plan, action="submit")
    url = f"{live_server.url}/contracts/{contract.pk}/"

    # The contractor's manager: overdue duties first, every article folded.
    login(page, live_server, manager.user.email, DEMO_PASSWORD)
    page.goto(url)
    action = page.locator("section[aria-labelledby='h-action']")
    expect(action.get_by_role("heading", name="対応が必要なもの")).to_be_visible()
    expect(action.locator("tr.action-item--overdue").first).to_be_visible()
    expect(action).to_contain_text("7日以内")
    assert page.locator("details.clause[open]").count() == 0
    assert page.locator("details.clause").count() > 10
    height = _height(page)
    assert height < SHORT, height
    shot("contractor")

    # 第N条 in the list opens the folded article and lands on the duty's row.
    first = action.locator("tr.action-item--overdue a[href^='#duty-']").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(target)).to_be_visible()
    expect(page.locator(f"details.clause:has({target})")).to_have_attribute("open", "")

    # The item itself: the duty's own page.
    page.goto(url)
    with page.expect_navigation():
        action.locator("tr.action-item--overdue td:first-child a").first.click()
    expect(page).to_have_url(re.compile(r"/duties/\d+/$"))

    # Filter by status: only overdue duties are listed, their articles unfolded.
    page.goto(url)
    page.locator("#f-status").select_option("overdue")
    page.locator("form.duty-filters button[type=submit]").click()
    page.wait_for_url("**status=overdue**")
    clauses = page.locator("#clauses")
    expect(clauses.locator("details.clause[open]").first).to_be_visible()
    pills = clauses.locator("table.duties td:nth-child(3) .pill")
    assert pills.count() == status_by_contract([contract.pk])[contract.pk].overdue
    assert set(pills.all_inner_texts()) == {"期限超過"}
    shot("contractor-filtered")

    # Printing unfolds every article, also from the folded page.
    page.goto(url)
    folded_row = page.locator("details.clause:not([open]) table.duties tr[id^='duty-']").first
    expect(folded_row).to_be_hidden()
    page.emulate_media(media="print")
    expect(folded_row).to_be_visible()
    page.emulate_media(media="screen")
    logout(page)

    # The approver: the training plan waits for a decision on this contract.
    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    page.goto(url)
    row = page.locator("tr.approval-item")
    expect(row).to_contain_text("承認待ち")
    with page.expect_navigation():
        row.get_by_role("link").click()
    expect(page).to_have_url(live_server.url + reverse("contracts:training_plan", args=[plan.pk]))
    page.goto(url)
    height = _height(page)
    assert height < SHORT, height
    shot("approver")

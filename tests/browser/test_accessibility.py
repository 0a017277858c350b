"""axe-core on the portal's pages (JIS X 8341-3:2016 AA): no serious or critical violations.

axe-core ships inside axe-playwright-python and runs offline. A failure prints every violation
axe found on the page (all impacts), so the fix can be made in one go.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD, seed_demo
from core.models import Organisation, Role
from tests import factories
from tests.browser.conftest import login, logout

BLOCKING = {"serious", "critical"}
# WCAG 2.0/2.1 A and AA (what JIS X 8341-3:2016 AA maps to) plus axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}

_axe = Axe()


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    page.wait_for_load_state("load")
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, (
        f"axe-core: {len(blocking)} serious/critical violation(s) on {what} ({page.url}).\n"
        f"All violations:\n{_report(violations)}\n"
        f"Raw: {json.dumps([v['id'] for v in violations])}"
    )


def test_axe_reports_what_it_should(page, live_server):
    """A canary: if axe stopped running (not injected, wrong options), every test would pass."""
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<input type="text"><p style="color:#aaa;background:#fff">faint</p>')"""
    )
    found = {v["id"] for v in _axe.run(page, options=AXE_OPTIONS).response["violations"]}
    assert {"label", "color-contrast"} <= found, found


@pytest.fixture
def demo(db):
    return {d.login: d for d in seed_demo()}


def _nerima_admin(page, live_server):
    login(page, live_server, "nerima-admin@demo.example.jp", DEMO_PASSWORD)
    return Organisation.objects.get(name="練馬区")


def test_login_page(page, live_server, shot):
    page.goto(f"{live_server.url}/login/")
    shot("login")
    assert_accessible(page, "the login page")


def test_login_page_with_error(page, live_server):
    login(page, live_server, "nobody@example.jp", "wrong-password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "the login page with an error")


def _assert_tab_reaches_skip_link_first(page) -> None:
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_have_class("skip-link")
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_skip_link_is_the_first_tab_stop_on_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/login/")
    if page.locator("main [autofocus]").count():
        # The e-mail field takes the focus on load, so Tab goes on to the password field.
        pytest.xfail("core/forms.py EmailAuthenticationForm sets autofocus on the e-mail field")
    _assert_tab_reaches_skip_link_first(page)


def test_skip_link_is_the_first_tab_stop_after_login(page, live_server):
    membership = factories.member(factories.public_body("練馬区"), Role.CLIENT_ADMIN)
    login(page, live_server, membership.user.email, factories.PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    _assert_tab_reaches_skip_link_first(page)


@pytest.mark.parametrize(
    "email",
    [
        "admin@demo.example.jp",
        "nerima-admin@demo.example.jp",
        "nerima-staff@demo.example.jp",
        "nerima-auditor@demo.example.jp",
        "itsys-manager@demo.example.jp",
        "itsys-staff@demo.example.jp",
    ],
    ids=["site_admin", "client_admin", "client_staff", "auditor", "contractor_admin", "contractor_staff"],
)
def test_home_page_of_each_role(email, demo, page, live_server):
    login(page, live_server, email, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    assert_accessible(page, f"the home page of {demo[email].role}")


def test_organisation_detail_with_members(demo, page, live_server, shot):
    nerima = _nerima_admin(page, live_server)
    page.goto(f"{live_server.url}/organisations/{nerima.pk}/")
    expect(page.locator("#h-members ~ .table-wrap tbody tr")).to_have_count(3)
    shot("organisation")
    assert_accessible(page, "the organisation page")


def test_invite_form_with_errors(demo, page, live_server, shot):
    nerima = _nerima_admin(page, live_server)
    page.goto(f"{live_server.url}/organisations/{nerima.pk}/invite/")
    page.locator('main input[name="email"]').fill("not-an-address")
    page.locator("main form").get_by_role("button").click()
    expect(page.locator('input[name="email"]')).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    shot("invite-errors")
    assert_accessible(page, "the invite form with errors")


def test_contractor_invite_form_with_errors(demo, page, live_server):
    _nerima_admin(page, live_server)
    page.goto(f"{live_server.url}/contractors/invite/")
    page.locator("main form").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "the contractor invite form with errors")


def test_profile(demo, page, live_server):
    _nerima_admin(page, live_server)
    page.goto(f"{live_server.url}/profile/")
    assert_accessible(page, "the profile page")


def test_audit_trail(demo, page, live_server, shot):
    nerima = _nerima_admin(page, live_server)
    page.goto(f"{live_server.url}/organisations/{nerima.pk}/")  # something to show in the trail
    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("main table tbody tr").first).to_be_visible()
    shot("audit")
    assert_accessible(page, "the audit trail")


def test_not_found_page(demo, page, live_server):
    page.goto(f"{live_server.url}/no-such-page/")
    assert_accessible(page, "the 404 page (anonymous)")
    _nerima_admin(page, live_server)
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("navigation")).to_have_count(1)
    assert_accessible(page, "the 404 page (logged in)")


def test_people_and_places_pages(page, live_server, demo):
    """The contract, roster, roster change, person, work-site and training pages, as the
    contractor's manager and as the approver (demo data: 所沢市's roster waits for approval)."""
    from contracts.models import Contract, RosterChange

    contract = Contract.objects.get(number="R7-DEMO-002")
    change = RosterChange.objects.filter(contract=contract).first()
    person = change.entries.first().person
    login(page, live_server, "itsys-manager@demo.example.jp", DEMO_PASSWORD)
    for path, what in [
        (f"/contracts/{contract.pk}/", "contract page"),
        (f"/contracts/{contract.pk}/roster/", "roster"),
        (f"/roster-changes/{change.pk}/", "roster change (contractor)"),
        (f"/people/{person.pk}/pledge/", "person page"),
        (f"/contracts/{contract.pk}/worksites/", "work sites"),
        (f"/contracts/{contract.pk}/training/", "training"),
        (f"/roster-changes/{change.pk}/people/", "add-person form"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, what)
    logout(page)
    login(page, live_server, "tokorozawa-staff@demo.example.jp", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
    assert_accessible(page, "roster change (approver)")
    page.goto(f"{live_server.url}/people/{person.pk}/pledge/")
    assert_accessible(page, "person page (approver, flag form)")

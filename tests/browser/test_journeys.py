"""Each role's main journeys, driven through Chromium against the live server.

Expected texts come from the translation catalogue (``_ja``/``_en``), so the tests hold whether
or not the Japanese translations are compiled yet; structure is checked through URLs and names.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD, seed_demo
from core.models import Membership, Organisation, Role, User
from tests import factories
from tests.browser.conftest import login, logout


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def _ja(text) -> str:
    return _in("ja", text)


def _en(text) -> str:
    return _in("en", text)


# Which navigation links (by href) each role must and must not have. "{org}" is the own organisation.
ORG_LIST, INVITE_CONTRACTOR, AUDIT, PROFILE, NEW_BODY = (
    "/organisations/",
    "/contractors/invite/",
    "/audit/",
    "/profile/",
    "/organisations/new-public-body/",
)
NAV = {
    "site_admin": ({ORG_LIST, NEW_BODY, AUDIT, PROFILE}, {INVITE_CONTRACTOR}),
    Role.CLIENT_ADMIN: ({"{org}", ORG_LIST, INVITE_CONTRACTOR, AUDIT, PROFILE}, {NEW_BODY}),
    Role.CLIENT_STAFF: ({"{org}", ORG_LIST, PROFILE}, {INVITE_CONTRACTOR, AUDIT, NEW_BODY}),
    Role.AUDITOR: ({"{org}", ORG_LIST, AUDIT, PROFILE}, {INVITE_CONTRACTOR, NEW_BODY}),
    Role.CONTRACTOR_ADMIN: ({"{org}", AUDIT, PROFILE}, {ORG_LIST, INVITE_CONTRACTOR, NEW_BODY}),
    Role.CONTRACTOR_STAFF: ({"{org}", PROFILE}, {ORG_LIST, INVITE_CONTRACTOR, AUDIT, NEW_BODY}),
}


def demo_login_for(role: str):
    """The demo login of a role; client roles from 練馬区, contractor roles from the first contractor."""
    logins = [d for d in seed_demo() if d.role == role]
    return next((d for d in logins if d.organisation == "練馬区"), logins[0])


@pytest.mark.parametrize("role", list(NAV))
def test_each_role_logs_in_sees_its_home_and_logs_out(role, page, live_server, shot):
    demo = demo_login_for(role)
    login(page, live_server, demo.login, demo.password)
    shot("home")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    header = page.get_by_role("banner")
    if role == "site_admin":
        expect(header.locator(".badge")).to_have_text(_ja("Site administrator"))
        expect(page.get_by_role("heading", level=1)).to_have_text(_ja("Site administration"))
        org_pk = None
    else:
        membership = Membership.objects.get(user__email=demo.login)
        org_pk = membership.organisation_id
        expect(header.locator(".who__org")).to_have_text(demo.organisation)
        expect(header.locator(".badge")).to_have_text(_ja(Role(role).label))
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            _ja("Audit dashboard") if role == Role.AUDITOR else demo.organisation
        )
    expect(header.locator(".who__name")).to_have_text(User.objects.get(email=demo.login).get_short_name())

    nav = page.get_by_role("navigation", name=_ja("Main menu"))
    expect(nav.locator('a[href="/"]')).to_have_attribute("aria-current", "page")
    present, absent = NAV[role]
    for href in present:
        expect(nav.locator(f'a[href="{href.format(org=f"/organisations/{org_pk}/")}"]')).to_have_count(1)
    for href in absent:
        expect(nav.locator(f'a[href="{href}"]')).to_have_count(0)

    logout(page)
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator('input[name="username"]')).to_be_visible()
    expect(page.get_by_role("banner").locator(".who")).to_have_count(0)
    shot("logged-out")


def test_invitation_journey(page, live_server, settings, tmp_path, shot):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.DEV_OUTBOX = True
    settings.SITE_URL = live_server.url
    seed_demo()
    nerima = Organisation.objects.get(name="練馬区")
    department = nerima.departments.get(name="情報政策課")
    new_email = "nerima-newcomer@example.jp"

    # The 練馬区 administrator invites a member of staff from "My organisation".
    login(page, live_server, "nerima-admin@demo.example.jp", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name=_ja("Main menu"))
    nav.locator(f'a[href="/organisations/{nerima.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("練馬区")
    expect(nav.locator(f'a[href="/organisations/{nerima.pk}/"]')).to_have_attribute("aria-current", "page")
    shot("1-organisation")
    page.locator(f'main a[href="/organisations/{nerima.pk}/invite/"]').click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{nerima.pk}/invite/")
    form = page.locator("main form")
    form.locator('input[name="email"]').fill(new_email)
    form.locator('select[name="role"]').select_option(Role.CLIENT_STAFF)
    form.locator('select[name="department"]').select_option(str(department.pk))
    shot("2-invite-form")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{nerima.pk}/")
    expect(page.get_by_role("status")).to_contain_text(new_email)
    expect(page.locator("#h-inv ~ .table-wrap")).to_contain_text(new_email)
    shot("3-invited")
    logout(page)

    # The invitee reads the mail in the development outbox and follows its link.
    page.goto(f"{live_server.url}/dev/outbox/")
    message_link = page.locator("main nav li").filter(has_text=new_email).get_by_role("link")
    expect(message_link).to_have_count(1)
    message_link.click()
    mail = page.locator("pre.mail")
    expect(mail).to_contain_text("練馬区")
    shot("4-outbox")
    accept = mail.locator('a[href*="/invitations/accept/"]')
    expect(accept).to_have_attribute("href", re.compile("^" + re.escape(live_server.url)))
    accept.click()
    expect(page).to_have_url(re.compile(r"/invitations/accept/[^/]+/$"))
    expect(page.locator("main")).to_contain_text(new_email)

    # A weak password is refused at the password field; the name typed stays.
    form = page.locator("main form")
    form.locator('input[name="full_name"]').fill("練馬 新人")
    form.locator('input[name="password1"]').fill("password")
    form.locator('input[name="password2"]').fill("password")
    form.locator('button[type="submit"]').click()
    password = form.locator('input[name="password1"]')
    expect(password).to_have_attribute("aria-invalid", "true")
    errors = page.locator("#id_password1_error")
    expect(errors).to_be_visible()
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bid_password1_error\b"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(form.locator('input[name="full_name"]')).to_have_value("練馬 新人")
    expect(form.locator('input[name="full_name"]')).not_to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(email=new_email).exists()
    shot("5-weak-password")

    # A strong one creates the account and logs the new member of staff in.
    strong = "Nerima-Kuyakusho-2026-secure"
    password.fill(strong)
    form.locator('input[name="password2"]').fill(strong)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{live_server.url}/")
    header = page.get_by_role("banner")
    expect(header.locator(".who__org")).to_have_text("練馬区")
    expect(header.locator(".badge")).to_have_text(_ja(Role.CLIENT_STAFF.label))
    expect(header.locator(".who__name")).to_contain_text("練馬")
    expect(page.get_by_role("heading", level=1)).to_contain_text("練馬区")
    expect(page.locator("main")).to_contain_text("情報政策課")
    nav = page.get_by_role("navigation", name=_ja("Main menu"))
    expect(nav.locator(f'a[href="{INVITE_CONTRACTOR}"]')).to_have_count(0)
    expect(nav.locator(f'a[href="{AUDIT}"]')).to_have_count(0)
    shot("6-new-staff-home")
    membership = Membership.objects.get(user__email=new_email)
    assert (membership.organisation_id, membership.role, membership.department_id) == (
        nerima.pk,
        Role.CLIENT_STAFF,
        department.pk,
    )


LOCKED_TEXT = (
    "Too many failed log-in attempts. For your security, logging in is blocked for a while. "
    "Try again later or reset your password."
)


def test_five_wrong_passwords_lock_the_account(page, live_server, shot):
    body = factories.public_body("練馬区")
    person = factories.member(body, Role.CLIENT_STAFF, email="locked@example.jp")
    for attempt in range(1, 5):
        login(page, live_server, person.user.email, f"wrong-password-{attempt}")
        expect(page.get_by_role("alert")).to_have_text(_ja("The e-mail address or the password is wrong."))
    shot("4-failures")
    login(page, live_server, person.user.email, "wrong-password-5")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text(_ja("Account locked"))
    expect(page.get_by_role("alert")).to_contain_text(_ja(LOCKED_TEXT))
    expect(page.locator('main a[href="/password/reset/"]')).to_be_visible()
    shot("locked")
    # Even the right password is refused now.
    login(page, live_server, person.user.email, factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(_ja("Account locked"))
    expect(page.get_by_role("banner").locator(".who")).to_have_count(0)


def _choose_language(page, code: str) -> None:
    form = page.get_by_role("banner").locator('form[action="/i18n/setlang/"]')
    form.locator('select[name="language"]').select_option(code)
    # Choosing alone changes nothing (JIS X 8341-3 3.2.2, on input): the button submits.
    expect(page.locator("html")).not_to_have_attribute("lang", code)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def test_language_switch_to_english_and_back(page, live_server, shot):
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    _choose_language(page, "en")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(_en("Log in"))
    expect(page.get_by_role("link", name=_en("Skip to main content"))).to_have_count(1)
    expect(page.locator('label[for="id_username"]')).to_contain_text(_en("E-mail address"))
    expect(page.get_by_role("banner").locator('select[name="language"]')).to_have_value("en")
    shot("english")
    _choose_language(page, "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text(_ja("Log in"))
    if _ja("Log in") != _en("Log in"):  # the Japanese catalogue is compiled
        expect(page.get_by_role("heading", level=1)).not_to_have_text(_en("Log in"))

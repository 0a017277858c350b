"""The menus come from core.navigation, filled by the apps: who sees what, and core's templates
name no URL of another app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.navigation import nav_links, register_nav_item, registered_nav_items

pytestmark = pytest.mark.django_db

MEMBER = ["home", "contracts", "subcontracts", "my_organisation"]
TAIL = ["audit_log", "profile", "dev_outbox"]
NO_AUDIT = ["profile", "dev_outbox"]  # the audit trail is for admins and auditors
EXPECTED = {
    "site_admin": ["home", "organisations", "public_body_create", *TAIL],
    "client_admin": [*MEMBER, "contractors", "contractor_invite", "clause_library", *TAIL],
    "client_staff": [*MEMBER, "contractors", "clause_library", *NO_AUDIT],
    "auditor": [*MEMBER, "contractors", "clause_library", *TAIL],
    "contractor_admin": [*MEMBER, *TAIL],
    "contractor_staff": [*MEMBER, *NO_AUDIT],
}


def _menu(client, user, url="/"):
    client.force_login(user)
    html = client.get(url).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<li><a href="([^"]+)" (aria-current="page")?>([^<]+)</a></li>', nav)


def test_each_role_sees_its_entries_in_order(client, world) -> None:
    people = {"site_admin": world.site_admin} | {
        role: getattr(world.a, role).user for role in EXPECTED if role != "site_admin"
    }
    keys_by_href = {reverse(item.url_name): item.key for item in registered_nav_items() if not item.url_args}
    for role, user in people.items():
        hrefs = [href for href, _current, _label in _menu(client, user)]
        keys = [keys_by_href.get(href, "my_organisation") for href in hrefs]
        expected = EXPECTED[role]
        if role == "site_admin":
            keys = ["organisations" if k == "contractors" else k for k in keys]
        assert keys == expected, role


def test_the_current_page_is_marked(client, world) -> None:
    staff = world.a.client_staff
    own = reverse("core:organisation_detail", args=[staff.organisation_id])
    menu = _menu(client, staff.user, own)
    assert [(href, label) for href, current, label in menu if current] == [(own, "自組織")]
    menu = _menu(client, staff.user, reverse("contracts:contract_list"))
    assert [href for href, current, _label in menu if current] == [reverse("contracts:contract_list")]


def test_an_app_adds_an_entry_without_core_knowing_it(rf, world) -> None:
    register_nav_item("scratch", "Scratch", "core:healthz", order=85, roles={"auditor"}, menu="scratch")
    request = rf.get("/")
    request.resolver_match = None
    assert [
        link.key for link in nav_links(request, membership=world.a.auditor, role="auditor", menu="scratch")
    ] == ["scratch"]
    assert nav_links(request, membership=world.a.client_staff, role="client_staff", menu="scratch") == []


def test_the_profile_page_links_the_calendar_feed(client, world) -> None:
    client.force_login(world.a.contractor_staff.user)
    assert (
        f'href="{reverse("compliance:calendar_settings")}"'
        in client.get(reverse("core:profile")).content.decode()
    )


def _views_by_url_name() -> dict[str, str]:
    names: dict[str, str] = {}

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                callback = pattern.callback
                module = getattr(callback, "view_class", callback).__module__
                names.setdefault(pattern.name, module)

    walk(get_resolver().url_patterns)
    return names


def test_core_templates_name_no_url_of_another_app() -> None:
    # The kernel knows no domain app (design.md): a link from a core page to a domain page comes
    # from a registry the app fills (core.navigation, core.panels), never from {% url %}.
    base = Path(settings.BASE_DIR) / "templates"
    files = [base / "base.html", *(base / "components").rglob("*.html"), *(base / "core").rglob("*.html")]
    views = _views_by_url_name()
    offenders = []
    for path in files:
        for name in re.findall(r"""\{%\s*url\s+['"]([\w:-]+)['"]""", path.read_text()):
            module = views.get(name.rpartition(":")[2], "")
            if module.split(".")[0] not in ("core", "django"):
                offenders.append(f"{path.relative_to(base)}: {name} ({module or 'unknown'})")
    assert len(files) > 20
    assert offenders == []

"""The portal's menus as a registry the apps fill (design.md: core knows no domain app).

Each app registers its entries from AppConfig.ready() with :func:`register_nav_item`: a key, a
label, the full URL name ("app:name"), who sees it (``roles`` and/or a ``visible`` predicate), its
place (``order``) and the full URL names that mark it as the current page.
``templates/components/nav.html`` renders the main menu through the ``nav_items`` tag; a page may
have a menu of its own (the profile page's links, ``menu="profile"``). Core's own entries are
registered here, by :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import permissions


@dataclass(frozen=True)
class NavContext:
    """What a visibility rule may look at: the person, their current membership and role."""

    request: Any
    user: Any
    membership: Any
    role: str | None

    @property
    def is_member(self) -> bool:
        """Signed in through an organisation (not the site administrator)."""
        return self.membership is not None and self.role != "site_admin"

    @property
    def view_name(self) -> str | None:
        """The current page's full URL name, namespace included ("contracts:contract_detail"):
        URL names are unique only within their app."""
        match = getattr(self.request, "resolver_match", None)
        return match.view_name if match else None


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    order: int
    menu: str
    roles: frozenset[str] | None
    visible: Callable[[NavContext], bool] | None
    current: frozenset[str]
    url_args: Callable[[NavContext], Iterable[Any]] | None
    is_current: Callable[[NavContext], bool] | None

    def shown_to(self, ctx: NavContext) -> bool:
        if self.roles is not None and ctx.role not in self.roles:
            return False
        return self.visible is None or self.visible(ctx)


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    href: str
    current: bool


_items: dict[tuple[str, str], NavItem] = {}


def register_nav_item(
    key: str,
    label: str | Promise,
    url_name: str,
    *,
    order: int,
    roles: Iterable[str] | None = None,
    visible: Callable[[NavContext], bool] | None = None,
    current: Iterable[str] = (),
    url_args: Callable[[NavContext], Iterable[Any]] | None = None,
    is_current: Callable[[NavContext], bool] | None = None,
    menu: str = "main",
) -> None:
    """Add an entry to ``menu``. ``current`` lists the URL names (besides ``url_name``) whose pages
    mark it with aria-current; ``is_current`` replaces that test when the arguments matter.
    Registering a key again replaces the entry (ready() may run more than once in tests)."""
    _items[(menu, key)] = NavItem(
        key=key,
        label=label,
        url_name=url_name,
        order=order,
        menu=menu,
        roles=frozenset(roles) if roles is not None else None,
        visible=visible,
        current=frozenset({url_name, *current}),
        url_args=url_args,
        is_current=is_current,
    )


def registered_nav_items(menu: str = "main") -> list[NavItem]:
    return sorted(
        (item for item in _items.values() if item.menu == menu), key=lambda item: (item.order, item.key)
    )


def nav_links(request, *, membership=None, role: str | None = None, menu: str = "main") -> list[NavLink]:
    """The entries of ``menu`` this person sees, in order, with their address and current mark."""
    ctx = NavContext(request=request, user=getattr(request, "user", None), membership=membership, role=role)
    links = []
    for item in registered_nav_items(menu):
        if not item.shown_to(ctx):
            continue
        args = list(item.url_args(ctx)) if item.url_args is not None else []
        current = item.is_current(ctx) if item.is_current is not None else ctx.view_name in item.current
        links.append(
            NavLink(
                key=item.key, label=str(item.label), href=reverse(item.url_name, args=args), current=current
            )
        )
    return links


# --- Core's own entries ------------------------------------------------------------------------
# The orders leave room between them: domain apps put theirs at 20–29 (after Home, before My
# organisation) and 50–59 (after the contractors, before the audit trail).


def _own_organisation_is_current(ctx: NavContext) -> bool:
    match = ctx.request.resolver_match
    return (
        ctx.view_name == "core:organisation_detail"
        and match.kwargs.get("pk") == ctx.membership.organisation_id
    )


def register() -> None:
    register_nav_item("home", _("Home"), "core:home", order=0)
    register_nav_item(
        "organisations", _("Organisations"), "core:organisation_list", order=10, roles={"site_admin"}
    )
    register_nav_item(
        "public_body_create",
        _("Register a public body"),
        "core:public_body_create",
        order=11,
        roles={"site_admin"},
    )
    register_nav_item(
        "my_organisation",
        _("My organisation"),
        "core:organisation_detail",
        order=30,
        visible=lambda ctx: ctx.is_member,
        url_args=lambda ctx: [ctx.membership.organisation_id],
        is_current=_own_organisation_is_current,
    )
    register_nav_item(
        "contractors",
        _("Contractors"),
        "core:organisation_list",
        order=40,
        roles={"client_admin", "client_staff", "auditor"},
        visible=lambda ctx: ctx.is_member,
    )
    register_nav_item(
        "contractor_invite",
        _("Invite a contractor"),
        "core:contractor_invite",
        order=41,
        roles={"client_admin"},
        visible=lambda ctx: ctx.is_member,
    )
    register_nav_item(
        "audit_log",
        _("Audit trail"),
        "core:audit_log",
        order=80,
        visible=lambda ctx: permissions.can_view_audit_log(ctx.user, ctx.membership),
    )
    register_nav_item("profile", _("Profile"), "core:profile", order=90)
    register_nav_item(
        "dev_outbox",
        _("Outbox (development)"),
        "core:dev_outbox",
        order=100,
        visible=lambda ctx: settings.DEV_OUTBOX,
    )

"""The actors, the `Row` of a URL, the shared tables and the check of an answer against a code.

The codes of a table are explained in tests/core/authorisation/__init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from tests.core.authorisation.world import MatrixWorld

GET, POST = "get", "post"
ANON = "anonymous"
SITE_ADMIN = "site_admin"
ROLE_ACTORS = ("client_admin", "client_staff", "auditor", "contractor_admin", "contractor_staff")
ACTORS = (ANON, SITE_ADMIN, *ROLE_ACTORS)
LOGGED_IN = (SITE_ADMIN, *ROLE_ACTORS)

# URL prefixes that are Django's own and are checked separately (test_skipped_urls_exist).
SKIPPED_PREFIXES = ("django-admin/", "i18n/")

# --- targets: {label: (MatrixWorld) -> reverse() kwargs} ------------------------------------------

Target = Callable[["MatrixWorld"], dict]
# The target set of a URL that takes no object (the default of a Row).
NONE: dict[str, Target] = {"-": lambda mw: {}}


# --- rows and the tables they share -------------------------------------------------------------

# Whoever reads a contract (side a's people, the site administrator) — foreign ones are 404.
CONTRACT_READERS = """
                  {a} {b}
anonymous         L          L
site_admin        200        200
client_admin      200        404
client_staff      200        404
auditor           200        404
contractor_admin  200        404
contractor_staff  200        404
"""
# A draft (roster change, work-site change, training plan or report, subcontract application) is
# the contractor's until it is submitted: the public body's side gets the 404 of a missing one.
DRAFT_READERS = """
                  {a} {b}
anonymous         L          L
site_admin        200        200
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  200        404
contractor_staff  200        404
"""
# The public body's managers of the contract (the site administrator does not act for them).
CONTRACT_DECIDERS = """
                  {a} {b}
anonymous         L          L
site_admin        404        404
client_admin      R          404
client_staff      R          404
auditor           404        404
contractor_admin  404        404
contractor_staff  404        404
"""
# Only the contractor's manager, on its own contract.
ROSTER_EDITOR = """
                  {a} {b}
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}          404
contractor_staff  404        404
"""


@dataclass
class Row:
    table: str
    method: str = GET
    targets: dict[str, Target] = field(default_factory=lambda: NONE)
    # POST body, from the world, the actor's user and the target label.
    data: Callable[[MatrixWorld, Any, str], dict] | None = None
    # Snapshot of what the request may change: R must change it, any other outcome must not.
    state: Callable[[MatrixWorld, str], Any] | None = None
    # {"module.attribute": replacement} for the request (e.g. skip a slow renderer).
    patches: dict[str, Any] = field(default_factory=dict)

    def expectations(self) -> dict[tuple[str, str], str]:
        lines = [line.split() for line in self.table.strip().splitlines() if line.strip()]
        header, body = lines[0], lines[1:]
        assert set(header) == set(self.targets), f"columns {header} != targets {sorted(self.targets)}"
        actors = [line[0] for line in body]
        assert sorted(actors) == sorted(ACTORS), f"table must list every actor once, got {actors}"
        out = {}
        for actor, *codes in body:
            assert len(codes) == len(header), f"{actor}: {codes}"
            out.update({(actor, target): code for target, code in zip(header, codes, strict=True)})
        return out


def everyone(code: str, *, anonymous: str | None = None, column: str = "-") -> str:
    """A one-column table in which every actor gets `code` (the anonymous visitor `anonymous`)."""
    lines = [f"{'':18}{column}"]
    lines += [f"{actor:18}{anonymous if actor == ANON and anonymous else code}" for actor in ACTORS]
    return "\n".join(lines)


ALL_200 = everyone("200", anonymous="L")  # any logged-in person; visitors are sent to log in
PUBLIC_200 = everyone("200")

# Who may manage a contract (activate, record the start of work, end it, request, waive):
# the body's administrators, the staff of the contract's department, and the site admin.
MANAGE_CONTRACT = """
                  contract_a contract_b
anonymous         L          L
site_admin        {ok}       {ok}
client_admin      {ok}       404
client_staff      {ok}       404
auditor           404        404
contractor_admin  404        404
contractor_staff  404        404
"""


# --- the check of an answer ---------------------------------------------------------------------


def _login_url() -> str:
    return reverse("core:login")


def assert_code(response, code: str, what: str) -> None:
    status = response.status_code
    location = response.headers.get("Location", "")
    if code == "L":
        assert status == 302, f"{what}: expected a redirect to login, got {status}"
        assert location.startswith(_login_url()), f"{what}: redirected to {location!r}, not to login"
    elif code == "R":
        assert status == 302, f"{what}: expected a redirect, got {status}"
        assert not location.startswith(_login_url()), f"{what}: sent to login ({location!r})"
    else:
        allowed = {int(c) for c in code.split("|")}
        assert status in allowed, f"{what}: expected {code}, got {status} {location}"

"""The authorisation matrix: every URL of the project, for every role, against own and foreign objects.

How to extend it when you add a URL (a new URL without a row here fails
`test_every_url_is_described`):

1. If the URL takes an object, add (or reuse) a target set below: a dict {label: kwargs-builder}.
   Labels ending in `_a` are side a's objects (OWN for the actors, who are all from side a);
   labels ending in `_b` are side b's (FOREIGN). Build the objects in `_build_matrix_world`.
2. Add a `Row` to MATRIX under the URL's full name (`namespace:name` for namespaced apps) with a
   table: one column per target, one line per actor (all seven actors, no defaults: an explicit
   table is the review). Codes:
       200, 404, 410, ...  exactly that status
       L                   302 to the login page
       R                   302 somewhere other than the login page
       200|503             any of these statuses
3. POST-only URLs get `method=POST` (and `data` for the body); they are also checked to answer
   405 to GET. If a POST changes something, give the row a `state` snapshot: an R must change it,
   any other answer must leave it untouched. `patches` replaces slow collaborators (a PDF
   renderer) for the request: the matrix is about who gets an answer, not about its content.
4. What a table cannot say (which rows a list shows, whose data a page names) goes into the
   content-scoping tests at the end of this file.

The objects are built once per module inside a transaction that is rolled back at the end; each
test runs in its own nested transaction (pytest-django's `db`), so tests cannot see each other's
writes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext, override

from clauses.models import ClauseTemplate
from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.models import Contract, RosterChange, RosterEntry, UnsuitableFlag
from contracts.services import contract_activate, contract_create
from contracts.services import flags as flag_services
from contracts.services import roster as roster_services
from core import crypto
from core.audit import record_event
from core.models import Event, Invitation, Membership, Notification, Organisation, Role
from core.selectors import SESSION_MEMBERSHIP_KEY
from core.services import invitations as invitation_services
from core.services import users as user_services
from core.services.notifications import notification_create
from core.services.users import calendar_token_issue
from tests import factories
from tests.conftest import World
from tests.contracts.conftest import upload_pledges

GET, POST = "get", "post"
ANON = "anonymous"
SITE_ADMIN = "site_admin"
ROLE_ACTORS = ("client_admin", "client_staff", "auditor", "contractor_admin", "contractor_staff")
ACTORS = (ANON, SITE_ADMIN, *ROLE_ACTORS)
LOGGED_IN = (SITE_ADMIN, *ROLE_ACTORS)

# URL prefixes that are Django's own and are checked separately (test_skipped_urls_exist).
SKIPPED_PREFIXES = ("django-admin/", "i18n/")


# --- the objects --------------------------------------------------------------------------------


@dataclass
class MatrixWorld:
    world: World
    orgs: dict[str, Organisation]
    # An active, non-admin membership in each organisation (the target of deactivation).
    members: dict[str, Membership]
    # A deactivated membership in each organisation (the target of reactivation).
    former: dict[str, Membership]
    invitations: dict[str, Invitation]
    users: dict[str, Any] = field(default_factory=dict)
    # One unread notification for each actor (by user pk), and one for body b's administrator.
    notifications: dict[Any, Notification] = field(default_factory=dict)
    # An active contract of each body with its own contractor (in the body's department), one
    # open duty of it that the contractor meets by attestation, and the clause template they use.
    contracts: dict[str, Contract] = field(default_factory=dict)
    duties: dict[str, Duty] = field(default_factory=dict)
    template: ClauseTemplate | None = None
    # Per contract: an open (draft) roster change, a person already on the roster (notified in
    # change #1) and a person drafted into the open change.
    roster: dict[str, Any] = field(default_factory=dict)
    # Objects that feature modules add (tests/core/matrix_*.py, see MATRIX_EXTENSIONS).
    extra: dict[str, Any] = field(default_factory=dict)


def _build_matrix_world() -> MatrixWorld:
    world = World(a=factories.side("a", "甲"), b=factories.side("b", "乙"), site_admin=factories.site_admin())
    orgs, members, former, invitations = {}, {}, {}, {}
    for label in ("a", "b"):
        s = getattr(world, label)
        orgs[f"body_{label}"] = s.body
        orgs[f"contractor_{label}"] = s.contractor
        members[f"body_{label}"] = s.client_staff
        members[f"contractor_{label}"] = s.contractor_staff
        for kind, org, role in (
            ("body", s.body, Role.CLIENT_STAFF),
            ("contractor", s.contractor, Role.CONTRACTOR_STAFF),
        ):
            gone = factories.member(org, role, email=f"former-{kind}-{label}@example.jp")
            former[f"{kind}_{label}"] = user_services.membership_deactivate(
                actor=world.site_admin, actor_membership=None, membership=gone
            )
        admin, manager = s.client_admin, s.contractor_admin
        invitations[f"body_{label}"], _ = invitation_services.invitation_create(
            actor=admin.user,
            actor_membership=admin,
            organisation=s.body,
            email=f"inv-body-{label}@example.jp",
            role=Role.CLIENT_STAFF,
        )
        # The body's administrator invites its contractor's (second) manager.
        invitations[f"ctr_by_client_{label}"], _ = invitation_services.invitation_create(
            actor=admin.user,
            actor_membership=admin,
            organisation=s.contractor,
            email=f"inv-ctr-by-client-{label}@example.jp",
            role=Role.CONTRACTOR_ADMIN,
        )
        invitations[f"contractor_{label}"], _ = invitation_services.invitation_create(
            actor=manager.user,
            actor_membership=manager,
            organisation=s.contractor,
            email=f"inv-contractor-{label}@example.jp",
            role=Role.CONTRACTOR_STAFF,
        )
    users = {ANON: None, SITE_ADMIN: world.site_admin}
    users.update({role: getattr(world.a, role).user for role in ROLE_ACTORS})
    notifications = {
        user.pk: notification_create(user=user, title=f"matrix notice for {actor}")
        for actor, user in users.items()
        if user is not None
    }
    notifications["foreign"] = notification_create(
        user=world.b.client_admin.user, title="matrix notice for b"
    )
    template = clause_template_load(path=MINI_TEMPLATE)[0]
    contracts, duties = {}, {}
    for label in ("a", "b"):
        s = getattr(world, label)
        admin = s.client_admin
        contract = contract_create(
            actor=admin.user,
            actor_membership=admin,
            contractor=s.contractor,
            department=s.dept,
            number=f"R7-MATRIX-{label}",
            title=f"マトリクス業務委託 {label}",
            start_date=date(2025, 4, 1),
            end_date=date(2026, 3, 31),
            work_start_date=date(2025, 4, 14),
            clause_template=template,
            handles_personal_info=True,
        )
        contracts[f"contract_{label}"] = contract_activate(
            actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1)
        )
        duty = Duty.objects.select_related("obligation").get(contract=contract, obligation__key=ATTESTED)
        duties[f"duty_{label}"] = duty
    # The attested obligation gets a (stand-in) PDF form, so duty_form_pdf has something to serve.
    template.obligations.filter(key=ATTESTED).update(form_id="core.sample")
    roster = {}
    for label in ("a", "b"):
        manager = getattr(world, label).contractor_admin
        contract = contracts[f"contract_{label}"]
        kwargs = {"actor": manager.user, "actor_membership": manager}
        first = roster_services.roster_change_open(contract=contract, **kwargs)
        on_roster = roster_services.roster_person_add(
            change=first, full_name=f"名簿 {label}", start_date=date(2025, 4, 14), **kwargs
        ).person
        upload_pledges(getattr(world, label), first)  # these clauses ask a pledge of everyone
        roster_services.roster_change_act(change=first, action="submit", **kwargs)  # notice: in force
        draft = roster_services.roster_change_open(contract=contract, **kwargs)
        drafted = roster_services.roster_person_add(
            change=draft, full_name=f"追加 {label}", start_date=date(2025, 4, 14), **kwargs
        ).person
        upload_pledges(getattr(world, label), draft)
        roster[f"pledge_{label}"] = on_roster.pledges.get()
        roster[f"first_{label}"] = first
        client = getattr(world, label).client_admin
        flagging = {"actor": client.user, "actor_membership": client, "person": on_roster}
        roster[f"flag_{label}"] = flag_services.flag_raise(reason="r", measures_requested="m", **flagging)
        answered = flag_services.flag_raise(reason="r2", measures_requested="m2", **flagging)
        roster[f"answered_{label}"] = flag_services.flag_answer(flag=answered, answer="a", **kwargs)
        roster.update({f"change_{label}": draft, f"person_{label}": on_roster, f"drafted_{label}": drafted})
    built = MatrixWorld(
        world, orgs, members, former, invitations, users, notifications, contracts, duties, template, roster
    )
    for extension in _extensions():
        extension.extend_world(built)
    return built


# Feature modules keep their own matrix rows: each defines rows(matrix_module) -> {name: Row}
# and extend_world(mw), so features can grow without editing this file.
MATRIX_EXTENSIONS = (
    "tests.core.matrix_worksites",
    "tests.core.matrix_training",
    "tests.core.matrix_subcontracts",
    "tests.core.matrix_exports",
    # It adds the shared contracts' columns to every row over the contracts above.
    "tests.core.matrix_tenancy",
    # After tenancy: its objects are on the shared contracts (its rows take no contract).
    "tests.core.matrix_duties",
)


def _extensions():
    import importlib

    found = []
    for name in MATRIX_EXTENSIONS:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


# The clause template of the compliance tests: small, and its obligation 3.3 is met by attestation.
MINI_TEMPLATE = Path(__file__).resolve().parent.parent / "clauses" / "data" / "mini.yaml"
ATTESTED = "3.3-no-ai"
ON_REQUEST = "3.2-report-on-request"


@pytest.fixture(scope="module")
def mw(django_db_setup, django_db_blocker):
    """Side a, side b and a site admin, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # The module's world lives in a transaction that stands for the test database, not for
        # a request: core.audit.chain_lock_held must not count its events as held by a service.
        atomic._from_testcase = True
        atomic.__enter__()
        crypto.data_key_cache.forget()
        engine.clear_caches()
        try:
            built = _build_matrix_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        crypto.data_key_cache.forget()
        engine.clear_caches()


# --- targets: {label: (MatrixWorld) -> reverse() kwargs} ------------------------------------------

Target = Callable[[MatrixWorld], dict]
NONE: dict[str, Target] = {"-": lambda mw: {}}
ORG_LABELS = ("body_a", "contractor_a", "body_b", "contractor_b")
ORGS: dict[str, Target] = {k: (lambda mw, k=k: {"pk": mw.orgs[k].pk}) for k in ORG_LABELS}
MEMBERS: dict[str, Target] = {k: (lambda mw, k=k: {"pk": mw.members[k].pk}) for k in ORG_LABELS}
FORMER: dict[str, Target] = {k: (lambda mw, k=k: {"pk": mw.former[k].pk}) for k in ORG_LABELS}
INVITATION_LABELS = (
    "body_a",
    "ctr_by_client_a",
    "contractor_a",
    "body_b",
    "ctr_by_client_b",
    "contractor_b",
)
INVITATIONS: dict[str, Target] = {
    k: (lambda mw, k=k: {"pk": mw.invitations[k].pk}) for k in INVITATION_LABELS
}
# The URL takes no argument; the target is in the POST body (Row.data).
IN_BODY: dict[str, Target] = {k: (lambda mw: {}) for k in ORG_LABELS}
BOGUS_RESET = {"bogus": lambda mw: {"uidb64": "MTIzNDU2", "token": "bogus-token"}}
CONTRACTS: dict[str, Target] = {
    k: (lambda mw, k=k: {"pk": mw.contracts[k].pk}) for k in ("contract_a", "contract_b")
}
CHANGES: dict[str, Target] = {
    f"change_{k}": (lambda mw, k=k: {"pk": mw.roster[f"change_{k}"].pk}) for k in ("a", "b")
}
ON_ROSTER: dict[str, Target] = {
    f"person_{k}": (
        lambda mw, k=k: {"pk": mw.roster[f"change_{k}"].pk, "person_pk": mw.roster[f"person_{k}"].pk}
    )
    for k in ("a", "b")
}
DRAFTED: dict[str, Target] = {
    f"drafted_{k}": (
        lambda mw, k=k: {"pk": mw.roster[f"change_{k}"].pk, "person_pk": mw.roster[f"drafted_{k}"].pk}
    )
    for k in ("a", "b")
}
FIRST_CHANGES: dict[str, Target] = {
    f"first_{k}": (lambda mw, k=k: {"pk": mw.roster[f"first_{k}"].pk}) for k in ("a", "b")
}
FLAGS: dict[str, Target] = {
    f"flag_{k}": (lambda mw, k=k: {"pk": mw.roster[f"flag_{k}"].pk}) for k in ("a", "b")
}
ANSWERED: dict[str, Target] = {
    f"answered_{k}": (lambda mw, k=k: {"pk": mw.roster[f"answered_{k}"].pk}) for k in ("a", "b")
}
PEOPLE: dict[str, Target] = {
    f"person_{k}": (lambda mw, k=k: {"pk": mw.roster[f"person_{k}"].pk}) for k in ("a", "b")
}
PLEDGES: dict[str, Target] = {
    f"pledge_{k}": (lambda mw, k=k: {"pk": mw.roster[f"pledge_{k}"].pk}) for k in ("a", "b")
}
DUTIES: dict[str, Target] = {k: (lambda mw, k=k: {"pk": mw.duties[k].pk}) for k in ("duty_a", "duty_b")}
# Clause templates are a library shared by every public body: there is no foreign one.
SHARED_TEMPLATE: dict[str, Target] = {"shared": lambda mw: {"pk": mw.template.pk}}
UNKNOWN_FEED = {"unknown": lambda mw: {"token": "no-such-calendar-token"}}
OWN_OR_FOREIGN: dict[str, Target] = {"own": lambda mw: {}, "foreign": lambda mw: {}}
UNKNOWN_INVITATION = {"unknown": lambda mw: {"token": "no-such-token-0123456789"}}


def _membership_state(mw: MatrixWorld, kind: str, label: str):
    m = getattr(mw, kind)[label]
    return Membership.objects.filter(pk=m.pk).values_list("is_active", "user__is_active").get()


def _contract_events(kind: str):
    def state(mw: MatrixWorld, label: str) -> int:
        return Event.objects.filter(kind=kind, contract_id=mw.contracts[label].pk).count()

    return state


def _contract_status(mw: MatrixWorld, label: str) -> str:
    return Contract.objects.values_list("status", flat=True).get(pk=mw.contracts[label].pk)


def _roster_entries(mw: MatrixWorld, label: str) -> int:
    return RosterEntry.objects.filter(change=mw.roster[label.replace("drafted", "change")]).count()


def _flag_count(mw: MatrixWorld, label: str) -> int:
    return UnsuitableFlag.objects.filter(person=mw.roster[label]).count()


def _flag_state(mw: MatrixWorld, label: str):
    return UnsuitableFlag.objects.values_list("answered_at", "closed_at").get(pk=mw.roster[label].pk)


def _change_state(mw: MatrixWorld, label: str) -> str:
    return RosterChange.objects.values_list("approval_state", flat=True).get(pk=mw.roster[label].pk)


def _invitation_state(mw: MatrixWorld, label: str):
    return Invitation.objects.filter(pk=mw.invitations[label].pk).values_list("revoked_at", flat=True).get()


# --- the matrix ---------------------------------------------------------------------------------

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

AUDIT = """
                  -
anonymous         L
site_admin        200
client_admin      200
client_staff      404
auditor           200
contractor_admin  200
contractor_staff  404
"""

# Who may manage the members (and the invitations, settings) of each organisation.
MANAGE_ORG = """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        {ok}   {ok}         {ok}   {ok}
client_admin      {ok}   404          404    404
client_staff      404    404          404    404
auditor           404    404          404    404
contractor_admin  404    {ok}         404    404
contractor_staff  404    404          404    404
"""

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

# The clause library is the public bodies' tool.
CLIENT_SIDE = """
                  {col}
anonymous         L
site_admin        200
client_admin      200
client_staff      200
auditor           200
contractor_admin  404
contractor_staff  404
"""

MATRIX: dict[str, Row] = {
    "core:home": Row(ALL_200),
    "core:organisation_list": Row(ALL_200),
    "core:profile": Row(ALL_200),
    "core:password_change": Row(ALL_200),
    "core:login": Row(
        """
                  -
anonymous         200
site_admin        R
client_admin      R
client_staff      R
auditor           R
contractor_admin  R
contractor_staff  R
"""
    ),
    "core:logout": Row(everyone("L"), method=POST),
    "core:password_reset": Row(PUBLIC_200),
    "core:password_reset_done": Row(PUBLIC_200),
    "core:password_reset_complete": Row(PUBLIC_200),
    "core:password_reset_confirm": Row(everyone("200", column="bogus"), targets=BOGUS_RESET),
    "core:healthz": Row(everyone("200|503")),
    "core:dev_outbox": Row(PUBLIC_200),
    "core:invitation_accept": Row(everyone("410", column="unknown"), targets=UNKNOWN_INVITATION),
    # Any logged-in person may ask to switch; only their own memberships are honoured
    # (test_membership_switch_ignores_foreign_memberships).
    "core:membership_switch": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        R      R            R      R
client_admin      R      R            R      R
client_staff      R      R            R      R
auditor           R      R            R      R
contractor_admin  R      R            R      R
contractor_staff  R      R            R      R
""",
        method=POST,
        targets=IN_BODY,
        data=lambda mw, user, label: {"membership": mw.members[label].pk, "next": "/"},
    ),
    "core:organisation_detail": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        200    200          200    200
client_admin      200    200          404    404
client_staff      200    200          404    404
auditor           200    200          404    404
contractor_admin  404    200          404    404
contractor_staff  404    200          404    404
""",
        targets=ORGS,
    ),
    "core:organisation_settings": Row(MANAGE_ORG.format(ok=200), targets=ORGS),
    "core:invite": Row(MANAGE_ORG.format(ok=200), targets=ORGS),
    "core:department_create": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        200    404          200    404
client_admin      200    404          404    404
client_staff      404    404          404    404
auditor           404    404          404    404
contractor_admin  404    404          404    404
contractor_staff  404    404          404    404
""",
        targets=ORGS,
    ),
    "core:contractor_invite": Row(
        """
                  -
anonymous         L
site_admin        404
client_admin      200
client_staff      404
auditor           404
contractor_admin  404
contractor_staff  404
"""
    ),
    "core:public_body_create": Row(
        """
                  -
anonymous         L
site_admin        200
client_admin      404
client_staff      404
auditor           404
contractor_admin  404
contractor_staff  404
"""
    ),
    "core:membership_deactivate": Row(
        MANAGE_ORG.format(ok="R"),
        method=POST,
        targets=MEMBERS,
        state=lambda mw, label: _membership_state(mw, "members", label),
    ),
    "core:membership_reactivate": Row(
        MANAGE_ORG.format(ok="R"),
        method=POST,
        targets=FORMER,
        state=lambda mw, label: _membership_state(mw, "former", label),
    ),
    "core:invitation_revoke": Row(
        """
                  body_a ctr_by_client_a contractor_a body_b ctr_by_client_b contractor_b
anonymous         L      L               L            L      L               L
site_admin        R      R               R            R      R               R
client_admin      R      R               404          404    404             404
client_staff      404    404             404          404    404             404
auditor           404    404             404          404    404             404
contractor_admin  404    R               R            404    404             404
contractor_staff  404    404             404          404    404             404
""",
        method=POST,
        targets=INVITATIONS,
        state=_invitation_state,
    ),
    "core:notification_list": Row(ALL_200),
    # Anyone may mark notifications read; only their own are touched
    # (test_notifications_are_personal).
    "core:notification_read": Row(
        """
                  own foreign
anonymous         L   L
site_admin        R   R
client_admin      R   R
client_staff      R   R
auditor           R   R
contractor_admin  R   R
contractor_staff  R   R
""",
        method=POST,
        targets=OWN_OR_FOREIGN,
        data=lambda mw, user, label: {
            "id": mw.notifications[user.pk if label == "own" and user else "foreign"].pk,
            "next": reverse("core:notification_list"),
        },
    ),
    "core:audit_log": Row(AUDIT),
    # GET explains the check and offers the button; the POST that runs it is in tests/core/test_audit.py.
    "core:audit_verify": Row(AUDIT),
    # --- contracts and their duties (contracts, compliance) ---
    "contracts:contract_list": Row(ALL_200),
    "contracts:contract_create": Row(
        """
                  -
anonymous         L
site_admin        404
client_admin      200
client_staff      200
auditor           404
contractor_admin  200
contractor_staff  404
"""
    ),
    "contracts:contract_detail": Row(
        """
                  contract_a contract_b
anonymous         L          L
site_admin        200        200
client_admin      200        404
client_staff      200        404
auditor           200        404
contractor_admin  200        404
contractor_staff  200        404
""",
        targets=CONTRACTS,
    ),
    "contracts:contract_activate": Row(MANAGE_CONTRACT.format(ok=200), targets=CONTRACTS),
    "contracts:contract_conditions": Row(MANAGE_CONTRACT.format(ok=200), targets=CONTRACTS),
    # --- the roster (名簿): everyone who reads the contract reads it; only the contractor's
    # manager drafts changes; submitting is theirs, deciding the public body's ---
    "contracts:roster": Row(CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS),
    "contracts:roster_change": Row(DRAFT_READERS.format(a="change_a", b="change_b"), targets=CHANGES),
    "contracts:roster_pdf": Row(CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS),
    "contracts:person_pledge": Row(CONTRACT_READERS.format(a="person_a", b="person_b"), targets=PEOPLE),
    "contracts:roster_change_pdf": Row(
        CONTRACT_READERS.format(a="first_a", b="first_b"), targets=FIRST_CHANGES
    ),
    # The public body's contract managers flag a worker; the contractor's manager answers.
    "contracts:person_flag_raise": Row(
        CONTRACT_DECIDERS.format(a="person_a", b="person_b"),
        method=POST,
        targets=PEOPLE,
        data=lambda mw, user, label: {"reason": "理由", "measures_requested": "措置"},
        state=_flag_count,
    ),
    "contracts:flag_answer": Row(
        ROSTER_EDITOR.format(a="flag_a", b="flag_b", ok="R"),
        method=POST,
        targets=FLAGS,
        data=lambda mw, user, label: {"answer": "交代させました"},
        state=_flag_state,
    ),
    "contracts:flag_close": Row(
        CONTRACT_DECIDERS.format(a="answered_a", b="answered_b"),
        method=POST,
        targets=ANSWERED,
        state=_flag_state,
    ),
    "contracts:pledge_blank_pdf": Row(CONTRACT_READERS.format(a="person_a", b="person_b"), targets=PEOPLE),
    # Signed pledges: the responsible people of both sides and auditors, not every worker.
    "contracts:pledge_file": Row(
        CONTRACT_READERS.format(a="pledge_a", b="pledge_b").replace(
            "contractor_staff  200        404", "contractor_staff  404        404"
        ),
        targets=PLEDGES,
    ),
    "contracts:roster_xlsx_export": Row(
        CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=CONTRACTS
    ),
    "contracts:roster_xlsx_template": Row(
        ROSTER_EDITOR.format(a="contract_a", b="contract_b", ok=200), targets=CONTRACTS
    ),
    "contracts:roster_xlsx_import": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok=200), targets=CHANGES
    ),
    "contracts:roster_change_open": Row(
        ROSTER_EDITOR.format(a="contract_a", b="contract_b", ok="R"), method=POST, targets=CONTRACTS
    ),
    "contracts:roster_person_add": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok=200), targets=CHANGES
    ),
    "contracts:roster_entry_change": Row(
        ROSTER_EDITOR.format(a="person_a", b="person_b", ok=200), targets=ON_ROSTER
    ),
    "contracts:roster_entry_discard": Row(
        ROSTER_EDITOR.format(a="drafted_a", b="drafted_b", ok="R"),
        method=POST,
        targets=DRAFTED,
        state=_roster_entries,
    ),
    "contracts:roster_change_act": Row(
        ROSTER_EDITOR.format(a="change_a", b="change_b", ok="R"),
        method=POST,
        targets=CHANGES,
        data=lambda mw, user, label: {"action": "submit"},
        state=_change_state,
    ),
    "contracts:contract_work_start": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"on": "2025-04-14"},
        state=_contract_events("contract.work_started"),
    ),
    "contracts:contract_end": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"on": "2026-03-31"},
        state=_contract_status,
    ),
    "compliance:duty_request": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"obligation": ON_REQUEST, "note": "マトリクス"},
        state=_contract_events("duty.requested"),
    ),
    "compliance:duty_waive": Row(
        MANAGE_CONTRACT.format(ok=200).replace("contract_a contract_b", "duty_a     duty_b"),
        targets=DUTIES,
    ),
    # compliance:duty_attest, duty_detail and duty_evidence_file: tests/core/matrix_duties.py.
    "compliance:duty_form_pdf": Row(
        """
                  duty_a duty_b
anonymous         L      L
site_admin        200    200
client_admin      200    404
client_staff      200    404
auditor           200    404
contractor_admin  200    404
contractor_staff  200    404
""",
        targets=DUTIES,
        # The matrix checks who gets the form, not WeasyPrint (tests/core/test_pdf.py does).
        patches={"core.pdf.render_form_for": lambda form_id, subject: b"%PDF-1.7 matrix"},
    ),
    "clauses:template_list": Row(CLIENT_SIDE.format(col="-")),
    "clauses:template_detail": Row(CLIENT_SIDE.format(col="shared"), targets=SHARED_TEMPLATE),
    "clauses:template_compare": Row(CLIENT_SIDE.format(col="-")),
    "compliance:calendar_settings": Row(ALL_200),
    "compliance:calendar_feed": Row(everyone("404", column="unknown"), targets=UNKNOWN_FEED),
}

for _extension in _extensions():
    MATRIX.update(_extension.rows(sys.modules[__name__]))


def _cases():
    for name, row in MATRIX.items():
        for (actor, target), code in row.expectations().items():
            yield pytest.param(name, actor, target, code, id=f"{name}-{actor}-{target}")


# --- helpers ------------------------------------------------------------------------------------


def _login_url() -> str:
    return reverse("core:login")


def _assert_code(response, code: str, what: str) -> None:
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


def _request(client, mw: MatrixWorld, name: str, actor: str, target: str, *, method: str | None = None):
    row = MATRIX[name]
    user = mw.users[actor]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=row.targets[target](mw))
    method = method or row.method
    if method == POST:
        data = row.data(mw, user, target) if row.data else {}
        return client.post(url, data)
    return client.get(url)


# --- the tests ----------------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            yield prefix + str(p.pattern), name


def _project_urls() -> dict[str, str | None]:
    return {
        route: name
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    }


def test_every_url_is_described():
    urls = _project_urls()
    unnamed = sorted(route for route, name in urls.items() if name is None)
    assert not unnamed, f"URL patterns without a name cannot be checked by the matrix: {unnamed}"
    names = set(urls.values())
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a row in the authorisation matrix (add one): {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"matrix rows for URLs that no longer exist: {stale}"


def test_matrix_tables_are_complete():
    for name, row in MATRIX.items():
        cells = row.expectations()
        assert len(cells) == len(ACTORS) * len(row.targets), name


def test_skipped_urls_exist(client, db, mw):
    routes = [route for route, _ in _walk(get_resolver().url_patterns)]
    assert any(r.startswith("django-admin/") for r in routes)
    assert reverse("core:set_language") == "/i18n/setlang/"
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/django-admin/login/")
    # A portal role without is_staff is not let into Django's admin either.
    client.force_login(mw.users["client_admin"])
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/django-admin/login/")
    client.force_login(mw.users[SITE_ADMIN])
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.parametrize(("name", "actor", "target", "code"), list(_cases()))
def test_matrix(client, db, mw, monkeypatch, name, actor, target, code):
    row = MATRIX[name]
    for path, replacement in row.patches.items():
        monkeypatch.setattr(path, replacement)
    before = row.state(mw, target) if row.state else None
    response = _request(client, mw, name, actor, target)
    _assert_code(response, code, f"{row.method.upper()} {name} as {actor} on {target}")
    if row.state:
        after = row.state(mw, target)
        if code == "R":
            assert after != before, f"{name} as {actor} on {target} redirected but changed nothing"
        else:
            assert after == before, f"{name} as {actor} on {target} was refused but changed {before}→{after}"


# --- a subcontractor ------------------------------------------------------------------------------
# The manager and the worker of an approved subcontractor of contract_a are parties to their own
# link only. On every URL that takes side a's or side b's objects they get what the contractor's
# people get on side b's (FOREIGN), except the cells of SUBCONTRACTOR_OWN: the contractor's
# people, roster, work sites, training and everything else of contract_a stay out of reach.
SUBCONTRACTOR_ACTORS = {"sub_admin": "contractor_admin", "sub_staff": "contractor_staff"}


def _subcontractor_cases():
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for name, row in MATRIX.items():
        cells = row.expectations()
        for target in row.targets:
            if not target.endswith(("_a", "_b")):
                continue
            foreign = target[:-2] + "_b"
            for actor, like in SUBCONTRACTOR_ACTORS.items():
                code = SUBCONTRACTOR_OWN.get((name, target), {}).get(actor) or cells[(like, foreign)]
                yield pytest.param(name, actor, target, code, id=f"{name}-{actor}-{target}")


def test_subcontractor_cases_cover_its_own_cells():
    cases = {(p.values[0], p.values[2]) for p in _subcontractor_cases()}
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    assert set(SUBCONTRACTOR_OWN) <= cases


@pytest.mark.parametrize(("name", "actor", "target", "code"), list(_subcontractor_cases()))
def test_subcontractor_matrix(client, db, mw, monkeypatch, name, actor, target, code):
    test_matrix(client, db, mw, monkeypatch, name, actor, target, code)


POST_ONLY = [name for name, row in MATRIX.items() if row.method == POST]


@pytest.mark.parametrize("actor", LOGGED_IN)
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(client, db, mw, name, actor):
    target = next(iter(MATRIX[name].targets))
    response = _request(client, mw, name, actor, target, method=GET)
    assert response.status_code == 405


# --- pages with conditions the table cannot express ---------------------------------------------


def test_dev_outbox_is_gone_when_disabled(client, db, mw):
    for actor in (ANON, SITE_ADMIN):
        if mw.users[actor]:
            client.force_login(mw.users[actor])
        with override_settings(DEV_OUTBOX=False):
            assert client.get(reverse("core:dev_outbox")).status_code == 404


def test_healthz_tells_no_secrets(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == {"status", "checks"}

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)

    for key in keys(payload):
        assert not any(word in key.upper() for word in ("SECRET", "PASSWORD", "KEY", "TOKEN")), key
    text = response.content.decode()
    secrets = [settings.SECRET_KEY, settings.BLIND_INDEX_KEY, settings.CELERY_BROKER_URL]
    secrets += [part.split(":", 1)[1] for part in settings.FIELD_ENCRYPTION_KEYS.split(",")]
    secrets += [settings.DATABASES["default"].get("PASSWORD") or "", settings.EMAIL_HOST_PASSWORD or ""]
    for secret in filter(None, secrets):
        assert secret not in text
    assert "Traceback" not in text


def test_password_reset_confirm_with_bogus_token_says_invalid(client, db):
    response = client.get(reverse("core:password_reset_confirm", kwargs=BOGUS_RESET["bogus"](None)))
    assert response.status_code == 200
    assert response.context["validlink"] is False
    with override("ja"):
        assert gettext("This link is no longer valid") in response.content.decode()


def test_login_page_redirects_logged_in_people_home(client, db, mw):
    client.force_login(mw.users["auditor"])
    response = client.get(reverse("core:login"))
    assert response.headers["Location"] == reverse("core:home")


# --- content scoping ----------------------------------------------------------------------------


def _listed_names(response) -> set[str]:
    return {o.name for o in response.context["page"].object_list}


@pytest.mark.parametrize("actor", ["contractor_admin", "contractor_staff"])
def test_organisation_list_of_a_contractor_shows_only_itself(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("core:organisation_list"))
    assert _listed_names(response) == {mw.orgs["contractor_a"].name}
    text = response.content.decode()
    for other in ("body_a", "body_b", "contractor_b"):
        assert mw.orgs[other].name not in text


@pytest.mark.parametrize("actor", ["client_admin", "client_staff", "auditor"])
def test_organisation_list_of_a_body_shows_itself_and_its_contractors(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("core:organisation_list"))
    # Its contractors include the subcontractors it brought in (matrix_subcontracts) and the
    # contractor and subcontractor it shares with body b (matrix_tenancy).
    subcontractors = {org.name for org in mw.extra["subcontracts"]["orgs_a"]}
    subcontractors |= {mw.extra["tenancy"].contractor.name, mw.extra["tenancy"].sub.name}
    assert _listed_names(response) == {mw.orgs["body_a"].name, mw.orgs["contractor_a"].name} | subcontractors
    text = response.content.decode()
    for other in ("body_b", "contractor_b"):
        assert mw.orgs[other].name not in text


def test_organisation_list_of_the_site_admin_shows_everything(client, db, mw):
    client.force_login(mw.users[SITE_ADMIN])
    names = _listed_names(client.get(reverse("core:organisation_list")))
    assert names >= {o.name for o in mw.orgs.values()}


def _mark_events(mw: MatrixWorld) -> dict[str, Event]:
    return {
        label: record_event(kind=f"matrix.marker_{label}", organisation_id=org.pk, data={"marker": label})
        for label, org in mw.orgs.items()
    }


# An event with no contract belongs to the organisation it was filed under: a public body does
# not read its contractor's own events (log-ins, member views), for that contractor works for
# other bodies too; events about the body's contracts are scoped by contract (tests/core/test_tenancy.py).
@pytest.mark.parametrize(
    ("actor", "visible"),
    [
        ("auditor", {"body_a"}),
        ("client_admin", {"body_a"}),
        ("contractor_admin", {"contractor_a"}),
        (SITE_ADMIN, set(ORG_LABELS)),
    ],
)
def test_audit_log_shows_only_events_in_scope(client, db, mw, actor, visible):
    markers = _mark_events(mw)
    client.force_login(mw.users[actor])
    # The markers are the newest events, so the first (unfiltered) page would show them.
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 200
    text = response.content.decode()
    shown = {label for label in markers if f"matrix.marker_{label}" in text}
    assert shown == visible
    if actor != SITE_ADMIN:
        own = mw.orgs[next(iter(visible))].pk
        mine = {mw.contracts["contract_a"].pk}
        if actor != "contractor_admin":  # and the contract with the contractor shared with body b
            mine.add(mw.contracts["shared_a"].pk)
        for event in response.context["page"].object_list:
            about_itself = event.object_type == "core.organisation" and event.object_id == str(own)
            assert event.contract_id in mine or (
                event.contract_id is None and (event.organisation_id == own or about_itself)
            )
    # The kind filter is a choice of declared kinds (the markers are not declared): read the page.
    listed = {e.kind for e in response.context["page"].object_list if e.kind.startswith("matrix.")}
    assert listed == {f"matrix.marker_{v}" for v in visible}


def test_auditor_home_shows_no_foreign_events(client, db, mw):
    _mark_events(mw)
    client.force_login(mw.users["auditor"])
    text = client.get(reverse("core:home")).content.decode()
    assert "matrix.marker_body_a" in text
    assert "matrix.marker_body_b" not in text
    assert "matrix.marker_contractor_b" not in text


def test_membership_switch_ignores_foreign_memberships(client, db, mw):
    # The auditor of body a also works for contractor a (two memberships).
    auditor = mw.users["auditor"]
    second = Membership.objects.create(
        user=auditor, organisation=mw.orgs["contractor_a"], role=Role.CONTRACTOR_STAFF
    )
    client.force_login(auditor)
    client.post(reverse("core:membership_switch"), {"membership": mw.members["body_b"].pk, "next": "/"})
    assert SESSION_MEMBERSHIP_KEY not in client.session
    response = client.post(reverse("core:membership_switch"), {"membership": second.pk, "next": "/"})
    assert response.headers["Location"] == "/"
    assert client.session[SESSION_MEMBERSHIP_KEY] == second.pk
    assert client.get(reverse("core:home")).context["membership"].pk == second.pk
    # An open redirect is refused.
    response = client.post(
        reverse("core:membership_switch"), {"membership": second.pk, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_notifications_are_personal(client, db, mw):
    me = mw.users["contractor_staff"]
    mine, foreign = mw.notifications[me.pk], mw.notifications["foreign"]
    client.force_login(me)
    listed = client.get(reverse("core:notification_list")).context["page"].object_list
    assert [n.pk for n in listed] == [mine.pk]
    client.post(reverse("core:notification_read"), {"id": foreign.pk})
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    client.post(reverse("core:notification_read"), {"id": mine.pk})
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    # "Mark all as read" marks only one's own.
    client.force_login(mw.users["auditor"])
    client.post(reverse("core:notification_read"))
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    assert Notification.objects.get(pk=mw.notifications[mw.users["auditor"].pk].pk).read_at is not None
    response = client.post(reverse("core:notification_read"), {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/notifications/"


@pytest.mark.parametrize("actor", ROLE_ACTORS)
def test_contract_list_shows_only_own_contracts(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("contracts:contract_list"))
    # Body a's people also read its contract with the contractor shared with body b
    # (matrix_tenancy), never body b's contract with that contractor.
    expected = {"R7-MATRIX-a"} if actor.startswith("contractor") else {"R7-MATRIX-a", "R7-SHARED-a"}
    assert {c.number for c in response.context["page"].object_list} == expected
    assert "R7-MATRIX-b" not in response.content.decode()
    assert "R7-SHARED-b" not in response.content.decode()


def test_contract_list_of_the_site_admin_shows_every_contract(client, db, mw):
    client.force_login(mw.users[SITE_ADMIN])
    numbers = {c.number for c in client.get(reverse("contracts:contract_list")).context["page"].object_list}
    assert numbers >= {"R7-MATRIX-a", "R7-MATRIX-b"}


@pytest.mark.parametrize("actor", ["client_admin", "contractor_staff"])
def test_calendar_feed_shows_only_own_contracts(client, db, mw, actor):
    token = calendar_token_issue(user=mw.users[actor])
    response = client.get(reverse("compliance:calendar_feed", args=[token]))
    assert response.status_code == 200
    feed = response.content.decode()
    assert "R7-MATRIX-a" in feed
    assert "R7-MATRIX-b" not in feed


def test_matrix_world_is_rolled_back_between_tests(db, mw):
    # A test above deactivated and revoked things; each test starts from the module's state.
    assert Membership.objects.get(pk=mw.members["body_a"].pk).is_active
    assert Invitation.objects.get(pk=mw.invitations["body_a"].pk).revoked_at is None
    assert get_user_model().objects.get(email="a-staff@example.jp").is_active
    assert Notification.objects.get(pk=mw.notifications["foreign"].pk).read_at is None

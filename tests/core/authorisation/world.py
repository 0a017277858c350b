"""The objects every row of the matrix runs against, built once per test module, and the target sets.

See tests/core/authorisation/__init__.py for how rows use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from clauses.models import ClauseTemplate
from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.models import Contract
from contracts.services import contract_activate, contract_create
from contracts.services import flags as flag_services
from contracts.services import roster as roster_services
from core import crypto
from core.models import Invitation, Membership, Notification, Organisation, Role
from core.services import invitations as invitation_services
from core.services import users as user_services
from core.services.notifications import notification_create
from tests import factories
from tests.conftest import World
from tests.contracts.conftest import upload_pledges
from tests.core.authorisation.matrix import ANON, ROLE_ACTORS, SITE_ADMIN, Target

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
    # Objects that rows modules add (their extend_world, see ROW_MODULES in assembly.py).
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
            # Running today: the rows record ledger entries of today, refused after the end.
            end_date=max(date(2026, 3, 31), timezone.localdate() + timedelta(days=180)),
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
    # Imported here: the assembly imports this module's target sets.
    from tests.core.authorisation.assembly import row_modules

    for module in row_modules():
        if hasattr(module, "extend_world"):
            module.extend_world(built)
    return built


# The clause template of the compliance tests: small, and its obligation 3.3 is met by attestation.
MINI_TEMPLATE = Path(__file__).resolve().parents[2] / "clauses" / "data" / "mini.yaml"
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

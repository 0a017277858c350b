"""Tenancy: two public bodies share one contractor and one subcontractor; nobody reads the other
body's contracts through them (issue 8 §1).

The world (tests/core/matrix_tenancy.build_shared): bodies a and b, each with its own contractor
and a contract with it (`own_a`, `own_b`), and each with a contract with the shared contractor
(`shared_a`, `shared_b`), on which the shared contractor submitted a roster and the shared
subcontractor holds an approved link. Every role of each body and side reads the audit log, the
home page's recent activity and every list.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import override

from clauses.services import clause_template_load
from compliance import engine
from contracts.models import Contract, Subcontract
from contracts.services import contract_activate, contract_create
from contracts.services import subcontracts as subcontract_services
from core import crypto
from core.models import Event, Membership
from core.selectors import events_visible_to
from core.services.users import calendar_token_issue
from tests import factories
from tests.core.authorisation import assembly as matrix
from tests.core.matrix_tenancy import build_shared


@pytest.fixture(scope="module")
def tw(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # stands for the test database (core.audit.chain_lock_held)
        atomic.__enter__()
        crypto.data_key_cache.forget()
        engine.clear_caches()
        try:
            sides = {"a": factories.side("ta", "丙"), "b": factories.side("tb", "丁")}
            template = clause_template_load(path=matrix.MINI_TEMPLATE)[0]
            shared = build_shared(sides, template, prefix="tenancy")
            own = {}
            for label, side in sides.items():
                admin = side.client_admin
                contract = contract_create(
                    actor=admin.user,
                    actor_membership=admin,
                    contractor=side.contractor,
                    department=side.dept,
                    number=f"R7-OWN-{label}",
                    title=f"単独受注の業務 {label}",
                    start_date=date(2025, 4, 1),
                    end_date=date(2026, 3, 31),
                    work_start_date=date(2025, 4, 14),
                    clause_template=template,
                )
                own[label] = contract_activate(
                    actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1)
                )
            yield {"sides": sides, "shared": shared, "own": own, "template": template}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            crypto.data_key_cache.forget()
            engine.clear_caches()


# Each actor, and the contract numbers it is party to (every other number must never show).
ACTORS = {
    "a.client_admin": {"R7-OWN-a", "R7-TENANCY-a"},
    "a.client_staff": {"R7-OWN-a", "R7-TENANCY-a"},
    "a.auditor": {"R7-OWN-a", "R7-TENANCY-a"},
    "a.contractor_admin": {"R7-OWN-a"},
    "a.contractor_staff": {"R7-OWN-a"},
    "b.client_admin": {"R7-OWN-b", "R7-TENANCY-b"},
    "b.client_staff": {"R7-OWN-b", "R7-TENANCY-b"},
    "b.auditor": {"R7-OWN-b", "R7-TENANCY-b"},
    "b.contractor_admin": {"R7-OWN-b"},
    "b.contractor_staff": {"R7-OWN-b"},
    "shared.admin": {"R7-TENANCY-a", "R7-TENANCY-b"},
    "shared.staff": {"R7-TENANCY-a", "R7-TENANCY-b"},
    # Party to its own link on both contracts, never to the contracts as a whole.
    "shared.sub_admin": {"R7-TENANCY-a", "R7-TENANCY-b"},
    "shared.sub_staff": {"R7-TENANCY-a", "R7-TENANCY-b"},
}
ALL_NUMBERS = {"R7-OWN-a", "R7-OWN-b", "R7-TENANCY-a", "R7-TENANCY-b"}


def _membership(tw, actor: str) -> Membership:
    where, role = actor.split(".")
    owner = tw["shared"] if where == "shared" else tw["sides"][where]
    return getattr(owner, role)


def _expected_event_ids(membership: Membership) -> set[int]:
    """The rule of issue 8 §1, restated over every event in Python."""
    org = membership.organisation_id
    contracts = {c.pk: c for c in Contract.objects.all()}
    links = list(Subcontract.objects.all())
    own_paths = [link.path for link in links if link.subcontractor_id == org]
    visible = set()
    for event in Event.objects.all():
        if event.contract_id is None:
            ok = event.organisation_id == org or (
                event.object_type == "core.organisation" and event.object_id == str(org)
            )
        else:
            contract = contracts[event.contract_id]
            if membership.is_client_side:
                ok = contract.public_body_id == org
            else:
                below = [
                    link
                    for link in links
                    if link.contract_id == contract.pk and any(link.path.startswith(p) for p in own_paths)
                ]
                ok = (
                    contract.contractor_id == org
                    or event.organisation_id in {link.subcontractor_id for link in below}
                    or (
                        event.object_type == "contracts.subcontract"
                        and event.object_id in {str(link.pk) for link in below}
                    )
                )
        if ok:
            visible.add(event.pk)
    return visible


AUDIT_READERS = [
    a
    for a in ACTORS
    if a.split(".")[1] in ("client_admin", "auditor", "contractor_admin", "admin", "sub_admin")
]


@pytest.mark.parametrize("actor", AUDIT_READERS)
def test_the_audit_log_holds_only_the_events_of_the_readers_tenant(db, tw, actor):
    membership = _membership(tw, actor)
    shown = set(events_visible_to(membership.user, membership).values_list("pk", flat=True))
    assert shown == _expected_event_ids(membership)
    assert shown, "every reader has events of its own"
    other = {c.pk for c in Contract.objects.exclude(number__in=ACTORS[actor])}
    assert not Event.objects.filter(pk__in=shown, contract_id__in=other).exists()


@pytest.mark.parametrize("label", ["a", "b"])
def test_a_body_does_not_see_the_shared_contractors_work_for_the_other_body(db, tw, label):
    """The case found with the demo: 練馬区's auditor saw the shared contractor's roster.submitted
    on 所沢市's contract."""
    other = "b" if label == "a" else "a"
    theirs = tw["shared"].contracts[other]
    mine = tw["shared"].contracts[label]
    for role in ("auditor", "client_admin"):
        membership = getattr(tw["sides"][label], role)
        events = events_visible_to(membership.user, membership)
        assert events.filter(kind="roster.submitted", contract_id=mine.pk).exists()
        assert not events.filter(contract_id=theirs.pk).exists()
        # Nor the shared companies' own events (log-ins, member views): they are theirs.
        assert not events.filter(
            organisation_id=tw["shared"].contractor.pk, contract_id__isnull=True
        ).exists()


def test_the_subcontractor_reads_only_its_own_part_of_the_chain(db, tw):
    sub = tw["shared"].sub_admin
    events = events_visible_to(sub.user, sub)
    for link in tw["shared"].links.values():
        # The decision on its application, yes; the contractor's roster, no.
        assert events.filter(kind="subcontract.approved", object_id=str(link.pk)).exists()
        assert not events.filter(kind="roster.submitted", contract_id=link.contract_id).exists()


@pytest.mark.parametrize("actor", AUDIT_READERS)
def test_the_audit_log_page_and_its_filter_are_scoped(client, db, tw, actor):
    membership = _membership(tw, actor)
    expected = _expected_event_ids(membership)
    client.force_login(membership.user)
    for query in ({}, {"kind": "roster."}, {"kind": "subcontract."}, {"since": "2000-01-01"}):
        page = client.get(reverse("core:audit_log"), query).context["page"]
        assert {e.pk for e in page.object_list} <= expected | _new_view_events(membership)


def _new_view_events(membership: Membership) -> set[int]:
    # The page records its own view (audit_log.viewed) under the reader's organisation.
    return set(
        Event.objects.filter(kind="audit_log.viewed", actor=membership.user).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("label", ["a", "b"])
def test_the_auditors_recent_activity_is_scoped(client, db, tw, label):
    membership = tw["sides"][label].auditor
    client.force_login(membership.user)
    response = client.get(reverse("core:home"))
    recent = response.context["recent_events"]
    assert recent, "the body's own contracts have events"
    assert {e.pk for e in recent} <= _expected_event_ids(membership)


def _get_urls():
    """Every page that takes no object (lists, dashboards, the audit log, forms), from the matrix."""
    return sorted(
        name for name, row in matrix.MATRIX.items() if row.targets is matrix.NONE and row.method == matrix.GET
    )


@pytest.mark.parametrize("actor", list(ACTORS))
def test_no_list_or_dashboard_names_a_contract_the_reader_is_no_party_to(client, db, tw, actor):
    membership = _membership(tw, actor)
    foreign = ALL_NUMBERS - ACTORS[actor]
    client.force_login(membership.user)
    for name in _get_urls():
        response = client.get(reverse(name))
        assert response.status_code < 500 or name == "core:healthz", name
        text = response.content.decode(errors="replace")
        for number in foreign:
            assert number not in text, f"{name} shows {number} to {actor}"
    token = calendar_token_issue(user=membership.user)
    feed = client.get(reverse("compliance:calendar_feed", args=[token])).content.decode()
    for number in foreign:
        assert number not in feed


@pytest.mark.parametrize("label", ["a", "b"])
def test_a_contractor_is_not_shown_the_bodys_other_suppliers(client, db, tw, label):
    side = tw["sides"][label]
    client.force_login(side.contractor_admin.user)
    own = tw["own"][label]
    response = client.get(reverse("contracts:subcontract_create", args=[own.pk]))
    text = response.content.decode()
    for org in (tw["shared"].contractor, tw["shared"].sub):
        assert org.name not in text
    assert list(response.context["form"].fields["subcontractor"].queryset) == []


def test_a_new_subcontractor_is_named_by_its_registered_name(client, db, tw):
    side = tw["sides"]["a"]
    own = tw["own"]["a"]
    client.force_login(side.contractor_admin.user)
    data = {
        **{k: v for k, v in subcontract_fields().items() if not isinstance(v, bool)},
        "handles_personal_info": "on",
        "precheck_confirmed": "on",
        "equivalent_terms": "on",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
    }
    # A company body a does not work with (contractor b): the same answer as an unknown name.
    with override("ja"):
        response = client.post(
            reverse("contracts:subcontract_create", args=[own.pk]),
            {**data, "subcontractor_name": tw["sides"]["b"].contractor.name},
        )
        errors = response.context["form"].errors["subcontractor_name"]
        assert "発注者に登録されている名称" in errors[0]
        unknown = client.post(
            reverse("contracts:subcontract_create", args=[own.pk]),
            {**data, "subcontractor_name": "存在しない株式会社"},
        )
        assert unknown.context["form"].errors["subcontractor_name"] == errors
    response = client.post(
        reverse("contracts:subcontract_create", args=[own.pk]),
        {**data, "subcontractor_name": f" {tw['shared'].sub.name} "},
    )
    assert response.status_code == 302
    link = Subcontract.objects.get(contract=own)
    assert link.subcontractor == tw["shared"].sub
    # From now on the relation exists: it is offered in the list.
    assert tw["shared"].sub in subcontract_services.known_subcontractors(tw["own"]["a"])


def subcontract_fields() -> dict:
    from tests.core.matrix_tenancy import SUBCONTRACT_FIELDS

    return SUBCONTRACT_FIELDS


# --- the contract form ---------------------------------------------------------------------------


def test_the_contract_form_offers_the_contractors_people_by_company(client, db, tw):
    side = tw["sides"]["a"]
    client.force_login(side.client_admin.user)
    with override("ja"):
        response = client.get(reverse("contracts:contract_create"))
    field = response.context["form"].fields["contractor_responsible"]
    groups = dict(field.choices[1:])
    shared = tw["shared"]
    # Only body a's contractors; each person labelled with the company (three 「山田 太郎」).
    assert set(groups) == {side.contractor.name, shared.contractor.name, shared.sub.name}
    labels = {label for options in groups.values() for _, label in options}
    assert f"{shared.admin.user.full_name}（{shared.contractor.name}）" in labels
    text = response.content.decode()
    assert f'<optgroup label="{shared.contractor.name}">' in text
    assert tw["sides"]["b"].contractor.name not in text
    assert tw["sides"]["b"].contractor_admin.user.email not in text


def _contract_fields(tw, **overrides) -> dict:
    fields = {
        "contractor": tw["sides"]["a"].contractor,
        "number": f"R7-T-{factories.next_number()}",
        "title": "確認業務",
        "start_date": date(2025, 4, 1),
        "end_date": date(2026, 3, 31),
        "work_start_date": date(2025, 4, 14),
        "clause_template": tw["template"],
    }
    fields.update(overrides)
    return fields


def test_the_service_refuses_another_companys_person(db, tw):
    admin = tw["sides"]["a"].client_admin
    shared = tw["shared"]
    with override("ja"), pytest.raises(ValidationError) as caught:
        contract_create(
            actor=admin.user,
            actor_membership=admin,
            **_contract_fields(tw, contractor_responsible=shared.admin.user),
        )
    message = caught.value.message_dict["contractor_responsible"][0]
    assert tw["sides"]["a"].contractor.name in message and "選んだ受注者" in message
    # A person of body b as the client's responsible staff, or body a's auditor: refused too.
    for person in (tw["sides"]["b"].client_staff.user, tw["sides"]["a"].auditor.user):
        with pytest.raises(ValidationError) as caught:
            contract_create(
                actor=admin.user, actor_membership=admin, **_contract_fields(tw, client_responsible=person)
            )
        assert "client_responsible" in caught.value.message_dict
    # The right people pass.
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        **_contract_fields(
            tw,
            contractor=shared.contractor,
            contractor_responsible=shared.staff.user,
            client_responsible=tw["sides"]["a"].client_staff.user,
        ),
    )
    assert contract.contractor_responsible == shared.staff.user


def test_the_form_shows_a_mismatch_at_the_field(client, db, tw):
    side, shared = tw["sides"]["a"], tw["shared"]
    client.force_login(side.client_admin.user)
    with override("ja"):
        response = client.post(
            reverse("contracts:contract_create"),
            {
                "number": "R7-MISMATCH",
                "title": "確認業務",
                "contractor": side.contractor.pk,
                "clause_template": tw["template"].pk,
                "start_date": "2025-04-01",
                "end_date": "2026-03-31",
                "work_start_date": "2025-04-14",
                "contractor_responsible": shared.admin.user.pk,
            },
        )
    assert response.status_code == 200
    assert "選んだ受注者" in response.context["form"].errors["contractor_responsible"][0]
    assert not Contract.objects.filter(number="R7-MISMATCH").exists()

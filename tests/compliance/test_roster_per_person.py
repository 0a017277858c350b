"""002 §4.2: every worker is approved by the public body before working — one duty per person,
met by the approval of the roster (change) that names that person, not by any approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.models import Person
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from core.models import Event
from tests import factories
from tests.contracts.conftest import upload_pledges

TODAY = timezone.localdate()
START = TODAY - timedelta(days=30)


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def contract(db):
    side = factories.side("rp", "承")
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    admin = side.client_admin
    draft = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-RP-002",
        title="名簿承認確認業務",
        start_date=START,
        end_date=TODAY + timedelta(days=300),
        work_start_date=TODAY + timedelta(days=20),
        clause_template=template,
        handles_personal_info=True,
    )
    contracted = contract_activate(actor=admin.user, actor_membership=admin, contract=draft, signed_on=START)
    contracted.side = side
    return contracted


def _change(contract, names: list[str], *, approve: bool):
    side = contract.side
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    for name in names:
        roster_person_add(
            actor=manager.user,
            actor_membership=manager,
            change=change,
            full_name=name,
            role="worker",
            affiliation="情報システム部",
            start_date=TODAY + timedelta(days=20),
            planned_end_date=TODAY + timedelta(days=300),
        )
    upload_pledges(side, change)
    change = roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    if approve:
        staff = side.client_staff
        change = roster_change_act(actor=staff.user, actor_membership=staff, change=change, action=A.APPROVE)
    return change


def _duty_of(contract, name: str) -> Duty:
    person = next(p for p in Person.objects.filter(contract=contract) if p.full_name == name)
    return Duty.objects.get(
        contract=contract, obligation__key="4.2-roster", subject=f"contracts.person:{person.pk}"
    )


def test_each_worker_has_a_duty_met_by_the_approval_naming_them(contract):
    _change(contract, ["佐藤花子", "鈴木次郎"], approve=True)
    for name in ("佐藤花子", "鈴木次郎"):
        duty = _duty_of(contract, name)
        assert duty.state == Duty.State.FULFILLED and duty.on_time is True
        assert duty.due_date < TODAY + timedelta(days=20)  # a business day before their start
    # The approval's event names the people by reference only, never by name.
    approved = Event.objects.filter(contract_id=contract.pk, kind="roster.approved").latest("pk")
    assert len(approved.data["subjects"]) == 2 and "佐藤花子" not in str(approved.data)


def test_a_submitted_roster_does_not_meet_it_until_the_body_approves(contract):
    change = _change(contract, ["佐藤花子"], approve=False)
    assert _duty_of(contract, "佐藤花子").state == Duty.State.OPEN
    staff = contract.side.client_staff
    roster_change_act(actor=staff.user, actor_membership=staff, change=change, action=A.APPROVE)
    assert _duty_of(contract, "佐藤花子").state == Duty.State.FULFILLED


def test_an_approval_given_earlier_counts_from_its_day(contract):
    # Recorded today, given ten days ago (effective_on): each person's duty is met on that day, so a
    # person who started five days ago was approved in time.
    side = contract.side
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    roster_person_add(
        actor=manager.user,
        actor_membership=manager,
        change=change,
        full_name="先行 承認",
        role="worker",
        affiliation="情報システム部",
        start_date=TODAY - timedelta(days=5),
        planned_end_date=TODAY + timedelta(days=300),
    )
    upload_pledges(side, change)
    change = roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    staff = side.client_staff
    roster_change_act(
        actor=staff.user,
        actor_membership=staff,
        change=change,
        action=A.APPROVE,
        effective_on=TODAY - timedelta(days=10),
    )
    duty = _duty_of(contract, "先行 承認")
    assert duty.state == Duty.State.FULFILLED and duty.on_time is True

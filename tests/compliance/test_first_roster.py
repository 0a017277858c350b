"""The first roster is not a change of personnel: the duties of a change (001 §8 notice, 002 §4.3
prior approval, 004 §3.3 updated roster) open only once a roster is in force (applies_if
roster_in_force), for the people who join or leave after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from tests import factories
from tests.contracts.conftest import upload_pledges

TODAY = timezone.localdate()
CHANGE_DUTY = {
    "001": "8-personnel-change-notice",
    "002": "4.3-change-prior-approval",
    "004": "3.3-roster-update",
}


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


def _contract(seed: str):
    side = factories.side(f"fr{seed}", f"初{seed}")
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(f"{seed}-*.yaml")))
    admin = side.client_admin
    draft = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number=f"R7-FR-{seed}",
        title="当初名簿確認業務",
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY + timedelta(days=300),
        work_start_date=TODAY + timedelta(days=20),
        clause_template=template,
        handles_personal_info=True,
    )
    contract = contract_activate(
        actor=admin.user, actor_membership=admin, contract=draft, signed_on=draft.start_date
    )
    return side, contract


def _roster(side, contract, name: str, role: str = "worker"):
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    roster_person_add(
        actor=manager.user,
        actor_membership=manager,
        change=change,
        full_name=name,
        role=role,
        affiliation="情報システム部",
        start_date=TODAY + timedelta(days=20),
        planned_end_date=TODAY + timedelta(days=300),
    )
    upload_pledges(side, change)
    change = roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    if change.needs_approval:
        staff = side.client_staff
        roster_change_act(actor=staff.user, actor_membership=staff, change=change, action=A.APPROVE)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(CHANGE_DUTY))
def test_the_first_roster_opens_no_change_duty_a_later_addition_does(seed):
    side, contract = _contract(seed)
    _roster(side, contract, "管理 花子", role="responsible")
    if seed == "004":
        _roster(side, contract, "責任 太郎", role="security_officer")
    changes = Duty.objects.filter(contract=contract, obligation__key=CHANGE_DUTY[seed])
    before = changes.count()
    if seed != "004":
        assert before == 0, "the first roster is not a change of personnel"
    _roster(side, contract, "従事 一郎")
    assert changes.count() == before + 1


@pytest.mark.django_db
def test_004_each_persons_confidentiality_is_standing_and_shown_by_their_pledge():
    # 004 §4.2: every 取扱者 keeps the information secret while employed and after leaving — one
    # undated duty per person, met by that person's pledge (§3.3), which 004 wants first.
    side, contract = _contract("004")
    _roster(side, contract, "責任 太郎", role="security_officer")
    duties = Duty.objects.filter(contract=contract, obligation__key="4.2-confidentiality-each-person")
    assert duties.count() == 1
    duty = duties.get()
    assert (
        duty.due_date is None
        and duty.state == Duty.State.FULFILLED
        and duty.subject.startswith("contracts.person:")
    )

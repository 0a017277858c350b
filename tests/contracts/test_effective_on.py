"""A roster or work-site change recorded with effect from a past day (an approval or notice given
before it reached the portal): the roster of that day shows it, and the day is validated."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from contracts.models import PersonRole
from contracts.selectors.roster import people_on, roster_in_force
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from core.models import Event
from tests.contracts.conftest import END, START, TODAY, upload_pledges


def _change_with_one(side, contract):
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    roster_person_add(
        actor=manager.user,
        actor_membership=manager,
        change=change,
        full_name="過去 承認者",
        role=PersonRole.WORKER,
        start_date=START + timedelta(days=10),
        planned_end_date=END,
    )
    upload_pledges(side, change)
    return change


def _act(side, change, action, *, client=False, on=None):
    m = side.client_staff if client else side.contractor_admin
    return roster_change_act(actor=m.user, actor_membership=m, change=change, action=action, effective_on=on)


def test_an_approval_with_effect_from_a_past_day_shows_on_that_days_roster(side, approval_contract):
    change = _act(side, _change_with_one(side, approval_contract), A.SUBMIT)
    approved_on = START + timedelta(days=5)
    _act(side, change, A.APPROVE, client=True, on=approved_on)
    assert roster_in_force(approval_contract, approved_on).count() == 1
    assert not roster_in_force(approval_contract, approved_on - timedelta(days=1)).exists()
    assert people_on(approval_contract, START + timedelta(days=12)).count() == 1
    # The decision itself is recorded when it was entered: the audit trail claims nothing else.
    event = Event.objects.filter(kind="roster.approved", contract_id=approval_contract.pk).get()
    assert event.occurred_at.date() >= TODAY - timedelta(days=1)


def test_a_notice_with_effect_from_a_past_day(side, notice_contract):
    _act(side, _change_with_one(side, notice_contract), A.SUBMIT, on=START + timedelta(days=3))
    assert roster_in_force(notice_contract, START + timedelta(days=3)).count() == 1


@pytest.mark.parametrize(
    "on, message",
    [
        (TODAY + timedelta(days=1), "future"),
        (START - timedelta(days=1), "contract period"),
    ],
)
def test_the_effective_day_is_validated(side, approval_contract, on, message):
    change = _act(side, _change_with_one(side, approval_contract), A.SUBMIT)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _act(side, change, A.APPROVE, client=True, on=on)
    assert message in " ".join(exc.value.message_dict["effective_on"])


def test_not_before_an_earlier_change_nor_on_a_submission_that_needs_approval(
    side, notice_contract, approval_contract
):
    _act(side, _change_with_one(side, notice_contract), A.SUBMIT, on=START + timedelta(days=5))
    with translation.override("en"), pytest.raises(ValidationError, match="earlier change"):
        _act(side, _change_with_one(side, notice_contract), A.SUBMIT, on=START + timedelta(days=4))
    with translation.override("en"), pytest.raises(ValidationError, match="approval or a notice"):
        _act(side, _change_with_one(side, approval_contract), A.SUBMIT, on=START)

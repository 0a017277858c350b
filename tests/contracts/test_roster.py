from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from compliance.models import Duty
from contracts.models import Employment, PersonRole, RosterEntry
from contracts.selectors.roster import current_entries, is_approved_to_work, people_on, roster_in_force
from contracts.services.roster import (
    roster_change_act,
    roster_change_open,
    roster_entry_change,
    roster_entry_discard,
    roster_person_add,
)
from core.approvals import ApprovalAction as A
from core.models import Event
from tests.contracts.conftest import END, START, TODAY, upload_pledges


def _add(side, change, name, **kw):
    entry = {
        "role": PersonRole.WORKER,
        "start_date": START + timedelta(days=10),
        "planned_end_date": END,
    }
    entry.update(kw)
    return roster_person_add(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        change=change,
        full_name=name,
        **entry,
    )


def _act(side, change, action, reason="", *, client=False):
    m = side.client_staff if client else side.contractor_admin
    return roster_change_act(actor=m.user, actor_membership=m, change=change, action=action, reason=reason)


def test_prior_approval_roster_cycle(side, approval_contract):
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=approval_contract
    )
    assert change.needs_approval is True
    lead = _add(side, change, "作業 責任者", role=PersonRole.RESPONSIBLE).person
    extra = _add(side, change, "追加 予定者").person
    change = _act(side, change, A.SUBMIT)
    # Submitted is not approved: nobody may work yet.
    assert not people_on(approval_contract, TODAY).exists()
    assert not is_approved_to_work(lead, TODAY)
    change = _act(side, change, A.RETURN, "追加予定者は不要です", client=True)
    assert change.decision_reason == "追加予定者は不要です"
    roster_entry_discard(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, change=change, person=extra
    )
    change = _act(side, change, A.SUBMIT)
    change = _act(side, change, A.APPROVE, client=True)
    assert change.effective_at is not None
    assert [e.person for e in roster_in_force(approval_contract)] == [lead]
    kinds = list(
        Event.objects.filter(
            contract_id=approval_contract.pk,
            kind__in=["roster.submitted", "roster.returned", "roster.approved"],
        )
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["roster.submitted", "roster.returned", "roster.submitted", "roster.approved"], kinds
    assert Event.objects.filter(kind="person.added", data__subject=f"contracts.person:{lead.pk}").exists()
    # The approval meets the clauses' duty of approving the lead before work: as the responsible
    # person (002 §4.1, the designation's own duty), not again as a worker (§4.2 is each
    # worker's); the first roster is no change of personnel, so no change duty opened.
    designation = Duty.objects.get(contract=approval_contract, obligation__key="4.1-responsible-person")
    assert designation.state == Duty.State.FULFILLED
    assert not Duty.objects.filter(
        contract=approval_contract, obligation__kind="roster", subject=f"contracts.person:{lead.pk}"
    ).exists()
    assert not Duty.objects.filter(
        contract=approval_contract, obligation__kind="personnel-prior-approval"
    ).exists()


def test_notice_only_roster_counts_from_submission(side, notice_contract):
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=notice_contract
    )
    assert change.needs_approval is False
    person = _add(side, change, "届出 太郎").person
    upload_pledges(side, change)
    change = _act(side, change, A.SUBMIT)
    assert change.effective_at is not None and is_approved_to_work(person, TODAY)
    assert Event.objects.filter(kind="roster.change_notified", contract_id=notice_contract.pk).exists()
    with pytest.raises(ValidationError):
        _act(side, change, A.WITHDRAW)  # already in force
    # The next change can start while the public body has not acknowledged the last one.
    assert (
        roster_change_open(
            actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=notice_contract
        ).number
        == 2
    )


def test_the_roster_of_any_past_date_can_be_rebuilt(side, notice_contract):
    first = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=notice_contract
    )
    stays = _add(side, first, "継続 花子").person
    leaves = _add(side, first, "退任 次郎").person
    upload_pledges(side, first)
    _act(side, first, A.SUBMIT)
    second = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=notice_contract
    )
    roster_entry_change(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        change=second,
        person=leaves,
        remove=True,
        planned_end_date=TODAY + timedelta(days=30),
    )
    roster_entry_change(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        change=second,
        person=stays,
        planned_end_date=END,
        role=PersonRole.RESPONSIBLE,
    )
    yesterday_cutoff = TODAY - timedelta(days=1)
    before = {e.person_id: e for e in current_entries(notice_contract, pending=True)}
    assert before[leaves.pk].action == RosterEntry.Action.REMOVE  # as it would become
    _act(side, second, A.SUBMIT)
    now = {e.person_id: e for e in roster_in_force(notice_contract)}
    assert set(now) == {stays.pk} and now[stays.pk].role == PersonRole.RESPONSIBLE
    # Yesterday (before both changes took effect) the roster was empty; versions are never edited.
    assert not roster_in_force(notice_contract, yesterday_cutoff).exists()
    assert RosterEntry.objects.filter(person=leaves).count() == 2


def test_only_the_contractors_manager_edits_and_only_the_public_body_decides(side, approval_contract):
    with pytest.raises(PermissionDenied):
        roster_change_open(
            actor=side.contractor_staff.user,
            actor_membership=side.contractor_staff,
            contract=approval_contract,
        )
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=approval_contract
    )
    with pytest.raises(PermissionDenied):
        roster_person_add(
            actor=side.client_staff.user,
            actor_membership=side.client_staff,
            change=change,
            full_name="x",
            start_date=START + timedelta(days=10),
        )
    _add(side, change, "申請 一郎")
    change = _act(side, change, A.SUBMIT)
    with pytest.raises(PermissionDenied):
        roster_change_act(
            actor=side.contractor_admin.user,
            actor_membership=side.contractor_admin,
            change=change,
            action=A.APPROVE,
        )
    with pytest.raises(ValidationError):
        _add(side, change, "提出後 追加")  # a submitted change is frozen


def test_validation_keeps_the_rules_of_the_clauses(side, approval_contract):
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=approval_contract
    )
    with pytest.raises(ValidationError) as exc:
        _add(side, change, "派遣 花子", employment=Employment.DISPATCH)
    assert "dispatch_terms_confirmed" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _add(side, change, "期間外 太郎", start_date=END + timedelta(days=1))
    assert "start_date" in exc.value.error_dict
    with pytest.raises(ValidationError):
        _act(side, change, A.SUBMIT)  # nothing in it


def test_names_are_encrypted_under_the_contracts_key(side, approval_contract):
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=approval_contract
    )
    person = _add(side, change, "暗号 化子", contact="090-0000-0000").person
    assert person.data_key_id == approval_contract.data_key_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, contact FROM contracts_person WHERE id = %s", [person.pk])
        row = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in row) and "暗号" not in "".join(row)


def test_designating_the_responsible_person_meets_the_clause(side):
    """004 §3.2: the security officer and the responsible person are named and notified."""
    from clauses.library import LIBRARY_DIR
    from clauses.services import clause_template_load
    from tests.contracts.conftest import _contract

    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("004-*.yaml")))
    contract = _contract(side, template, "R7-ROSTER-004")
    change = roster_change_open(
        actor=side.contractor_admin.user, actor_membership=side.contractor_admin, contract=contract
    )
    _add(side, change, "責任 者子", role=PersonRole.RESPONSIBLE)
    # Both are named: the 管理責任者 alone does not meet §3.2 (tests/compliance/test_evidence_conditions.py).
    _add(side, change, "情報 保全", role=PersonRole.SECURITY_OFFICER)
    upload_pledges(side, change)  # 004 §3.3 asks a pledge of every handler
    _act(side, change, A.SUBMIT)
    duty = Duty.objects.get(contract=contract, obligation__key="3.2-responsible-person")
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "responsible_person.designated"

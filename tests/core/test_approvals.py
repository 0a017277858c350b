import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.approvals import ApprovalAction, ApprovalPolicy, ApprovalState, allowed_actions, approval_transition
from core.models import Event, Notification
from tests.approvals_app.models import Application

A, S = ApprovalAction, ApprovalState


@pytest.fixture
def policy(world):
    contractor, client = world.a.contractor_admin.user, world.a.client_staff.user
    return ApprovalPolicy(
        event_prefix="application",
        can_submit=lambda actor, obj: actor.pk == contractor.pk,
        can_decide=lambda actor, obj: actor.pk == client.pk,
        notify=lambda obj, action: [client] if action == A.SUBMIT else [contractor],
        title=lambda obj: f"申請「{obj.title}」",
    )


@pytest.fixture
def application(db):
    return Application.objects.create(title="作業場所", contract_id=77)


def _move(world, obj, action, policy, reason="", actor=None):
    actor = actor or (
        world.a.contractor_admin.user if action in (A.SUBMIT, A.WITHDRAW) else world.a.client_staff.user
    )
    return approval_transition(actor=actor, obj=obj, action=action, policy=policy, reason=reason)


def test_submit_return_resubmit_approve(world, application, policy):
    obj = _move(world, application, A.SUBMIT, policy)
    assert obj.approval_state == S.SUBMITTED and obj.submitted_by == world.a.contractor_admin.user
    obj = _move(world, obj, A.RETURN, policy, reason="氏名のふりがなが抜けています")
    assert obj.approval_state == S.RETURNED and obj.decision_reason == "氏名のふりがなが抜けています"
    obj = _move(world, obj, A.SUBMIT, policy)
    assert obj.decided_by is None and obj.decision_reason == ""
    obj = _move(world, obj, A.APPROVE, policy)
    assert obj.approval_state == S.APPROVED and obj.decided_by == world.a.client_staff.user
    kinds = list(
        Event.objects.filter(object_type="approvals_test.application")
        .order_by("id")
        .values_list("kind", "contract_id")
    )
    assert kinds == [
        ("application.submitted", 77),
        ("application.returned", 77),
        ("application.submitted", 77),
        ("application.approved", 77),
    ]
    # The other side hears about it in the portal.
    assert (
        Notification.objects.filter(
            user=world.a.client_staff.user, title__contains="申請「作業場所」"
        ).count()
        == 2
    )
    assert Notification.objects.filter(user=world.a.contractor_admin.user).count() == 2


@pytest.mark.parametrize("action", [A.RETURN, A.REJECT])
def test_return_and_reject_need_a_reason(world, application, policy, action):
    obj = _move(world, application, A.SUBMIT, policy)
    with pytest.raises(ValidationError) as exc:
        _move(world, obj, action, policy, reason="  ")
    assert "reason" in exc.value.error_dict
    obj.refresh_from_db()
    assert obj.approval_state == S.SUBMITTED


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, A.APPROVE),
        (S.APPROVED, A.SUBMIT),
        (S.APPROVED, A.RETURN),
        (S.REJECTED, A.SUBMIT),
        (S.DRAFT, A.WITHDRAW),
    ],
)
def test_transitions_outside_the_table_are_refused(world, application, policy, state, action):
    Application.objects.filter(pk=application.pk).update(approval_state=state)
    with pytest.raises(ValidationError):
        _move(world, application, action, policy, reason="x")
    application.refresh_from_db()
    assert application.approval_state == state
    assert not Event.objects.filter(object_type="approvals_test.application").exists()


def test_only_the_right_side_acts(world, application, policy):
    with pytest.raises(PermissionDenied):
        _move(world, application, A.SUBMIT, policy, actor=world.a.client_staff.user)
    obj = _move(world, application, A.SUBMIT, policy)
    with pytest.raises(PermissionDenied):
        _move(world, obj, A.APPROVE, policy, actor=world.a.contractor_admin.user)


def test_withdraw_by_the_submitter_while_pending(world, application, policy):
    obj = _move(world, application, A.SUBMIT, policy)
    obj = _move(world, obj, A.WITHDRAW, policy)
    assert obj.approval_state == S.DRAFT and obj.submitted_at is None
    assert Event.objects.filter(kind="application.withdrawn").exists()


def test_allowed_actions_follow_the_table():
    assert set(allowed_actions(S.SUBMITTED)) == {A.WITHDRAW, A.APPROVE, A.RETURN, A.REJECT}
    assert allowed_actions(S.APPROVED) == []

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

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


# --- the kit (core.approvables): registry, home-page lists, buttons, numbering -----------------


def _submitted(world, side, title="名簿の変更"):
    return Application.objects.create(
        title=title,
        contract_id=side.body.pk,
        approval_state=S.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=side.contractor_admin.user,
    )


def test_a_registered_approvable_waits_on_the_deciding_sides_home(client, world):
    from core.approvables import kind_of

    assert kind_of(Application).event_prefix == "application"
    _submitted(world, world.a, title="甲の申請")
    _submitted(world, world.b, title="乙の申請")
    client.force_login(world.a.client_staff.user)
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    # Found through the registry: no app lists the test approvable by hand.
    assert "申請「甲の申請」" in body and "/approvals-test/" in body
    assert "乙の申請" not in body  # the app's scoping filter: another body's is not shown
    [row] = [p for p in _panel(response, "pending") if p["object"].title == "甲の申請"]
    assert row["where"] == f"試験{world.a.body.pk}" and row["party"] == "試験の相手方"


def _panel(response, name):
    return next(ctx[name] for _template, ctx in response.context["panels"] if name in ctx)


def test_what_was_returned_is_listed_on_the_submitting_sides_home(client, world):
    client.force_login(world.a.contractor_admin.user)
    assert "h-returned" not in client.get(reverse("core:home")).content.decode()  # hidden while empty
    Application.objects.create(
        title="甲の差戻し",
        contract_id=world.a.contractor.pk,
        approval_state=S.RETURNED,
        decided_at=timezone.now(),
        decision_reason="ふりがなが抜けています",
    )
    Application.objects.create(
        title="乙の差戻し", contract_id=world.b.contractor.pk, approval_state=S.RETURNED
    )
    body = client.get(reverse("core:home")).content.decode()
    assert "申請「甲の差戻し」" in body and "ふりがなが抜けています" in body
    assert "乙の差戻し" not in body


def test_the_lists_are_one_query_for_every_kind_plus_one_per_kind_listed(world, django_assert_num_queries):
    from core.approvables import approvable_kinds, pending_for

    assert len(approvable_kinds()) > 1  # the contracts app's and the test app's
    with django_assert_num_queries(1):  # the UNION over every registered kind
        assert pending_for(world.a.client_staff.user, world.a.client_staff) == []
    for i in range(3):
        _submitted(world, world.a, title=f"申請{i}")
    with django_assert_num_queries(2):  # and the rows of the one kind that has any
        rows = pending_for(world.a.client_staff.user, world.a.client_staff)
    assert [r["object"].title for r in rows] == ["申請0", "申請1", "申請2"]  # oldest first


def test_actions_for_follows_the_state_the_side_and_the_submitter(world):
    from core.approvables import actions_for

    a = world.a
    draft = Application.objects.create(title="x", contract_id=a.contractor.pk)
    assert actions_for(a.contractor_admin.user, a.contractor_admin, draft) == {"submit", "edit"}
    assert actions_for(a.client_staff.user, a.client_staff, draft) == set()
    assert actions_for(world.b.contractor_admin.user, world.b.contractor_admin, draft) == set()
    pending = Application.objects.create(
        title="y", contract_id=a.body.pk, approval_state=S.SUBMITTED, submitted_by=a.contractor_admin.user
    )
    assert actions_for(a.client_staff.user, a.client_staff, pending) == {"approve", "return", "reject"}
    pending.contract_id = a.contractor.pk
    assert actions_for(a.contractor_admin.user, a.contractor_admin, pending) == {"withdraw"}
    # Only the person who submitted withdraws (approval_transition refuses anyone else).
    pending.submitted_by = a.client_admin.user
    assert actions_for(a.contractor_admin.user, a.contractor_admin, pending) == set()
    pending.approval_state = S.APPROVED
    assert actions_for(a.client_staff.user, a.client_staff, pending) == set()


def test_actions_for_leaves_out_what_the_domain_does_not_offer(world, monkeypatch):
    from dataclasses import replace

    from core import approvables

    kind = approvables.kind_of(Application)
    no_reject = lambda membership: replace(  # noqa: E731
        kind.policy(membership), offers=lambda obj, action: action != A.REJECT
    )
    monkeypatch.setitem(approvables._by_model, Application, replace(kind, policy=no_reject))
    a = world.a
    pending = Application.objects.create(title="z", contract_id=a.body.pk, approval_state=S.SUBMITTED)
    assert approvables.actions_for(a.client_staff.user, a.client_staff, pending) == {"approve", "return"}


def test_next_number_counts_per_contract(db):
    from types import SimpleNamespace

    from core.approvables import next_number

    first, other = SimpleNamespace(pk=77), SimpleNamespace(pk=78)
    assert next_number(Application, first) == 1
    Application.objects.create(title="a", contract_id=77, number=1)
    Application.objects.create(title="b", contract_id=77, number=2)
    assert next_number(Application, first) == 3
    assert next_number(Application, other) == 1


def test_an_event_prefix_names_one_model():
    from core.approvables import kind_of, register_approvable

    kind = kind_of(Application)
    with pytest.raises(ValueError):
        register_approvable(
            model=Event,
            event_prefix="application",
            policy=kind.policy,
            decidable=kind.decidable,
            returned=kind.returned,
            title=kind.title,
            url=kind.url,
            where=kind.where,
        )

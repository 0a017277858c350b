"""Every approval transition reaches the other side by e-mail, as reminders do: through the
outbox in the transition's transaction for those who want mail at once, in the daily digest for
those who chose it, never to someone no longer active (core.services.notifications)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from compliance.services.delivery import digests_send
from contracts.models import RosterChange
from core.approvals import ApprovalAction, ApprovalPolicy, approval_transition
from core.models import Notification, OutboundMessage, User
from core.services.notifications import OUTBOUND_APPROVAL
from tests.approvals_app.models import Application
from tests.contracts.conftest import MINIMAL_PDF, START, upload_pledges
from tests.contracts.conftest import _fresh_engine_cache as _fresh_engine_cache
from tests.contracts.conftest import approval_contract as approval_contract
from tests.contracts.conftest import side as side

A = ApprovalAction
SITE = "https://portal.example.lg.jp"
PORTAL = "【委託先情報セキュリティ管理ポータル】"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def policy(world):
    """Submissions go to both of the body's deciders, decisions to the contractor's manager."""
    a = world.a
    return ApprovalPolicy(
        event_prefix="application",
        can_submit=lambda actor, obj: actor.pk == a.contractor_admin.user_id,
        can_decide=lambda actor, obj: actor.pk == a.client_staff.user_id,
        notify=lambda obj, action: (
            [a.client_admin.user, a.client_staff.user]
            if action in (A.SUBMIT, A.WITHDRAW)
            else [a.contractor_admin.user]
        ),
        title=lambda obj: f"申請「{obj.title}」",
    )


@pytest.fixture
def application(db):
    return Application.objects.create(title="作業場所", contract_id=77)


def _move(world, obj, action, policy, reason="", actor=None):
    if actor is None:
        side = world.a
        actor = side.contractor_admin.user if action in (A.SUBMIT, A.WITHDRAW) else side.client_staff.user
    return approval_transition(actor=actor, obj=obj, action=action, policy=policy, reason=reason)


def _text(message) -> str:
    return message.body


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_submission_mails_each_approver_once_with_the_link(
    world, application, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, application, A.SUBMIT, policy)
    admin, staff = world.a.client_admin.user, world.a.client_staff.user
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, staff.email])
    link = f"{SITE}/approvals-test/{application.pk}/"
    for message in mail.outbox:
        body = _text(message)
        assert message.subject == f"{PORTAL}甲株式会社から承認依頼：申請「作業場所」 #0（試験77）"
        assert "次の案件について承認の依頼がありました。" in body
        assert "案件：申請「作業場所」 #0" in body
        assert "契約：試験77（試験の相手方）" in body
        assert f"提出者：甲株式会社 {world.a.contractor_admin.user}" in body
        assert "承認または差戻しを判断してください。" in body
        assert link in body
        assert f'<a href="{link}">' in message.alternatives[0][0]
    # The portal's own sender; each message once in the outbox, sent.
    assert {m.from_email for m in mail.outbox} == {"portal@example.jp"}
    rows = OutboundMessage.objects.filter(kind=OUTBOUND_APPROVAL)
    assert rows.count() == 2 and set(rows.values_list("state", flat=True)) == {OutboundMessage.State.SENT}


def test_a_return_mails_the_submitting_side_with_the_reason(
    world, application, policy, django_capture_on_commit_callbacks
):
    obj = _move(world, application, A.SUBMIT, policy)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, obj, A.RETURN, policy, reason="所在地が未記入です。\n押印 & 日付も確認してください")
    [message] = mail.outbox
    assert message.to == [world.a.contractor_admin.user.email]
    assert message.subject == f"{PORTAL}甲市から差戻し：申請「作業場所」 #0（試験77）"
    body = _text(message)
    assert "次の案件が差し戻されました。" in body
    assert f"差し戻した人：甲市 {world.a.client_staff.user}" in body
    # The reason as written: a text mail is not HTML-escaped (no "&amp;").
    assert "理由：\n所在地が未記入です。\n押印 & 日付も確認してください" in body
    assert "理由に沿って修正し、もう一度提出してください。" in body
    assert f"{SITE}/approvals-test/{application.pk}/" in body
    assert "押印 &amp; 日付も確認してください" in message.alternatives[0][0]


def test_an_approval_mails_the_submitting_side(
    world, application, policy, django_capture_on_commit_callbacks
):
    obj = _move(world, application, A.SUBMIT, policy)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, obj, A.APPROVE, policy)
    [message] = mail.outbox
    assert message.to == [world.a.contractor_admin.user.email]
    assert "甲市から承認：" in message.subject
    assert "次の案件が承認されました。" in message.body and "理由：" not in message.body


@pytest.mark.parametrize(
    ("action", "said"), [(A.WITHDRAW, "取り下げられました"), (A.REJECT, "却下されました")]
)
def test_withdrawal_and_rejection_are_mailed_too(
    world, application, policy, django_capture_on_commit_callbacks, action, said
):
    obj = _move(world, application, A.SUBMIT, policy)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, obj, action, policy, reason="対象外です" if action == A.REJECT else "")
    assert mail.outbox and all(said in m.body for m in mail.outbox)


def test_a_digest_user_gets_no_mail_now_but_the_notice_in_the_digest(
    world, application, policy, django_capture_on_commit_callbacks
):
    staff = world.a.client_staff.user
    User.objects.filter(pk=staff.pk).update(notification_mode=User.NotificationMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, application, A.SUBMIT, policy)
    assert _to(staff.email) == [] and len(_to(world.a.client_admin.user.email)) == 1
    note = Notification.objects.get(user=staff)
    assert note.digested_at is None and note.url == f"/approvals-test/{application.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
    [digest] = _to(staff.email)
    assert note.title in digest.body and f"{SITE}/approvals-test/{application.pk}/" in digest.body


def test_no_mail_to_an_inactive_member(world, application, policy, django_capture_on_commit_callbacks):
    admin, staff = world.a.client_admin, world.a.client_staff
    admin.is_active = False  # left the body: membership closed, account still open
    admin.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        obj = _move(world, application, A.SUBMIT, policy)
    assert [m.to for m in mail.outbox] == [[staff.user.email]]
    mail.outbox.clear()
    User.objects.filter(pk=staff.user_id).update(is_active=False)  # account closed
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, obj, A.WITHDRAW, policy)
    assert mail.outbox == []
    assert OutboundMessage.objects.filter(kind=OUTBOUND_APPROVAL).count() == 1


def test_the_mail_is_recorded_in_the_transition_and_sent_after_commit(
    world, application, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _move(world, application, A.SUBMIT, policy)
    rows = list(OutboundMessage.objects.filter(kind=OUTBOUND_APPROVAL))
    assert len(rows) == 2 and {r.state for r in rows} == {OutboundMessage.State.PENDING}
    assert mail.outbox == []  # nothing leaves before COMMIT
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    # A transition that is rolled back leaves no mail behind.
    with pytest.raises(RuntimeError), transaction.atomic():
        _move(world, Application.objects.get(pk=application.pk), A.WITHDRAW, policy)
        assert OutboundMessage.objects.filter(kind=OUTBOUND_APPROVAL).count() == 4
        raise RuntimeError
    assert OutboundMessage.objects.filter(kind=OUTBOUND_APPROVAL).count() == 2


def test_a_recipient_who_chose_english_gets_it_in_english(
    world, application, policy, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.a.client_admin.user_id).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        _move(world, application, A.SUBMIT, policy)
    [english] = _to(world.a.client_admin.user.email)
    assert english.subject.startswith("Approval requested from 甲株式会社:")
    assert "The following was submitted for your approval." in english.body
    [japanese] = _to(world.a.client_staff.user.email)
    assert "承認依頼" in japanese.subject


@mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF)
def test_a_roster_change_through_the_pages_mails_both_sides(
    _pdf, client, side, approval_contract, django_capture_on_commit_callbacks
):
    """The real thing: a roster change submitted and returned through its pages; the acting
    organisation is the one the person acts for (the request's membership)."""
    client.force_login(side.contractor_admin.user)
    client.post(reverse("contracts:roster_change_open", args=[approval_contract.pk]))
    change = RosterChange.objects.get(contract=approval_contract)
    client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        {
            "full_name": "作業 責任者",
            "full_name_kana": "さぎょう せきにんしゃ",
            "role": "responsible",
            "employment": "employee",
            "start_date": (START + timedelta(days=10)).isoformat(),
        },
    )
    upload_pledges(side, change)
    act = reverse("contracts:roster_change_act", args=[change.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"action": "submit"})
    link = f"{SITE}{reverse('contracts:roster_change', args=[change.pk])}"
    approvers = {m.to[0] for m in mail.outbox}
    assert approvers == {side.client_admin.user.email}  # contract_approvers: the body's administrators
    [asked] = mail.outbox
    assert "承認依頼：名簿の変更 第1号（R7-ROSTER-A）" in asked.subject
    assert f"契約：R7-ROSTER-A（{side.contractor.name}）" in asked.body and link in asked.body

    mail.outbox.clear()
    client.force_login(side.client_admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"action": "return", "reason": "所属を記入してください"})
    [returned] = mail.outbox
    assert returned.to == [side.contractor_admin.user.email]
    assert f"{side.body.name}から差戻し" in returned.subject
    assert "所属を記入してください" in returned.body and link in returned.body


def test_the_mail_is_rendered_before_the_audit_trails_lock_is_taken(world, application, policy):
    # The transition's event holds the chain lock until COMMIT: rendering under it would make
    # every other writer of the portal wait for the templates (core.audit).
    from core import audit
    from core.services import notifications

    real = notifications.render_email
    held = []

    def render(**kwargs):
        held.append(audit.chain_lock_held())
        return real(**kwargs)

    with mock.patch.object(notifications, "render_email", side_effect=render), transaction.atomic():
        _move(world, application, A.SUBMIT, policy)
    assert held == [False, False]  # both approvers' mails, neither under the lock


def test_the_portal_notice_says_notified_or_withdrawn_not_the_state(world, application, policy):
    # A submission nobody decides is a notice (届出), not 「申請中」; a withdrawal is 取下げ, not
    # the 作成中 it falls back to.
    from dataclasses import replace

    notice_only = replace(policy, offers=lambda obj, action: action != A.APPROVE)
    obj = _move(world, application, A.SUBMIT, notice_only)
    staff = world.a.client_staff.user
    note = Notification.objects.filter(user=staff).latest("pk")
    assert note.title == "届出：申請「作業場所」"
    assert "届出者：" in note.body and "判断は不要です" in note.body and "申請中" not in note.title
    _move(world, obj, A.WITHDRAW, notice_only)
    assert Notification.objects.filter(user=staff).latest("pk").title == "申請「作業場所」：取下げ"

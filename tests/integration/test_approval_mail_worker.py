"""Approval e-mail on a real worker over Redis and PostgreSQL: the transition commits its outbox
row, the fast-path publish after COMMIT reaches the worker, and the worker mails it once."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from django.conf import settings

from core import tasks as core_tasks
from core.approvals import ApprovalAction, ApprovalPolicy, approval_transition
from core.models import OutboundMessage
from core.services.outbox import message_id
from tests import factories
from tests.approvals_app.models import Application

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    raw = b"".join(f.read_bytes() for f in sorted(mail_dir.glob("*.log")))
    return [
        email.message_from_bytes(part, policy=email.policy.default)
        for part in raw.split(b"\n" + b"-" * 79 + b"\n")
        if part.strip()
    ]


def test_a_return_is_mailed_once_by_the_worker_after_commit(celery_worker, broker, monkeypatch):
    side = factories.side("am", "承")
    manager, approver = side.contractor_admin.user, side.client_staff.user
    policy = ApprovalPolicy(
        event_prefix="application",
        can_submit=lambda actor, obj: actor.pk == manager.pk,
        can_decide=lambda actor, obj: actor.pk == approver.pk,
        notify=lambda obj, action: [approver] if action == ApprovalAction.SUBMIT else [manager],
        title=lambda obj: f"申請「{obj.title}」",
    )
    obj = Application.objects.create(title="作業場所", contract_id=side.body.pk)
    # The publish after COMMIT is the ordinary fast path; only its queue is the test worker's.
    monkeypatch.setattr(core_tasks.send_outbound, "queue", celery_worker.queue, raising=False)
    # Celery caches a task's options at its first publish in the process (Task._exec_options):
    # after an earlier test published send_outbound, the queue set above would be ignored.
    monkeypatch.setattr(core_tasks.send_outbound, "_exec_options", None, raising=False)

    obj = approval_transition(actor=manager, obj=obj, action=ApprovalAction.SUBMIT, policy=policy)
    approval_transition(
        actor=approver,
        obj=obj,
        action=ApprovalAction.RETURN,
        policy=policy,
        reason="所在地を記入してください",
    )

    def rows() -> list[OutboundMessage]:
        return list(OutboundMessage.objects.filter(kind="approval").order_by("pk"))

    celery_worker.wait_for(
        lambda: (
            len(rows()) == 2
            and all(r.state == OutboundMessage.State.SENT for r in rows())
            and len(_mails(celery_worker.mail_dir)) >= 2
        ),
        what="both approval mails sent",
    )
    mails = _mails(celery_worker.mail_dir)
    by_to = {str(m["To"]): m for m in mails}
    assert sorted(by_to) == sorted([approver.email, manager.email]) and len(mails) == 2
    assert {str(m["Message-ID"]) for m in mails} == {message_id(r.key) for r in rows()}
    returned = by_to[manager.email].get_body(preferencelist=("plain",)).get_content()
    assert "次の案件が差し戻されました。" in returned and "所在地を記入してください" in returned
    assert f"{settings.SITE_URL.rstrip('/')}/approvals-test/{obj.pk}/" in returned
    assert "差戻し" in str(by_to[manager.email]["Subject"])

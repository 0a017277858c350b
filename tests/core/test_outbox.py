"""The e-mail outbox: recorded with its cause, claimed once, recovered after a crash (docs/outbox.md)."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import tasks
from core.models import Invitation, OutboundMessage, Role
from core.services import outbox

pytestmark = pytest.mark.django_db
State = OutboundMessage.State


@pytest.fixture(autouse=True)
def _no_grace(settings):
    settings.OUTBOX_GRACE_SECONDS = 0
    settings.SITE_URL = "https://portal.example.lg.jp"


def _enqueue(key="test:1", **kw):
    return outbox.message_enqueue(
        key=key,
        kind="test",
        to=["a@example.jp"],
        subject="件名",
        body=kw.pop("body", "本文"),
        html=kw.pop("html", "<p>本文</p>"),
        **kw,
    )


def _broker_down():
    return mock.patch.object(tasks.send_outbound, "apply_async", side_effect=OperationalError("down"))


def test_a_message_is_sent_after_commit_with_a_message_id_from_its_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        message = _enqueue()
    assert mail.outbox == [] and OutboundMessage.objects.get().state == State.PENDING
    [callback] = [c for c in callbacks if "message_enqueue" in c.__qualname__]
    callback()
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == outbox.message_id(message.key)
    assert outbox.message_id(message.key).endswith("@portal.example.lg.jp>")
    assert sent.alternatives == [("<p>本文</p>", "text/html")]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1)
    assert message.sent_at and message.handed_at and message.handed_at <= message.sent_at


def test_the_same_key_records_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue()
        second = _enqueue()
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_only_one_sender_wins_the_claim():
    with _broker_down():
        message = _enqueue()
    assert outbox.message_send(pk=message.pk) == State.SENT
    # A second worker (the beat catch-up, a re-delivered task) finds it sent and sends nothing.
    assert outbox.message_send(pk=message.pk) == State.SENT
    assert outbox.outbox_flush() == 0
    assert len(mail.outbox) == 1


def test_the_claim_is_conditional(monkeypatch):
    with _broker_down():
        message = _enqueue()
    now = timezone.now()
    assert outbox._claim(message.pk, now) is True
    assert outbox._claim(message.pk, now) is False  # already 'sending': nobody else may take it


def test_the_body_is_encrypted_at_rest():
    with _broker_down():
        _enqueue(body="https://portal.example.lg.jp/password/reset/secret-token/")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body, html FROM {OutboundMessage._meta.db_table}")
        body, html = cursor.fetchone()
    assert body.startswith("enc1:") and "secret-token" not in body and "本文" not in html


def test_a_crash_before_the_mail_server_was_reached_is_sent_again_once(settings):
    with _broker_down():
        message = _enqueue()
    # A worker claimed it and died (kill -9) while building it: 'sending', never handed over.
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS + 1)
    OutboundMessage.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=stale, attempts=1)
    assert outbox.message_send(pk=message.pk) == State.SENDING  # not resent blindly
    assert mail.outbox == []
    assert outbox.outbox_flush() == 1
    message.refresh_from_db()
    assert (message.state, message.uncertain, message.attempts) == (State.SENT, 0, 2)
    assert len(mail.outbox) == 1


def test_a_fresh_sending_row_is_left_to_its_worker(settings):
    with _broker_down():
        message = _enqueue()
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, claimed_at=timezone.now(), handed_at=timezone.now()
    )
    assert outbox.outbox_flush() == 0
    assert mail.outbox == []
    assert OutboundMessage.objects.get().state == State.SENDING


def test_a_crash_during_the_smtp_exchange_resends_once_with_the_same_message_id_then_stops(settings):
    with _broker_down():
        message = _enqueue()
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS + 1)
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, claimed_at=stale, handed_at=stale, attempts=1
    )
    assert outbox.outbox_flush() == 1
    [again] = mail.outbox
    assert again.extra_headers["Message-ID"] == outbox.message_id(message.key)
    message.refresh_from_db()
    assert (message.state, message.uncertain) == (State.SENT, 1)
    # Uncertain a second time: failed for review rather than a loop of copies.
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, claimed_at=stale, handed_at=stale
    )
    assert outbox.outbox_flush() == 0
    message.refresh_from_db()
    assert (message.state, message.uncertain) == (State.FAILED, 2)
    assert "review" in message.last_error
    assert len(mail.outbox) == 1


def test_a_mail_server_error_backs_off_then_fails(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with _broker_down():
        message = _enqueue()
    error = smtplib.SMTPDataError(451, b"try again later")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=error):
        assert outbox.message_send(pk=message.pk) == State.PENDING
        message.refresh_from_db()
        assert message.attempts == 1 and "451" in message.last_error
        assert message.available_at > timezone.now() + timedelta(seconds=50)
        assert outbox.outbox_flush() == 0  # not before its next attempt
        OutboundMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        assert outbox.message_send(pk=message.pk) == State.FAILED
    assert mail.outbox == []


def test_an_attachment_that_cannot_be_built_does_not_hold_the_message_back():
    outbox.register_attachment_builder("test.ok", lambda spec: ("a.pdf", b"%PDF-1.7", "application/pdf"))
    outbox.register_attachment_builder("test.broken", lambda spec: 1 / 0)
    with _broker_down():
        message = _enqueue(attachments=[{"builder": "test.broken"}, {"builder": "test.ok"}])
    assert outbox.message_send(pk=message.pk) == State.SENT
    [sent] = mail.outbox
    assert [a[0] for a in sent.attachments] == ["a.pdf"]


def test_a_lost_publish_is_caught_up_by_the_flush(django_capture_on_commit_callbacks, caplog):
    with _broker_down(), django_capture_on_commit_callbacks(execute=True):
        _enqueue()
    assert mail.outbox == []
    assert "Could not publish" in caplog.text
    assert tasks.outbox_flush.delay().get() == 1
    assert len(mail.outbox) == 1


def test_the_send_email_task_goes_through_the_outbox():
    tasks.send_email.delay(to=["b@example.jp"], subject="件名", body="本文", key="op:1")
    tasks.send_email.delay(to=["b@example.jp"], subject="件名", body="本文", key="op:1")
    assert OutboundMessage.objects.get().state == State.SENT
    assert len(mail.outbox) == 1


# Requests whose mail is recorded in the outbox: no 500 when the broker is down, one mail later.


def test_an_invitation_with_the_broker_down_answers_normally_and_is_mailed_once_later(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.client_admin.user)
    with _broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:invite", args=[world.a.body.pk]), {"email": "x@example.jp", "role": Role.AUDITOR}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="x@example.jp")
    message = OutboundMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert message.state == State.PENDING and mail.outbox == []
    assert outbox.outbox_flush() == 1
    assert outbox.outbox_flush() == 0
    [sent] = mail.outbox
    assert sent.to == ["x@example.jp"]
    assert "https://portal.example.lg.jp/invitations/accept/" in sent.body


def test_a_password_reset_with_the_broker_down_answers_normally_and_is_mailed_once_later(
    client, world, django_capture_on_commit_callbacks
):
    user = world.a.client_admin.user
    with _broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert OutboundMessage.objects.get(kind="password_reset").state == State.PENDING
    assert outbox.outbox_flush() == 1
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_the_password_reset_link_ignores_a_hostile_host_header(
    client, world, django_capture_on_commit_callbacks
):
    user = world.a.client_admin.user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:password_reset"), {"email": user.email}, headers={"host": "evil.example.com"}
        )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert "evil.example.com" not in sent.body
    links = re.findall(r"https?://\S+", sent.body)
    assert links and all(link.startswith("https://portal.example.lg.jp/password/reset/") for link in links)

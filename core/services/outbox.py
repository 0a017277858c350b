"""The e-mail outbox: enqueue in the caller's transaction, send once, catch up what was missed.

Why the states are what they are is told in docs/outbox.md; in short:

* `message_enqueue` writes the row inside the caller's transaction and, after commit, publishes
  `core.tasks.send_outbound` as a fast path. A failed publish is logged, never raised: the row is
  committed, and `outbox_flush` (beat, every minute) sends whatever is still pending.
* `message_send` builds the attachments, then claims the row with a conditional UPDATE (only one
  worker wins), commits `handed_at` just before the SMTP exchange and marks the row sent right
  after it. The SMTP exchange is the only step after which a crash leaves it unknown whether the
  message left.
* `messages_recover` looks at rows left 'sending' by a dead worker: without `handed_at` nothing
  reached the mail server and the row is simply pending again; with it, the message is sent once
  more under the same Message-ID (receivers drop a copy they already have), and a row that is
  uncertain a second time is failed for an administrator to review instead of looping.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.crypto import platform_data_key
from core.models import OutboundMessage

log = logging.getLogger(__name__)
State = OutboundMessage.State

# An attachment builder turns an attachment's stored parameters into (filename, content,
# mimetype), or None when it cannot be built any more (the message goes without it).
AttachmentBuilder = Callable[[dict], "tuple[str, bytes, str] | None"]
_builders: dict[str, AttachmentBuilder] = {}


def register_attachment_builder(name: str, builder: AttachmentBuilder) -> None:
    """Apps register how their attachments are built (from AppConfig.ready); core knows none."""
    _builders[name] = builder


def message_key(*parts: object) -> str:
    """An idempotency key from the parts that identify a message (hashed when long)."""
    raw = ":".join(str(p) for p in parts)
    return raw if len(raw) <= 200 else f"{raw[:100]}#{hashlib.sha256(raw.encode()).hexdigest()}"


def message_id(key: str) -> str:
    """The Message-ID header of the message with this key: the same for every attempt."""
    domain = urlsplit(settings.SITE_URL).hostname or "portal.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def publish(task, **kwargs) -> bool:
    """Publish a task, logging instead of raising when the broker is unreachable.

    Used only for work that is also recorded as a row and caught up by a periodic task, so a
    lost publish delays it by at most a minute and never turns a committed request into a 500.
    """
    try:
        # Its own connection, told not to retry connecting: with the broker down a publish fails
        # in milliseconds instead of holding a request (or a sweep, once per person) for seconds.
        with task.app.connection_for_write() as connection:
            connection.transport_options = {**connection.transport_options, "max_retries": 0}
            task.apply_async(kwargs=kwargs, retry=False, connection=connection)
    except Exception:  # kombu/redis raise several unrelated types; any of them means "not sent"
        log.warning(
            "Could not publish %s(%s); the periodic catch-up will do it", task.name, kwargs, exc_info=True
        )
        return False
    return True


def message_enqueue(
    *,
    key: str,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    attachments: list[dict] | None = None,
) -> OutboundMessage:
    """Record a message in the current transaction; it is sent after commit (or caught up).

    Enqueueing a key that exists returns the existing row: a re-run records nothing twice.
    """
    existing = OutboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = OutboundMessage(
        key=key,
        kind=kind,
        to=list(to),
        subject=" ".join(subject.split())[:500],
        data_key=platform_data_key(),
        body=body,
        html=html,
        attachments=attachments or [],
    )
    message.full_clean()
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another transaction recorded the same key between our check and our insert.
        return OutboundMessage.objects.get(key=key)
    from core.tasks import send_outbound

    transaction.on_commit(lambda pk=message.pk: publish(send_outbound, message_id=pk))
    return message


def _build_attachments(message: OutboundMessage) -> list[tuple[str, bytes, str]]:
    built = []
    for spec in message.attachments:
        builder = _builders.get(spec.get("builder", ""))
        if builder is None:
            log.warning("Outbox message %s: no attachment builder %r", message.pk, spec.get("builder"))
            continue
        try:
            attachment = builder(spec)
        except Exception:
            # The text says where the form is; one attachment never holds the message back.
            log.exception("Outbox message %s: attachment %r could not be built", message.pk, spec)
            continue
        if attachment:
            built.append(attachment)
    return built


def _claim(pk: int, now: datetime) -> bool:
    return bool(
        OutboundMessage.objects.filter(pk=pk, state=State.PENDING, available_at__lte=now).update(
            state=State.SENDING, claimed_at=now, handed_at=None, attempts=F("attempts") + 1
        )
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _uncertain(exc: BaseException) -> bool:
    # A reply from the server (4xx/5xx) or a refused connection means the message was not taken;
    # a connection that died mid-exchange leaves it unknown.
    if isinstance(
        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused | ConnectionRefusedError
    ):
        return False
    return isinstance(exc, smtplib.SMTPServerDisconnected | TimeoutError)


def _after_error(message: OutboundMessage, exc: BaseException, now: datetime) -> str:
    attempts = message.attempts + 1  # the claim counted this attempt in the database
    uncertain = message.uncertain + _uncertain(exc)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS or uncertain > settings.OUTBOX_MAX_UNCERTAIN:
        state = State.FAILED
    else:
        state = State.PENDING
    OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=state, uncertain=uncertain, last_error=error, available_at=now + _backoff(attempts)
    )
    log.warning("Outbox message %s (%s) attempt %s failed: %s", message.pk, message.kind, attempts, error)
    return str(state)


def message_send(*, pk: int) -> str:
    """Send one pending message at most once per claim; returns the state it ends in."""
    message = OutboundMessage.objects.filter(pk=pk).first()
    if message is None:
        return "missing"
    now = timezone.now()
    if message.state != State.PENDING or message.available_at > now:
        return str(message.state)
    # Slow work (PDFs) before the claim, so a claimed row goes to SMTP at once.
    attachments = _build_attachments(message)
    if not _claim(message.pk, now):
        return "taken"  # another worker claimed it first
    email = EmailMultiAlternatives(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        message.to,
        headers={"Message-ID": message_id(message.key)},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING).update(handed_at=timezone.now())
    try:
        email.send()
    except Exception as exc:
        return _after_error(message, exc, timezone.now())
    OutboundMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return str(State.SENT)


def messages_recover(*, now: datetime | None = None) -> int:
    """Return rows a dead worker left 'sending' to pending (or to failed, see the module doc)."""
    now = now or timezone.now()
    stale = Q(state=State.SENDING, claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS))
    recovered = OutboundMessage.objects.filter(stale, handed_at__isnull=True).update(
        state=State.PENDING,
        available_at=now,
        last_error="The worker stopped before the mail server was reached; sent again.",
    )
    uncertain = OutboundMessage.objects.filter(stale, handed_at__isnull=False)
    recovered += uncertain.filter(uncertain__lt=settings.OUTBOX_MAX_UNCERTAIN).update(
        state=State.PENDING,
        available_at=now,
        uncertain=F("uncertain") + 1,
        last_error="The worker stopped during the SMTP exchange; sent again with the same Message-ID.",
    )
    failed = uncertain.update(
        state=State.FAILED,
        uncertain=F("uncertain") + 1,
        last_error="The worker stopped during the SMTP exchange again: review before resending.",
    )
    if recovered or failed:
        log.warning("Outbox: %s stale message(s) pending again, %s failed for review", recovered, failed)
    return recovered


def messages_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Pending messages the fast path has had its chance at (older than the grace period)."""
    now = now or timezone.now()
    return list(
        OutboundMessage.objects.filter(
            state=State.PENDING,
            available_at__lte=now,
            created_at__lte=now - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS),
        )
        .order_by("available_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_flush(*, budget_seconds: float = 40.0) -> int:
    """Recover stale rows and send what is due, within a time budget (the next run goes on)."""
    messages_recover()
    started = time.monotonic()
    sent = 0
    for pk in messages_due():
        if time.monotonic() - started > budget_seconds:
            break
        sent += message_send(pk=pk) == State.SENT
    return sent

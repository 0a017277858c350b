import uuid

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.services import outbox

# A send is short (one SMTP exchange after its attachments are built); the hard limit keeps a
# hung one far inside OUTBOX_STALE_SECONDS, so a row still 'sending' past that has no live owner.
SEND_TIME_LIMIT = 120


@shared_task(acks_late=True, time_limit=SEND_TIME_LIMIT, soft_time_limit=SEND_TIME_LIMIT - 10)
def send_outbound(*, message_id: int) -> str:
    """The after-commit fast path for one outbox row; retries are the outbox's, not Celery's."""
    return outbox.message_send(pk=message_id)


@shared_task(acks_late=True)
def outbox_flush() -> int:
    """Beat, every minute: recover rows of dead workers and send whatever is still pending."""
    return outbox.outbox_flush()


@shared_task(acks_late=True)
def send_email(*, to: list[str], subject: str, body: str, html: str = "", key: str = "") -> str:
    """Send one message through the outbox (operators and old callers; services enqueue directly)."""
    message = outbox.message_enqueue(
        key=key or outbox.message_key("task", send_email.request.id or uuid.uuid4().hex),
        kind="message",
        to=to,
        subject=subject,
        body=body,
        html=html,
    )
    return outbox.message_send(pk=message.pk)


@shared_task(acks_late=True)
def heartbeat(name: str = "celery") -> str:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
    return "ok"


@shared_task
def ping(value: str = "ping") -> str:
    """Round-trip check used by the integration tests and operators."""
    return f"pong:{value}"


@shared_task(acks_late=True)
def remove_orphan_files() -> int:
    """Encrypted blobs whose transaction rolled back after they were written (core.files)."""
    from core.files import orphan_blobs_remove

    return orphan_blobs_remove()


# A render is held under PDF_RENDER_TIMEOUT; the rest is a few queries and one encrypted write.
EXPORT_TIME_LIMIT = 120


@shared_task(acks_late=True, time_limit=EXPORT_TIME_LIMIT, soft_time_limit=EXPORT_TIME_LIMIT - 10)
def render_export(*, job_id: int) -> str:
    """Prepare one export a person asked for (core.services.exports); a re-run does nothing."""
    from core.services import exports

    return exports.export_run(pk=job_id)


@shared_task(acks_late=True)
def exports_sweep() -> dict:
    """Beat, every minute: re-send lost publishes, take over dead runs, erase expired files."""
    from core.services import exports

    return exports.exports_sweep()

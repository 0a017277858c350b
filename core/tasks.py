import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_email(*, to: list[str], subject: str, body: str, html: str = "") -> None:
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


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

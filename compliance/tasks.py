from celery import shared_task

from compliance.services import delivery
from compliance.services.reminders import reminder_sweep


@shared_task(acks_late=True)
def sweep_reminders() -> int:
    return len(reminder_sweep())


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_reminders(*, recipient_id: int, reminder_ids: list[int]) -> str:
    return delivery.reminders_deliver(recipient_id=recipient_id, reminder_ids=reminder_ids)


@shared_task(acks_late=True)
def send_digests() -> int:
    return delivery.digests_send()

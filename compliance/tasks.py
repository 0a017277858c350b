from celery import shared_task

from compliance.services import delivery
from compliance.services.reminders import reminder_sweep


@shared_task(acks_late=True)
def sweep_reminders() -> int:
    return len(reminder_sweep())


# No Celery retries: a delivery that fails leaves its reminders unhandled, and
# deliver_pending_reminders (beat, every minute) delivers them again; the e-mail itself is the
# outbox's (core.tasks.send_outbound), with its own backoff.
@shared_task(acks_late=True)
def deliver_reminders(*, recipient_id: int, reminder_ids: list[int]) -> str:
    return delivery.reminders_deliver(recipient_id=recipient_id, reminder_ids=reminder_ids)


@shared_task(acks_late=True)
def deliver_pending_reminders() -> int:
    """Catch-up for reminders whose delivery task was never published or never finished."""
    return delivery.reminders_deliver_pending()


@shared_task(acks_late=True)
def send_digests() -> int:
    return delivery.digests_send()

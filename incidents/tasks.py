from celery import shared_task

from incidents.services.notices import entry_notify, escalation_sweep


@shared_task(acks_late=True)
def notify_entry(entry_id: int) -> int:
    """After an entry's COMMIT: tell its people (idempotent: each person once per entry)."""
    return entry_notify(entry_id=entry_id)


@shared_task(acks_late=True)
def sweep_unacknowledged_incidents() -> int:
    """Every few minutes: escalate reports not acknowledged in time, catch up untold entries."""
    return len(escalation_sweep())

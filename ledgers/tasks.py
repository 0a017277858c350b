from celery import shared_task

from ledgers.services.protection import device_protection_sweep


@shared_task(acks_late=True)
def sweep_device_protection() -> int:
    """Daily: report computers whose anti-virus pattern or updates are older than allowed."""
    return len(device_protection_sweep())

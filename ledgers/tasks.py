from celery import shared_task

from ledgers.services.imports import import_sweep
from ledgers.services.protection import device_protection_sweep
from ledgers.services.takeouts import takeout_overdue_sweep


@shared_task(acks_late=True)
def sweep_device_protection() -> int:
    """Daily: report computers whose anti-virus pattern or updates are older than allowed."""
    return len(device_protection_sweep())


@shared_task(acks_late=True)
def sweep_overdue_takeouts() -> int:
    """Every few minutes: report take-outs not brought back by their planned return."""
    return len(takeout_overdue_sweep())


@shared_task(acks_late=True)
def sweep_ledger_imports() -> int:
    """Every few minutes: remove uploaded ledger files left neither applied nor abandoned."""
    return import_sweep()

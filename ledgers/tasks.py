from celery import shared_task

from ledgers.services.import_runs import import_check, import_republish, import_run
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
def sweep_ledger_imports() -> dict:
    """Every few minutes: remove uploaded ledger files left neither applied nor abandoned, and
    send again the previews and applies whose publish was lost or whose worker died."""
    return {"removed": import_sweep(), "republished": import_republish()}


# 200 rows through the services took 26 s on a busy two-core machine, so 500 take about a minute
# (the preview runs the same rows, rolled back, so it takes as long); the hard limit ends a stuck
# run inside the broker's visibility timeout (600 s), and the soft one lets it record why it failed.
IMPORT_TIME_LIMIT = 300


@shared_task(acks_late=True, time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def apply_ledger_import(*, import_id: int) -> str:
    """Apply one uploaded ledger file (services.import_runs); a re-run does nothing."""
    return import_run(pk=import_id)


@shared_task(acks_late=True, time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def preview_ledger_import(*, import_id: int) -> str:
    """Preview one uploaded ledger file, a dry run kept on the import (services.import_runs); a
    re-run does nothing."""
    return import_check(pk=import_id)

"""The preview and the apply of an uploaded ledger file run in Celery, not in the web request
(docs/ledgers.md).

A 500-row file goes through `information_receive` or `device_register` row by row in one
transaction, which holds the audit trail's lock (core.audit) and, for the information ledger, the
contract's row: seconds of a web worker, and of everyone else's writes waiting behind it. The
preview is that same run rolled back, so it costs as much. So the upload only keeps the file and
publishes the preview's task (services.imports.import_upload); the task
(ledgers.tasks.preview_ledger_import) calls `import_check`, which runs every row, rolls them back
and keeps what it found on the import: the rows as they will be entered (previewed) or every
error (failed). The person's "apply", allowed only from previewed, marks the import queued
(`import_queue`) and publishes the apply's task on commit (ledgers.tasks.apply_ledger_import),
which calls `import_run`: the rows entered all or nothing, the import left done (with the number
of rows) or failed (with every error at its row and column, as the preview shows them).

Both runs are one machinery (`_Run`: its waiting and running states and its task), mirroring
core's ExportJob (core.services.exports): waiting → running → an outcome, a stage text for the
status page, attempts, and a sweep (`import_republish`, from the beat's import sweep) that sends
again a run whose publish was lost or whose worker died.

Never twice: a run takes the import (`_claim`: its row locked, its state checked) in a short
transaction, reads the file outside any, then runs the rows in a transaction that locks the
import's row first and records the outcome before it commits. A second delivery of the task
(acks_late) finds the row locked (skip_locked) or past that run, and does nothing; a run whose
worker died rolled its rows back with its transaction, so the run that takes it over after
LEDGER_IMPORT_STALE_SECONDS starts from nothing.

Progress is the stage and the file's number of rows: the rows entered so far exist only inside
the run's transaction until it commits (or rolls back) them all, so no count of them is shown.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import crypto
from core.audit import (
    RequestContext,
    current_request_context,
    normalise_ip,
    reset_request_context,
    set_request_context,
)
from core.fields import ErasedValue
from core.models import Membership
from core.spreadsheets import CellError
from ledgers import permissions
from ledgers.models import LedgerImport
from ledgers.services.imports import ImportOutcome, import_owner_check, ledger_import_read, ledger_import_run

logger = logging.getLogger(__name__)

State, Stage = LedgerImport.State, LedgerImport.Stage

# A running import whose stage has not moved for this long, and whose row no transaction holds,
# belongs to a dead worker. Reading a file takes a second or two; the rows' transaction holds the
# row, so its length does not count.
DEFAULT_STALE_SECONDS = 300
# A queued import not started after this long lost its publish (broker down): sent again.
DEFAULT_REPUBLISH_SECONDS = 60
MAX_ATTEMPTS = 3


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


@dataclass(frozen=True)
class _Run:
    """One of the import's two runs: the states it waits and runs in, and the task that runs it."""

    waiting: str
    running: str
    task: str  # its name in ledgers.tasks


PREVIEW = _Run(State.TO_CHECK, State.CHECKING, "preview_ledger_import")
APPLY = _Run(State.QUEUED, State.RUNNING, "apply_ledger_import")


def publish(pk: int, run: _Run) -> None:
    from ledgers import tasks

    try:
        getattr(tasks, run.task).delay(import_id=pk)
    except Exception:
        # The broker is down: the import stays waiting and the sweep sends it again. The person
        # sees "waiting" rather than an error page for a run that was recorded as asked.
        logger.exception("could not publish ledger import %s (%s); the sweep will retry", pk, run.task)


# --- asking ------------------------------------------------------------------------------------


def import_queue(
    *, actor, actor_membership: Membership, ledger_import: LedgerImport, language: str
) -> LedgerImport:
    """Ask for the apply of a file whose preview found no error: it waits for a worker. Asking
    again (a second click, a reload of the POST), or before the preview or after it failed,
    changes nothing and publishes nothing."""
    import_owner_check(actor, actor_membership, ledger_import)
    if ledger_import.state != State.PREVIEWED:
        # Checked before the lock: a running apply holds the row for its whole transaction.
        return ledger_import
    with transaction.atomic():
        locked = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
        if locked.state != State.PREVIEWED:
            return locked
        now = timezone.now()
        locked.state, locked.stage = State.QUEUED, Stage.WAITING
        locked.queued_at = locked.stage_at = now
        locked.attempts = 0  # the preview's were its own
        locked.language = (language or "")[:10]
        locked.ip = normalise_ip(current_request_context().ip)
        locked.full_clean()
        locked.save(update_fields=["state", "stage", "queued_at", "stage_at", "attempts", "language", "ip"])
        # After commit: a worker must find the row queued.
        transaction.on_commit(lambda: publish(locked.pk, APPLY))
    return locked


# --- running (the Celery task's body) ------------------------------------------------------------


def _claim(pk: int, run: _Run) -> LedgerImport | None:
    """Take the import for this run, or None when it has run, was discarded, or a live run has it."""
    now = timezone.now()
    with transaction.atomic():
        # A run entering the rows holds the row until it commits: leave the import to it.
        found = (
            LedgerImport.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("contract", "created_by")
            .filter(pk=pk)
            .first()
        )
        if found is None or found.state not in (run.waiting, run.running):
            return None
        stale = _seconds("LEDGER_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)
        if found.state == run.running and found.stage_at and now - found.stage_at < stale:
            return None  # a second delivery while the first still reads the file
        if found.attempts >= MAX_ATTEMPTS:
            with translation.override(found.language or settings.LANGUAGE_CODE):
                _mark_failed(
                    found, [_whole(_("The import failed several times. Upload the file again later."))]
                )
            return None
        found.attempts += 1
        found.state, found.stage = run.running, Stage.READING
        found.stage_at = now
        found.save(update_fields=["attempts", "state", "stage", "stage_at"])
    return found


def _still_ours(found: LedgerImport) -> LedgerImport | None:
    """The locked row if this run still owns it (no other run took it over meanwhile)."""
    # Without the file: this run has it already decrypted, and the row only needs its state.
    locked = (
        LedgerImport.objects.select_for_update()
        .defer("xlsx", "errors", "preview")
        .filter(pk=found.pk)
        .first()
    )
    # `found` holds the running state this run put it in.
    if locked is None or locked.state != found.state or locked.attempts != found.attempts:
        return None
    return locked


def _stage(found: LedgerImport, stage: str, **fields) -> None:
    # A plain UPDATE guarded by the attempt: short, and it never revives an import taken over.
    fields.update(stage=stage, stage_at=timezone.now())
    LedgerImport.objects.filter(pk=found.pk, state=found.state, attempts=found.attempts).update(**fields)
    for name, value in fields.items():
        setattr(found, name, value)


def _whole(message: str) -> CellError:
    return CellError(row=0, column="", header="", message=message)


def _no_longer() -> str:
    return _("You can no longer record on this ledger, so nothing was imported.")


def _mark_failed(found: LedgerImport, errors: list[CellError]) -> None:
    found.state, found.stage = State.FAILED, Stage.DONE
    found.errors = json.dumps(
        [{"row": e.row, "column": e.column, "header": e.header, "message": str(e.message)} for e in errors],
        ensure_ascii=False,
    )
    found.xlsx = found.preview = ""  # the person uploads a corrected file; this one is not needed
    found.stage_at = found.finished_at = timezone.now()
    found.save(update_fields=["state", "stage", "errors", "xlsx", "preview", "stage_at", "finished_at"])


def _fail(found: LedgerImport, errors: list[CellError]) -> str:
    with transaction.atomic():
        locked = _still_ours(found)
        if locked is None:
            return "skipped"
        _mark_failed(locked, errors)
    return "failed"


def import_check(*, pk: int) -> str:
    """Preview import `pk`: every row through the services, rolled back; what they would enter,
    or every error, kept on the import. Idempotent: a preview done, a file discarded or one a
    live run is checking is left alone."""
    return _run(pk, PREVIEW)


def import_run(*, pk: int) -> str:
    """Apply import `pk`: every row, or none and the errors kept. Idempotent: an import done,
    failed, discarded or being applied by a live run is left alone."""
    return _run(pk, APPLY)


def _run(pk: int, run: _Run) -> str:
    found = _claim(pk, run)
    if found is None:
        return "skipped"
    # The events the rows record carry the person's organisation and address, as in a request.
    token = set_request_context(RequestContext(ip=found.ip, organisation_id=found.organisation_id))
    try:
        # The preview and the errors are kept in the language the person asked in.
        with translation.override(found.language or settings.LANGUAGE_CODE):
            return _execute(found, run)
    finally:
        reset_request_context(token)


def _execute(found: LedgerImport, run: _Run) -> str:
    try:
        user = found.created_by
        membership = (
            Membership.objects.filter(user=user, organisation_id=found.organisation_id, is_active=True)
            .select_related("organisation")
            .first()
        )
        if not user.is_active or not permissions.can_keep_devices(user, membership, found.contract):
            return _fail(found, [_whole(_no_longer())])
        if isinstance(found.xlsx, ErasedValue):
            raise crypto.KeyDestroyedError(f"Data key #{found.data_key_id} was destroyed.")
        data = base64.b64decode(found.xlsx)
        read = ledger_import_read(ledger=found.ledger, data=data)
        outcome, parsed = read
        if parsed is None:
            return _fail(found, outcome.errors)
        applying = run is APPLY
        _stage(found, Stage.ENTERING if applying else Stage.CHECKING, total_rows=len(parsed.rows))
        with transaction.atomic():
            # Locked for the whole transaction: a second delivery skips it (see _claim).
            locked = _still_ours(found)
            if locked is None:
                return "skipped"
            # A preview's rows are rolled back inside ledger_import_run's own block (a savepoint
            # of this transaction), so what commits here is only the import's outcome.
            outcome = ledger_import_run(
                actor=user,
                actor_membership=membership,
                contract=found.contract,
                ledger=found.ledger,
                data=data,
                apply=applying,
                sha256=found.sha256,
                read=read,
            )
            if not outcome.ok:
                # The rows were rolled back with ledger_import_run's own block; the errors stay.
                _mark_failed(locked, outcome.errors)
                return "failed"
            return _mark_done(locked, outcome) if applying else _mark_previewed(locked, outcome)
    except PermissionDenied:
        return _fail(found, [_whole(_no_longer())])
    except crypto.KeyDestroyedError:
        erased = _("This contract's personal data has been erased, so the file cannot be imported.")
        return _fail(found, [_whole(erased)])
    except SoftTimeLimitExceeded:
        return _fail(found, [_whole(_("The import took too long, so nothing was imported. Split the file."))])
    except Exception:
        logger.exception("ledger import %s failed (%s)", found.pk, run.task)
        return _fail(
            found, [_whole(_("The file could not be imported because of an error. Nothing was imported."))]
        )


def _mark_previewed(locked: LedgerImport, outcome: ImportOutcome) -> str:
    locked.state, locked.stage = State.PREVIEWED, Stage.DONE
    # The cells as strings now, in the person's language (choice labels, 和暦 dates).
    locked.preview = json.dumps(
        [{"row": r.row, "number": r.number, "cells": [str(c) for c in r.cells]} for r in outcome.rows],
        ensure_ascii=False,
    )
    locked.stage_at = timezone.now()
    locked.save(update_fields=["state", "stage", "preview", "stage_at"])
    return "previewed"


def _mark_done(locked: LedgerImport, outcome: ImportOutcome) -> str:
    locked.state, locked.stage = State.DONE, Stage.DONE
    locked.imported_rows = len(outcome.rows)
    locked.xlsx = locked.preview = ""
    locked.stage_at = locked.finished_at = timezone.now()
    locked.save(
        update_fields=["state", "stage", "imported_rows", "xlsx", "preview", "stage_at", "finished_at"]
    )
    return "done"


# --- housekeeping (beat) ------------------------------------------------------------------------


def import_republish(*, now: datetime | None = None) -> int:
    """Send again the previews and applies whose publish was lost (waiting too long) or whose run
    looks dead (running, no stage change for LEDGER_IMPORT_STALE_SECONDS); the claim decides, so
    sending one a live run still holds does nothing."""
    now = now or timezone.now()
    lost = now - _seconds("LEDGER_IMPORT_REPUBLISH_SECONDS", DEFAULT_REPUBLISH_SECONDS)
    dead = now - _seconds("LEDGER_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    sent = 0
    for run in (PREVIEW, APPLY):
        found = LedgerImport.objects.filter(
            Q(state=run.waiting, queued_at__lt=lost) | Q(state=run.running, stage_at__lt=dead)
        ).values_list("pk", flat=True)
        for pk in list(found):
            publish(pk, run)
            sent += 1
    return sent

"""Applying an uploaded ledger file in Celery, not in the web request (docs/ledgers.md).

A 500-row file goes through `information_receive` or `device_register` row by row in one
transaction, which holds the audit trail's lock (core.audit) and, for the information ledger, the
contract's row: seconds of a web worker, and of everyone else's writes waiting behind it. So the
person's "apply" only marks the import queued (`import_queue`) and publishes the Celery task on
commit; the task (ledgers.tasks.apply_ledger_import) calls `import_run`, which enters the rows all
or nothing, as the request did, and leaves the import done (with the number of rows) or failed
(with every error at its row and column, as the preview shows them).

The states and their handling mirror core's ExportJob (core.services.exports): queued → running →
done | failed, a stage text for the status page, attempts, and a sweep (`import_republish`, from
the beat's import sweep) that sends again an import whose publish was lost or whose worker died.

Never twice: the run takes the import (`_claim`: its row locked, its state checked) in a short
transaction, reads the file outside any, then enters the rows in a transaction that locks the
import's row first and marks it done before it commits. A second delivery of the task (acks_late)
finds the row locked (skip_locked) or done, and does nothing; a run whose worker died rolled its
rows back with its transaction, so the run that takes it over after LEDGER_IMPORT_STALE_SECONDS
starts from nothing.

Progress is the stage and the file's number of rows: the rows entered so far exist only inside
the apply's transaction until it commits them all, so no count of them is shown.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
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
from ledgers.services.imports import import_owner_check, ledger_import_read, ledger_import_run

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


def _publish(pk: int) -> None:
    from ledgers.tasks import apply_ledger_import

    try:
        apply_ledger_import.delay(import_id=pk)
    except Exception:
        # The broker is down: the import stays queued and the sweep sends it again. The person
        # sees "waiting" rather than an error page for an apply that was recorded as asked.
        logger.exception("could not publish ledger import %s; the sweep will retry", pk)


# --- asking ------------------------------------------------------------------------------------


def import_queue(
    *, actor, actor_membership: Membership, ledger_import: LedgerImport, language: str
) -> LedgerImport:
    """Ask for the apply of an uploaded file: it waits for a worker. Asking again (a second
    click, a reload of the POST) changes nothing and publishes nothing."""
    import_owner_check(actor, actor_membership, ledger_import)
    if ledger_import.state != State.UPLOADED:
        # Checked before the lock: a running apply holds the row for its whole transaction.
        return ledger_import
    with transaction.atomic():
        locked = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
        if locked.state != State.UPLOADED:
            return locked
        now = timezone.now()
        locked.state, locked.stage = State.QUEUED, Stage.WAITING
        locked.queued_at = locked.stage_at = now
        locked.language = (language or "")[:10]
        locked.ip = normalise_ip(current_request_context().ip)
        locked.full_clean()
        locked.save(update_fields=["state", "stage", "queued_at", "stage_at", "language", "ip"])
        # After commit: a worker must find the row queued.
        transaction.on_commit(lambda: _publish(locked.pk))
    return locked


# --- running (the Celery task's body) ------------------------------------------------------------


def _claim(pk: int) -> LedgerImport | None:
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
        if found is None or found.state not in (State.QUEUED, State.RUNNING):
            return None
        stale = _seconds("LEDGER_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)
        if found.state == State.RUNNING and found.stage_at and now - found.stage_at < stale:
            return None  # a second delivery while the first still reads the file
        if found.attempts >= MAX_ATTEMPTS:
            with translation.override(found.language or settings.LANGUAGE_CODE):
                _mark_failed(
                    found, [_whole(_("The import failed several times. Upload the file again later."))]
                )
            return None
        found.attempts += 1
        found.state, found.stage = State.RUNNING, Stage.READING
        found.stage_at = now
        found.save(update_fields=["attempts", "state", "stage", "stage_at"])
    return found


def _still_ours(found: LedgerImport) -> LedgerImport | None:
    """The locked row if this run still owns it (no other run took it over meanwhile)."""
    # Without the file: this run has it already decrypted, and the row only needs its state.
    locked = LedgerImport.objects.select_for_update().defer("xlsx", "errors").filter(pk=found.pk).first()
    if locked is None or locked.state != State.RUNNING or locked.attempts != found.attempts:
        return None
    return locked


def _stage(found: LedgerImport, stage: str, **fields) -> None:
    # A plain UPDATE guarded by the attempt: short, and it never revives an import taken over.
    fields.update(stage=stage, stage_at=timezone.now())
    LedgerImport.objects.filter(pk=found.pk, state=State.RUNNING, attempts=found.attempts).update(**fields)
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
    found.xlsx = ""  # the person uploads a corrected file; this one is not needed any more
    found.stage_at = found.finished_at = timezone.now()
    found.save(update_fields=["state", "stage", "errors", "xlsx", "stage_at", "finished_at"])


def _fail(found: LedgerImport, errors: list[CellError]) -> str:
    with transaction.atomic():
        locked = _still_ours(found)
        if locked is None:
            return "skipped"
        _mark_failed(locked, errors)
    return "failed"


def import_run(*, pk: int) -> str:
    """Apply import `pk`: every row, or none and the errors kept. Idempotent: an import done,
    failed, discarded or being applied by a live run is left alone."""
    found = _claim(pk)
    if found is None:
        return "skipped"
    # The events the rows record carry the person's organisation and address, as in a request.
    token = set_request_context(RequestContext(ip=found.ip, organisation_id=found.organisation_id))
    try:
        # The errors are kept in the language the person asked in, as the preview showed them.
        with translation.override(found.language or settings.LANGUAGE_CODE):
            return _apply(found)
    finally:
        reset_request_context(token)


def _apply(found: LedgerImport) -> str:
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
        _stage(found, Stage.ENTERING, total_rows=len(parsed.rows))
        with transaction.atomic():
            # Locked for the whole transaction: a second delivery skips it (see _claim).
            locked = _still_ours(found)
            if locked is None:
                return "skipped"
            outcome = ledger_import_run(
                actor=user,
                actor_membership=membership,
                contract=found.contract,
                ledger=found.ledger,
                data=data,
                apply=True,
                sha256=found.sha256,
                read=read,
            )
            if not outcome.ok:
                # The rows were rolled back with ledger_import_run's own block; the errors stay.
                _mark_failed(locked, outcome.errors)
                return "failed"
            locked.state, locked.stage = State.DONE, Stage.DONE
            locked.imported_rows = len(outcome.rows)
            locked.xlsx = ""
            locked.stage_at = locked.finished_at = timezone.now()
            locked.save(update_fields=["state", "stage", "imported_rows", "xlsx", "stage_at", "finished_at"])
        return "done"
    except PermissionDenied:
        return _fail(found, [_whole(_no_longer())])
    except crypto.KeyDestroyedError:
        erased = _("This contract's personal data has been erased, so the file cannot be imported.")
        return _fail(found, [_whole(erased)])
    except SoftTimeLimitExceeded:
        return _fail(found, [_whole(_("The import took too long, so nothing was imported. Split the file."))])
    except Exception:
        logger.exception("ledger import %s failed", found.pk)
        return _fail(
            found, [_whole(_("The file could not be imported because of an error. Nothing was imported."))]
        )


# --- housekeeping (beat) ------------------------------------------------------------------------


def import_republish(*, now: datetime | None = None) -> int:
    """Send again the imports whose publish was lost (queued too long) or whose run looks dead
    (running, no stage change for LEDGER_IMPORT_STALE_SECONDS); the claim decides, so sending
    one a live run still holds does nothing."""
    now = now or timezone.now()
    waiting = LedgerImport.objects.filter(
        state=State.QUEUED,
        queued_at__lt=now - _seconds("LEDGER_IMPORT_REPUBLISH_SECONDS", DEFAULT_REPUBLISH_SECONDS),
    )
    dead = LedgerImport.objects.filter(
        state=State.RUNNING, stage_at__lt=now - _seconds("LEDGER_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    )
    found = list(waiting.values_list("pk", flat=True)) + list(dead.values_list("pk", flat=True))
    for pk in found:
        _publish(pk)
    return len(found)

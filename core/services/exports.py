"""Exports a person asks for and Celery prepares: request, run, hand over, expire (docs/exports.md).

An app registers an export kind (``register_export``) from its AppConfig.ready(): which PDF form
it prints, how to rebuild the form's context from the job's JSON parameters, whose data key
encrypts the file, who may still have it, and which read it is on the record as when downloaded.
Core knows no domain app: it only calls what was registered.

What is on the audit trail, and when:

* asking records nothing: no data has left the portal, and the job row itself says who asked
  for what and when (a request that is never downloaded is not evidence of anything);
* the prepared file is stored through core.files (``file.uploaded``, purpose ``export``, with
  its SHA-256), like a frozen form: encrypted personal data was written;
* the download records ``file.downloaded`` (core.files) and the kind's own read, e.g.
  ``roster.printed`` with the SHA-256, exactly as the synchronous print does.

The audit trail's lock: the render runs in no transaction at all (the claim and the finish are
two short ones), so it never holds the chain lock (core.audit, core.pdf.PdfUnderChainLock).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import crypto, pdf
from core.models import DataKey, ExportJob, Membership
from core.services.reads import personal_data_read

logger = logging.getLogger(__name__)

State, Stage = ExportJob.State, ExportJob.Stage

# How long a prepared file can be downloaded; after that it is erased (exports_sweep).
DEFAULT_TTL_HOURS = 24
# A running job whose stage has not moved for this long belongs to a dead worker: a stage lasts
# at most one render (PDF_RENDER_TIMEOUT) plus a few queries.
DEFAULT_STALE_SECONDS = 180
# A 500-person roster with every field at its limit renders in about 14 s (docs/performance.md).
DEFAULT_RENDER_TIMEOUT = 60.0
# A queued job not started after this long lost its publish (broker down): the sweep re-sends it.
DEFAULT_REPUBLISH_SECONDS = 60
MAX_ATTEMPTS = 3
FILE_PURPOSE = "export"


@dataclass(frozen=True)
class ExportKind:
    kind: str
    form_id: str
    # params -> the form's template context (read again from the database by the task).
    context: Callable[[dict], dict[str, Any]]
    # params -> the data key that encrypts the stored file (the contract's, so that destroying
    # the contract's key erases its exports too).
    data_key: Callable[[dict], DataKey]
    # (user, membership, params) -> whether that person may still have this export.
    authorise: Callable[[Any, Membership | None, dict], bool]
    # The read recorded at download: kind (e.g. "roster.printed") and its object.
    read_kind: str
    read_object: Callable[[dict], tuple[str, str]]
    read_data: Callable[[dict], dict] = lambda params: dict(params)
    # context -> expected render seconds, so the page can show a percentage meanwhile.
    estimate: Callable[[dict], float] = lambda context: 5.0


_kinds: dict[str, ExportKind] = {}
_kinds_lock = threading.Lock()


def register_export(kind: ExportKind) -> ExportKind:
    with _kinds_lock:
        existing = _kinds.get(kind.kind)
        if existing is not None and existing.form_id != kind.form_id:
            raise ValueError(f"Export kind {kind.kind!r} is already registered for {existing.form_id!r}")
        _kinds[kind.kind] = kind
    return kind


def get_export_kind(kind: str) -> ExportKind:
    with _kinds_lock:
        try:
            return _kinds[kind]
        except KeyError:
            raise KeyError(f"Unknown export kind {kind!r}; registered: {sorted(_kinds)}") from None


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def export_render_timeout() -> float:
    """The render's limit in the worker: more than a web request's (nobody waits on a thread),
    still inside the task's hard limit (core.tasks.EXPORT_TIME_LIMIT)."""
    return _setting("EXPORT_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT)


# --- asking ------------------------------------------------------------------------------------


def _publish(job_id: int) -> None:
    from core.tasks import render_export

    try:
        render_export.delay(job_id=job_id)
    except Exception:
        # The broker is down: the job stays queued and exports_sweep sends it again. The person
        # sees "waiting" rather than an error page for a request that was recorded.
        logger.exception("could not publish export job %s; the sweep will retry", job_id)


def export_request(
    *,
    actor,
    actor_membership: Membership | None,
    kind: str,
    params: dict,
    contract_id: int | None,
    download_name: str,
) -> ExportJob:
    """Ask for an export; the same person asking again while one is under way gets that one.

    The caller (a view) has checked access with its access helper; this checks it again through
    the kind's own rule, so a service caller cannot ask for what they could not see.
    """
    export = get_export_kind(kind)
    if not export.authorise(actor, actor_membership, params):
        raise ValidationError(_("You cannot ask for this export."), code="export_forbidden")
    with transaction.atomic():
        existing = (
            ExportJob.objects.filter(
                requested_by=actor,
                membership=actor_membership,
                kind=kind,
                params=params,
                state__in=[State.QUEUED, State.RUNNING],
            )
            .order_by("-id")
            .first()
        )
        if existing is not None:
            return existing
        job = ExportJob(
            requested_by=actor,
            membership=actor_membership,
            kind=kind,
            params=params,
            contract_id=contract_id,
            download_name=download_name,
        )
        job.full_clean()
        job.save()
        # After commit: a worker must find the row.
        transaction.on_commit(lambda: _publish(job.pk))
    return job


# --- running (the Celery task's body) ------------------------------------------------------------


def _claim(pk: int) -> ExportJob | None:
    """Take the job for this run, or None when it is done or another live run has it."""
    now = timezone.now()
    stale = timedelta(seconds=_setting("EXPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.state in (State.READY, State.FAILED):
            return None
        if job.state == State.RUNNING and job.stage_at and now - job.stage_at < stale:
            return None  # a second delivery of the same task while the first still works
        if job.attempts >= MAX_ATTEMPTS:
            with translation.override("ja"):
                _mark_failed(job, _("The export failed several times. Please ask for it again later."))
            return None
        job.attempts += 1
        job.state, job.stage = State.RUNNING, Stage.COLLECTING
        job.started_at = job.stage_at = now
        job.save(update_fields=["attempts", "state", "stage", "started_at", "stage_at"])
    return job


def _still_ours(job: ExportJob) -> ExportJob | None:
    """The locked row if this run still owns it (no other run took it over meanwhile)."""
    locked = ExportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state != State.RUNNING or locked.attempts != job.attempts:
        return None
    return locked


def _stage(job: ExportJob, stage: str, *, estimate: float | None = None) -> None:
    # A plain UPDATE guarded by the attempt: cheap, and it never revives a job taken over.
    fields = {"stage": stage, "stage_at": timezone.now()}
    if estimate is not None:
        fields["estimate_seconds"] = estimate
    ExportJob.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _mark_failed(job: ExportJob, message) -> None:
    job.state, job.error = State.FAILED, str(message)[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])


def _fail(job: ExportJob, message) -> str:
    with transaction.atomic():
        locked = _still_ours(job)
        if locked is not None:
            _mark_failed(locked, message)
    return "failed"


def export_run(*, pk: int) -> str:
    """Prepare job `pk`: build the context, render (outside any transaction), store, mark ready.

    Idempotent: a job already ready or failed, or being prepared by a live run, is left alone;
    one whose run died (no progress for EXPORT_STALE_SECONDS) is taken over.
    """
    from core.files import store_upload

    job = _claim(pk)
    if job is None:
        return "skipped"
    export = get_export_kind(job.kind)
    # Error texts stored on the job are in Japanese, the portal's language.
    with translation.override("ja"):
        try:
            membership = None
            if job.membership_id is not None:
                membership = Membership.objects.filter(pk=job.membership_id, is_active=True).first()
            gone = not job.requested_by.is_active or (job.membership_id is not None and membership is None)
            if gone or not export.authorise(job.requested_by, membership, job.params):
                return _fail(job, _("You can no longer see this data, so the export was not prepared."))
            context = export.context(job.params)
            _stage(job, Stage.RENDERING, estimate=export.estimate(context))
            data = pdf.render_form(export.form_id, context, timeout=export_render_timeout())
            _stage(job, Stage.STORING)
            with transaction.atomic():
                locked = _still_ours(job)
                if locked is None:
                    return "skipped"
                locked.file = store_upload(
                    actor=job.requested_by,
                    uploaded=ContentFile(data, name=job.download_name),
                    data_key=export.data_key(job.params),
                    purpose=FILE_PURPOSE,
                    contract_id=job.contract_id,
                )
                now = timezone.now()
                locked.state, locked.stage = State.READY, Stage.DONE
                locked.stage_at = locked.finished_at = now
                locked.expires_at = now + timedelta(hours=_setting("EXPORT_TTL_HOURS", DEFAULT_TTL_HOURS))
                locked.save(update_fields=["file", "state", "stage", "stage_at", "finished_at", "expires_at"])
        except pdf.PdfRenderTimeout:
            return _fail(
                job, _("The PDF took too long to prepare. Print a shorter period or ask again later.")
            )
        except crypto.KeyDestroyedError:
            return _fail(job, _("This contract's personal data has been erased, so it cannot be printed."))
        except Exception:
            logger.exception("export job %s failed", job.pk)
            return _fail(job, _("The export could not be prepared because of an error. Please ask again."))
    return "ready"


# --- handing over ---------------------------------------------------------------------------------


def export_downloadable(job: ExportJob, *, user, membership) -> bool:
    """Whether the job's file can be handed to this person now (its owner checked by the caller)."""
    if job.state != State.READY or job.is_expired or job.file is None or job.file.erased_at is not None:
        return False
    return get_export_kind(job.kind).authorise(user, membership, job.params)


def export_downloaded(*, actor, job: ExportJob) -> None:
    """Record the kind's read (e.g. ``roster.printed``) with the SHA-256 of what was handed over."""
    export = get_export_kind(job.kind)
    object_type, object_id = export.read_object(job.params)
    personal_data_read(
        kind=export.read_kind,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        contract_id=job.contract_id,
        data={**export.read_data(job.params), "sha256": job.file.sha256, "export": job.pk},
    )


def progress_percent(job: ExportJob, *, now=None) -> int:
    """A percentage for the progress bar: stages, and the render's share by its estimate."""
    if job.state == State.READY:
        return 100
    if job.state != State.RUNNING:
        return 0
    if job.stage == Stage.COLLECTING:
        return 5
    if job.stage == Stage.STORING:
        return 95
    now = now or timezone.now()
    elapsed = (now - (job.stage_at or now)).total_seconds()
    share = min(elapsed / job.estimate_seconds, 0.95) if job.estimate_seconds > 0 else 0.5
    return 10 + int(80 * share)


# --- housekeeping (beat) ------------------------------------------------------------------------


def exports_sweep() -> dict[str, int]:
    """Re-send queued jobs whose publish was lost, take over dead runs, erase expired files."""
    from core.files import stored_file_erase

    now = timezone.now()
    republish = now - timedelta(seconds=_setting("EXPORT_REPUBLISH_SECONDS", DEFAULT_REPUBLISH_SECONDS))
    stale = now - timedelta(seconds=_setting("EXPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    waiting = list(
        ExportJob.objects.filter(state=State.QUEUED, created_at__lt=republish).values_list("pk", flat=True)
    )
    dead = list(
        ExportJob.objects.filter(state=State.RUNNING, stage_at__lt=stale).values_list("pk", flat=True)
    )
    for pk in waiting + dead:
        _publish(pk)
    erased = 0
    expired = ExportJob.objects.filter(
        state=State.READY, expires_at__lte=now, file__erased_at__isnull=True
    ).select_related("file")
    for job in expired:
        stored_file_erase(actor=None, stored=job.file, reason="export expired")
        erased += 1
    return {"republished": len(waiting), "taken_over": len(dead), "erased": erased}

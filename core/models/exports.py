"""Exports a person asked for and the portal prepares in Celery (docs/exports.md).

A large PDF (a 500-person roster) takes seconds to render: too long for a web worker, which
would hold a gunicorn thread (and, before, the audit trail's lock). The person asks, a row is
written here, a Celery task builds the document and stores it encrypted as a StoredFile, and
the person downloads it from the status page through the audited file path.

The row is personal: only the user who asked, under the membership they asked with, sees it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        # What a running job is doing now; shown as the progress text.
        WAITING = "waiting", _("Waiting for a free worker")
        COLLECTING = "collecting", _("Collecting the data")
        RENDERING = "rendering", _("Laying out the PDF")
        STORING = "storing", _("Storing the file")
        DONE = "done", _("Done")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # The membership the person acted under: the same user under another membership (another
    # organisation) does not see the job, as it would not see the data.
    membership = models.ForeignKey(
        "core.Membership",
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="+",
        # None for the site administrator, who acts under no membership.
        null=True,
        blank=True,
    )
    # The registered export (core.services.exports.register_export), e.g. "contracts.roster".
    kind = models.CharField(_("kind"), max_length=100)
    # Only what is needed to rebuild the context (e.g. {"contract": 7, "on": "2025-06-01"}):
    # never personal data, which is read again from its encrypted home by the task.
    params = models.JSONField(_("parameters"), default=dict)
    # Plain integer like Event.contract_id: core knows no domain app.
    contract_id = models.BigIntegerField(_("contract"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.WAITING)
    # Rough time the render should take (from the size of the document), so the status page can
    # show a percentage while WeasyPrint, which reports nothing, is at work.
    estimate_seconds = models.FloatField(_("estimated seconds"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    file = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    download_name = models.CharField(_("download name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    stage_at = models.DateTimeField(_("stage started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["requested_by", "membership", "kind"], name="exportjob_owner_idx"),
            models.Index(fields=["state", "created_at"], name="exportjob_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "ready", "failed"]),
                name="exportjob_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="ready") | models.Q(file__isnull=False),
                name="exportjob_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

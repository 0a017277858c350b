"""An Excel file uploaded to be imported into a ledger, kept from its upload until its apply has
run (services.imports), and the state of its two runs, the preview (a dry run) and the apply, both
run by Celery tasks (services.import_runs, ledgers.tasks).

The file names people and says what information they hold, so it is kept as little as the
import needs: encrypted at rest under the contract's data key (base64 in this row, as a
submission's xlsx: core.files stores only PDF, JPEG and PNG), visible only to the person who
uploaded it, emptied once the apply has run (done or failed), removed when abandoned, or a new
file is uploaded for the same ledger, and by the sweep once it is older than
settings.LEDGER_IMPORT_KEEP_MINUTES. It is not a record of the ledger: what was imported is on the
audit trail (the import's event, with the file's digest, and each entry's own event).

The states mirror core's ExportJob (queued → running → done | failed, with a stage text), twice:
the preview waits and runs (to_check → checking), then the person reads it (previewed) and asks
for the apply (queued → running → done). A preview that finds errors ends failed, as an apply does.
"""

import json

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import EncryptedTextField, ErasedValue
from core.validators import LABEL


class ImportLedger(models.TextChoices):
    INFORMATION = "information", _("Information ledger")
    DEVICES = "devices", _("Device ledger")


class LedgerImport(models.Model):
    class State(models.TextChoices):
        # The preview's dry run waits for a worker, then runs: the person sees the same word.
        TO_CHECK = "to_check", pgettext_lazy("ledger import", "checking")
        CHECKING = "checking", pgettext_lazy("ledger import", "checking")
        PREVIEWED = "previewed", pgettext_lazy("ledger import", "checked")
        QUEUED = "queued", pgettext_lazy("ledger import", "waiting")
        RUNNING = "running", pgettext_lazy("ledger import", "importing")
        DONE = "done", pgettext_lazy("ledger import", "done")
        FAILED = "failed", pgettext_lazy("ledger import", "failed")

    class Stage(models.TextChoices):
        # What a running preview or apply is doing now; shown as the progress text.
        WAITING = "waiting", _("Waiting for a free worker")
        READING = "reading", _("Reading the file")
        CHECKING = "checking", _("Checking the rows")
        ENTERING = "entering", _("Entering the rows")
        DONE = "done", _("Done")

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="+"
    )
    # The party whose ledger receives the rows: the uploader's (a subcontractor its own part).
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("held by"), on_delete=models.CASCADE, related_name="+"
    )
    ledger = models.CharField(_("ledger"), max_length=20, choices=ImportLedger.choices)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    # A file's name often names whose list it is (「山田さん担当分.xlsx」): encrypted too.
    file_name = EncryptedTextField(_("file name"), validators=[MaxLengthValidator(LABEL)])
    # Emptied once the apply has run: nothing of the file is kept that the status does not need.
    xlsx = EncryptedTextField(_("xlsx"), blank=True)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.TO_CHECK)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.WAITING)
    # The language the person asked in: the worker writes the preview and the errors in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Where the person asked from: the events the worker records carry it, as the request's would.
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The file's rows, known once it is read (the rows entered so far are not: they are in the
    # apply's transaction, which nobody else sees until it commits them all).
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    # Of the run under way (the preview's, then the apply's: asking for the apply starts it at 0).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Why it failed: a JSON list of {row, column, header, message}, the preview's cell errors. It
    # quotes the file's cells (names), so it is encrypted like the file.
    errors = EncryptedTextField(_("errors"), blank=True)
    # What the preview found the apply will enter: a JSON list of {row, number, cells}, the cells
    # as the page shows them, in the person's language. It quotes names too, so it is encrypted,
    # and emptied with the file once the apply has run.
    preview = EncryptedTextField(_("preview"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    stage_at = models.DateTimeField(_("stage started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        indexes = [
            models.Index(fields=["created_at"], name="ledgerimport_created_idx"),
            models.Index(fields=["state", "queued_at"], name="ledgerimport_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["to_check", "checking", "previewed", "queued", "running", "done", "failed"]
                ),
                name="ledgerimport_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.ledger} {self.pk}"

    @property
    def is_active(self) -> bool:
        """A preview or an apply waits or runs: the status page polls."""
        return self.state in (self.State.TO_CHECK, self.State.CHECKING, self.State.QUEUED, self.State.RUNNING)

    @property
    def error_list(self) -> list[dict]:
        """The stored errors, [] when none or when the contract's data key has been destroyed."""
        if not self.errors or isinstance(self.errors, ErasedValue):
            return []
        return json.loads(self.errors)

    @property
    def preview_rows(self) -> list[dict]:
        """The stored preview, [] when none or when the contract's data key has been destroyed."""
        if not self.preview or isinstance(self.preview, ErasedValue):
            return []
        return json.loads(self.preview)

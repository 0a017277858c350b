"""An Excel file uploaded to be imported into a ledger, kept only between its preview and its
apply (services.imports).

The file names people and says what information they hold, so it is kept as little as the
import needs: encrypted at rest under the contract's data key (base64 in this row, as a
submission's xlsx: core.files stores only PDF, JPEG and PNG), visible only to the person who
uploaded it, removed when it is applied or abandoned, or a new file is uploaded for the same
ledger, and by the sweep once it is older than settings.LEDGER_IMPORT_KEEP_MINUTES. It is not a
record of the ledger: what was imported is on the audit trail (the import's event, with the
file's digest, and each entry's own event).
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.validators import LABEL


class ImportLedger(models.TextChoices):
    INFORMATION = "information", _("Information ledger")
    DEVICES = "devices", _("Device ledger")


class LedgerImport(models.Model):
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
    xlsx = EncryptedTextField(_("xlsx"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        indexes = [models.Index(fields=["created_at"], name="ledgerimport_created_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.ledger} {self.pk}"

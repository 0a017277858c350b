"""The information ledger as submitted to the public body (002 §10(3): 「求めに応じて提出」).

A submission fixes the ledger of one party as it stood at the end of a chosen day, in the two
forms a public body reads: a PDF to file and an xlsx to sort and check. Both are kept as they were
handed over, so what was submitted can be shown later whatever the ledger says by then (a
late-recorded event or a correction changes the ledger's past, never a submission).

The PDF is a core.StoredFile. The portal's file store accepts only PDF, JPEG and PNG (core.files
checks the content's magic bytes), so the xlsx is kept in this row, encrypted under the contract's
data key like any personal data in a text field, with its digest beside it for the audit trail.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.validators import NOTE


class LedgerSubmission(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="ledger_submissions",
    )
    # The party whose ledger it is: the contractor, or a subcontractor for its own part.
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    pdf = models.ForeignKey(
        "core.StoredFile", verbose_name=_("PDF"), on_delete=models.PROTECT, related_name="+"
    )
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    # The xlsx, base64, encrypted at rest (see the module's docstring).
    xlsx = EncryptedTextField(_("xlsx"))
    xlsx_sha256 = models.CharField(max_length=64)
    item_count = models.PositiveIntegerField(_("number of items"))
    # What the party says with it may name people: under the same key as the xlsx.
    note = EncryptedTextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE)])
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("information ledger submission")
        verbose_name_plural = _("information ledger submissions")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.organisation_id} {self.as_of}"

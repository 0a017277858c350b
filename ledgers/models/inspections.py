"""Backups and inspections (000 §5.6(6), 002 §10(2)): the periodic inspection of how the
information and its backups are kept and whether the data is accurate, and what it found.

An `Inspection` is one inspection by one party (the contractor, or a subcontractor for its own
part): the day, who inspected (a person on the roster that day), the result of each check and a
note, the items and devices it concerned. Each `InspectionFinding` is a corrective item with its
due date; its correction is a `FindingCorrection` of its own. All three are evidence and are
append-only, enforced by the database (migration 0009): an inspection is never edited, a finding
is corrected by recording its correction, not by changing the finding.

The notes, what a finding says and how it was put right may name people (who restored the
backup, whose desk the unlocked cabinet was): they are encrypted under the contract's data key.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import EncryptedTextField
from core.validators import NOTE, SHORT_NOTE


class CheckResult(models.TextChoices):
    OK = "ok", _("No problem found")
    FINDING = "finding", pgettext_lazy("inspection", "Finding")
    NOT_CHECKED = "not_checked", _("Not checked")


class InspectionResult(models.TextChoices):
    OK = "ok", _("No problem found")
    FINDINGS = "findings", _("Findings to correct")


class Check(models.TextChoices):
    """What an inspection checks. The clauses name the first two (保管状況, データの正確性); the
    backup taken and its restore tested are how the portal asks whether the backup serves."""

    STORAGE = "storage", _("Storage state")
    ACCURACY = "accuracy", _("Accuracy of the data")
    BACKUP = "backup", _("Backup taken")
    RESTORE = "restore", _("Restore from the backup tested")


class Inspection(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="inspections"
    )
    # The party that inspected what it keeps: the contractor, or a subcontractor for its own part.
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("inspected by (party)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        "contracts.Person", verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    storage_result = models.CharField(_("storage state"), max_length=20, choices=CheckResult.choices)
    storage_note = EncryptedTextField(
        _("storage state: note"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    accuracy_result = models.CharField(_("accuracy of the data"), max_length=20, choices=CheckResult.choices)
    accuracy_note = EncryptedTextField(
        _("accuracy of the data: note"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    backup_result = models.CharField(_("backup taken"), max_length=20, choices=CheckResult.choices)
    backup_note = EncryptedTextField(
        _("backup taken: note"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    restore_result = models.CharField(
        _("restore from the backup tested"), max_length=20, choices=CheckResult.choices
    )
    restore_note = EncryptedTextField(
        _("restore from the backup tested: note"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )
    items = models.ManyToManyField(
        "ledgers.InformationItem", verbose_name=_("information concerned"), blank=True, related_name="+"
    )
    devices = models.ManyToManyField(
        "ledgers.Device", verbose_name=_("devices and media concerned"), blank=True, related_name="+"
    )
    # Set once by the service from the checks and the findings (the row never changes).
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["contract", "-inspected_on"], name="inspection_contract_day_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.inspected_on}"


class InspectionFinding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField(_("number"))
    found_in = models.CharField(_("found in"), max_length=20, choices=Check.choices)
    what = EncryptedTextField(_("what was found"), validators=[MaxLengthValidator(SHORT_NOTE)])
    action = EncryptedTextField(_("corrective action"), validators=[MaxLengthValidator(SHORT_NOTE)])
    due_date = models.DateField(_("to be corrected by"))
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="inspectionfinding_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}#{self.number}"


class FindingCorrection(models.Model):
    """A finding put right: recorded once, never changed (a finding has at most one)."""

    finding = models.OneToOneField(InspectionFinding, on_delete=models.PROTECT, related_name="correction")
    corrected_on = models.DateField(_("corrected on"))
    corrected_by = models.ForeignKey(
        "contracts.Person", verbose_name=_("corrected by"), on_delete=models.PROTECT, related_name="+"
    )
    note = EncryptedTextField(_("what was done"), blank=True, validators=[MaxLengthValidator(NOTE)])
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction of a finding")
        verbose_name_plural = _("corrections of findings")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.corrected_on}"

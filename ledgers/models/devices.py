"""The ledger of PCs and media used for the work (パソコン等・記録媒体の管理台帳, 000 §5.3).

`Device` is a device's identity on the contract (its asset number, the party that keeps it);
everything recorded about it — what it is, who holds it, where it is kept, how it is protected,
its status — is one version (`DeviceVersion`). The ledger is append-only (design.md, invariant 3):
no version is ever changed or removed, by anyone, which the database itself enforces (migration
0002); a change is a new version saying from which day it holds and why, so the ledger of any
past day can be rebuilt and nothing is falsified quietly.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.validators import LABEL, NOTE, validate_plausible_date


class DeviceKind(models.TextChoices):
    PC = "pc", _("PC")
    TABLET = "tablet", _("Tablet")
    USB_MEMORY = "usb_memory", _("USB memory")
    EXTERNAL_DISK = "external_disk", _("External disk")
    OPTICAL_DISC = "optical_disc", _("Optical disc")
    PAPER = "paper", _("Paper files")
    OTHER = "other", _("Other")


# Kinds that run software: their anti-virus, patches and installed software are recorded.
COMPUTERS = (DeviceKind.PC, DeviceKind.TABLET)


class DeviceOwner(models.TextChoices):
    COMPANY = "company", _("Company-owned")
    PRIVATE = "private", _("Private (personal) device")


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    TAKEN_OUT = "taken_out", _("Taken out")
    RETURNED = "returned", _("Returned to the public body")
    DISPOSED = "disposed", _("Disposed of")


# A device returned or disposed of has left the ledger's care: no further version.
FINAL_STATUSES = (DeviceStatus.RETURNED, DeviceStatus.DISPOSED)


class Device(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="devices"
    )
    # The party that keeps the device: the contractor, or a subcontractor for its own part.
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    asset_number = models.CharField(_("asset number"), max_length=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device or medium")
        verbose_name_plural = _("devices and media")
        ordering = ["contract", "asset_number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "asset_number"], name="device_unique_asset_number"),
        ]

    def __str__(self) -> str:
        return self.asset_number


class DeviceVersion(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("type"), max_length=20, choices=DeviceKind.choices)
    maker = models.CharField(_("maker"), max_length=100, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    capacity = models.CharField(_("capacity"), max_length=50, blank=True)
    owner = models.CharField(
        _("owner"), max_length=20, choices=DeviceOwner.choices, default=DeviceOwner.COMPANY
    )
    # Who holds it: a person approved on the roster on the day the version holds from.
    holder = models.ForeignKey(
        "contracts.Person",
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where it is kept: a work site in force that day, and the storage place there.
    worksite = models.ForeignKey(
        "contracts.Worksite",
        verbose_name=_("work site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    storage_place = models.CharField(_("storage place"), max_length=LABEL, blank=True)
    disk_encrypted = models.BooleanField(_("storage encrypted"), default=False)
    antivirus_product = models.CharField(_("anti-virus product"), max_length=100, blank=True)
    antivirus_pattern_date = models.DateField(
        _("anti-virus pattern date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    patched_on = models.DateField(
        _("last OS and software update"), null=True, blank=True, validators=[validate_plausible_date]
    )
    # The contractor's statement for this version: no file-sharing or other unapproved software
    # (000 §5.5, 001 §18(4)h), and no generative-AI service where the clauses forbid it (002 §10(7)).
    no_unapproved_software = models.BooleanField(_("no file-sharing or unapproved software"), default=False)
    no_generative_ai = models.BooleanField(_("no generative-AI service"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    effective_on = models.DateField(_("holds from"), validators=[validate_plausible_date])
    # The approved take-out request a device is out under: named by the version that takes it
    # out, carried by the versions while it is out and by the one that brings it back (its log,
    # 001 §18(2)); empty otherwise.
    takeout = models.ForeignKey(
        "ledgers.TakeoutRequest",
        verbose_name=_("take-out request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="device_versions",
    )
    # The contract's key: the reason for a change may name people (a new holder, who lost it),
    # so destroying the key at the contract's close erases it.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("reason for the change"), blank=True, validators=[MaxLengthValidator(NOTE)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device ledger entry")
        verbose_name_plural = _("device ledger entries")
        ordering = ["device", "number"]
        constraints = [
            models.UniqueConstraint(fields=["device", "number"], name="deviceversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} v{self.number}"

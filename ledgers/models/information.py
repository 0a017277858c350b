"""The information ledger (情報管理台帳, 000 §5.6(4), 002 §10(3)): each item of protected
information the contractor holds, and its chain of custody.

`InformationItem` says what the item is (what, from whom, how many records, its class, its
medium); `CustodyEvent` is one thing that happened to it — received, used, copied, moved to a
storage place, taken out and brought back, shipped, brought in, returned to the public body,
erased or destroyed, or who may use it changed. Both are append-only, enforced by the database
(migration 0004): nobody edits or deletes an event; a correction is a new event that references
the wrong one and says why, and the wrong one then no longer counts. Where the item is, who holds
it, how many copies exist and whether it is still held are derived from its events
(ledgers.selectors.information.item_state); the state now is also kept per item for the list
page (ledgers.models.states), a cache of that replay.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import EncryptedTextField
from core.validators import LABEL, NOTE, SHORT_NOTE


class Classification(models.TextChoices):
    PERSONAL = "personal", _("Personal information")
    MY_NUMBER = "my_number", _("Specific personal information (My Number)")
    SENSITIVE = "sensitive", _("Special care-required personal information")
    SECRET = "secret", _("Secret information")
    OTHER = "other", _("Other protected information")


class Medium(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic data")
    PAPER = "paper", _("Paper")
    DEVICE = "device", _("A device or medium of the device ledger")


class InformationItem(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="information_items",
    )
    # The party that holds it: the contractor, or a subcontractor for its own part.
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("ledger number"))
    # The item's name: plain text, for the ledger's search. Personal names do not belong in it
    # (the form says so); who it came from and what it holds are the encrypted fields below.
    title = models.CharField(_("information"), max_length=LABEL)
    # The contract's key: where it came from and what it is may name people ("山田さんの申請書類"),
    # so destroying the key at the contract's close erases them.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    source = EncryptedTextField(_("received from"), validators=[MaxLengthValidator(LABEL)])
    record_count = models.PositiveIntegerField(
        _("number of records or persons"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    device = models.ForeignKey(
        "ledgers.Device",
        verbose_name=_("device or medium"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="information_items",
    )
    description = EncryptedTextField(
        _("description"), blank=True, validators=[MaxLengthValidator(SHORT_NOTE)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="informationitem_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CustodyKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    USED = "used", _("Used")
    COPIED = "copied", _("Copied")
    STORED = "stored", _("Stored (moved)")
    # Context-marked: the same English words name a device's status (持出し中), not this act.
    TAKEN_OUT = "taken_out", pgettext_lazy("custody", "Taken out")
    BROUGHT_BACK = "brought_back", _("Brought back")
    SHIPPED = "shipped", _("Shipped")
    BROUGHT_IN = "brought_in", _("Brought in")
    PROVIDED = "provided", _("Provided to a third party")
    USERS_CHANGED = "users_changed", _("Who may use it changed")
    RETURNED = "returned", pgettext_lazy("custody", "Returned to the public body")
    ERASED = "erased", _("Erased")
    DESTROYED = "destroyed", _("Destroyed")
    CORRECTION = "correction", _("Correction")


class CustodyEvent(models.Model):
    item = models.ForeignKey(InformationItem, on_delete=models.PROTECT, related_name="custody_events")
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("what happened"), max_length=20, choices=CustodyKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    # Who did it, or who holds it after it: a person of the contract's roster.
    person = models.ForeignKey(
        "contracts.Person",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The contract's key: the free text below names people (who handed it over, who witnessed,
    # what the note says of them), so destroying the key at the contract's close erases it.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    # The other side of a handover (the public body's person who handed it over or took it back).
    counterpart = EncryptedTextField(_("other party"), blank=True, validators=[MaxLengthValidator(LABEL)])
    worksite = models.ForeignKey(
        "contracts.Worksite",
        verbose_name=_("work site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    storage_place = models.CharField(_("storage place"), max_length=LABEL, blank=True)
    # Where it was taken or shipped to: an address or a person's name.
    destination = EncryptedTextField(_("destination"), blank=True, validators=[MaxLengthValidator(LABEL)])
    copies = models.PositiveIntegerField(_("number of copies"), null=True, blank=True)
    consent = EncryptedTextField(
        _("the public body's consent"), blank=True, validators=[MaxLengthValidator(LABEL)]
    )
    encrypted = models.BooleanField(_("encrypted or password-protected"), default=False)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    method = models.CharField(_("method"), max_length=LABEL, blank=True)
    # The approved request a take-out was made under (and its return closes).
    takeout = models.ForeignKey(
        "ledgers.TakeoutRequest",
        verbose_name=_("take-out request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody_events",
    )
    # The approved application a copy, a provision or a disposal was made under.
    request = models.ForeignKey(
        "ledgers.LedgerRequest",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody_events",
    )
    # Who of the public body witnessed an erasure or destruction (000 §7.5, 002 §15.3).
    witness = EncryptedTextField(_("witnessed by"), blank=True, validators=[MaxLengthValidator(LABEL)])
    # Who may use the item from this event on (received, users changed): people of the roster.
    users = models.ManyToManyField(
        "contracts.Person",
        verbose_name=_("who may use it"),
        blank=True,
        related_name="+",
        through="CustodyUser",
    )
    # A correction names the wrong event; the wrong one then no longer counts.
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    note = EncryptedTextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["item", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence"], name="custodyevent_unique_sequence"),
        ]
        indexes = [
            # The ledger's filters over many events: by kind and day within a contract's items.
            models.Index(fields=["item", "occurred_at"], name="custody_item_when_idx"),
            models.Index(fields=["kind", "occurred_at"], name="custody_kind_when_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.sequence} {self.kind}"


class CustodyUser(models.Model):
    event = models.ForeignKey(CustodyEvent, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("contracts.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="custodyuser_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.person_id}"

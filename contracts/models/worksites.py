"""Work sites (作業場所) and their storage places (保管場所), declared and approved in advance.

The shape follows the roster: `Worksite` is the identity of a place across versions (as `Person`
is for `RosterEntry`); everything declared about it — kind, name, address, rooms, its storage
places and who works there — belongs to one version (`WorksiteEntry`) introduced by a change
(`WorksiteChange`, the unit the public body approves). A version is never edited once its change
has left the draft: a later change adds a new version or a removal, so the approved sites of any
date can be rebuilt. Storage places and assignments hang off the version, not the site, for the
same reason: adding a cabinet makes a new version, and the approved one stays as it was.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.approvals import ChangeRequest
from core.validators import NOTE, SHORT_NOTE, validate_plausible_date


class WorksiteKind(models.TextChoices):
    CONTRACTOR_OFFICE = "contractor_office", _("Contractor's office")
    PUBLIC_BODY_PREMISES = "public_body_premises", _("Public body's premises")
    DATA_CENTRE = "data_centre", _("Data centre")
    OTHER = "other", _("Other place")


class StorageProtection(models.TextChoices):
    LOCKED_CABINET = "locked_cabinet", _("Lockable cabinet")
    SAFE = "safe", _("Safe")
    ACCESS_CONTROLLED_ROOM = "access_controlled_room", _("Locked or access-controlled room")
    OTHER = "other", _("Other protection")


class Worksite(models.Model):
    """A place where the contract's information is handled; what it is, is in its versions."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="worksites"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work site")
        verbose_name_plural = _("work sites")
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.pk}"


class WorksiteChange(ChangeRequest):
    """The first declaration of the work sites, or a change to them. Where the clauses ask prior
    approval (所沢市 §5) it takes effect at its approval, and until then the sites approved before
    stay in force; where they ask none, it is notified and in force from its submission."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="worksite_changes",
    )
    # Set when created, from the clauses (clauses.api.worksites_need_prior_approval), as the
    # roster's: a change keeps the mode it was drafted under.
    needs_approval = models.BooleanField(_("needs prior approval"), default=True)

    class Meta(ChangeRequest.Meta):
        verbose_name = _("work site change")
        verbose_name_plural = _("work site changes")

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"


class WorksiteEntry(models.Model):
    """One version of a work site, introduced by a change. Never edited once submitted."""

    class Action(models.TextChoices):
        ADD = "add", _("Add")
        UPDATE = "update", _("Change")
        REMOVE = "remove", _("Remove")

    change = models.ForeignKey(WorksiteChange, on_delete=models.PROTECT, related_name="entries")
    worksite = models.ForeignKey(Worksite, on_delete=models.PROTECT, related_name="entries")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    kind = models.CharField(_("kind of site"), max_length=30, choices=WorksiteKind.choices)
    name = models.CharField(_("name of the site"), max_length=200)
    # A business address (an office, the public body's building), not anyone's home: plain text.
    address = models.CharField(_("address"), max_length=300)
    rooms = models.TextField(_("rooms or areas"), blank=True, validators=[MaxLengthValidator(SHORT_NOTE)])
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(NOTE)])

    class Meta:
        verbose_name = _("work site entry")
        verbose_name_plural = _("work site entries")
        ordering = ["change", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "worksite"], name="worksiteentry_one_per_site_and_change"
            ),
        ]
        indexes = [models.Index(fields=["worksite", "change"], name="worksiteentry_site_idx")]

    def __str__(self) -> str:
        return f"{self.worksite_id} {self.action}"


class StoragePlace(models.Model):
    """Where the information is locked away at the site (保管場所), as declared in one version."""

    entry = models.ForeignKey(WorksiteEntry, on_delete=models.PROTECT, related_name="storage_places")
    name = models.CharField(_("name of the storage place"), max_length=200)
    protection = models.CharField(_("protection"), max_length=30, choices=StorageProtection.choices)
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(SHORT_NOTE)])

    class Meta:
        verbose_name = _("storage place")
        verbose_name_plural = _("storage places")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.name


class WorksiteAssignment(models.Model):
    """Someone on the roster who works at the site, as declared in one version."""

    entry = models.ForeignKey(WorksiteEntry, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(
        "contracts.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("work site assignment")
        verbose_name_plural = _("work site assignments")
        ordering = ["entry", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="worksiteassignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.person_id}"


class SecureAreaRulesAcknowledgement(models.Model):
    """The contractor received and confirmed the public body's entry rules for its secure area
    (003 §15.1) before working there. Appended, never edited."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="secure_area_acknowledgements",
    )
    rules_title = models.CharField(_("rules received"), max_length=300)
    received_on = models.DateField(_("received on"), validators=[validate_plausible_date])
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE)])
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement of the secure-area rules")
        verbose_name_plural = _("acknowledgements of the secure-area rules")
        ordering = ["contract", "-acknowledged_at"]

    def __str__(self) -> str:
        return self.rules_title

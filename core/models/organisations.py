from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PUBLIC_BODY = "public_body", _("Public body")
    CONTRACTOR = "contractor", _("Contractor")


def _month():
    return [MinValueValidator(1), MaxValueValidator(12)]


def _day():
    return [MinValueValidator(1), MaxValueValidator(31)]


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    # Public bodies invite the contractors they work with; this records which body brought a
    # contractor in (the contractor may later work for others too).
    invited_by_organisation = models.ForeignKey(
        "self",
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invited_organisations",
    )
    # Every member is in this group, so that object permissions (django-guardian) can be granted
    # to a whole organisation with one row.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation")
    data_key = models.ForeignKey(
        "core.DataKey", verbose_name=_("data key"), on_delete=models.PROTECT, related_name="+"
    )
    # Year-end closure of a public body (閉庁日), used by the business-day calendar.
    closure_start_month = models.PositiveSmallIntegerField(
        _("closure start month"), default=12, validators=_month()
    )
    closure_start_day = models.PositiveSmallIntegerField(
        _("closure start day"), default=29, validators=_day()
    )
    closure_end_month = models.PositiveSmallIntegerField(
        _("closure end month"), default=1, validators=_month()
    )
    closure_end_day = models.PositiveSmallIntegerField(_("closure end day"), default=3, validators=_day())
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_name_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_body(self) -> bool:
        return self.kind == OrganisationKind.PUBLIC_BODY

    @property
    def is_contractor(self) -> bool:
        return self.kind == OrganisationKind.CONTRACTOR


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="department")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

"""Subcontracts (再委託・下請負), at any depth.

A `Subcontract` is one link of a chain: the upstream party (the contractor, or a subcontractor
for 再々委託) entrusts part of the work to a subcontractor. Every link, however deep, is applied
for and approved by the public body before the subcontractor starts (001 §15, 002 §9, 003 §6,
004 §2); the application carries the fields 003 §6.2 names and the pre-check of 001 §15.2.

`path` is the chain as a string of ids ("/12/45/"), so that a link's whole downstream is one
`startswith` and its upstream is the ids in its own path: chains are read far more often than
they grow.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.approvals import FrozenApprovable
from core.validators import NOTE, validate_plausible_date


class Subcontract(FrozenApprovable):
    class Extent(models.TextChoices):
        """How much of the work is entrusted: 003 §6.1 forbids the whole or the main part, other
        templates allow any part with approval (clauses.api.main_part_subcontract_forbidden_by)."""

        PART = "part", _("A part of the work")
        MAIN = "main", _("The main part of the work")
        WHOLE = "whole", _("The whole of the work")

    class EndKind(models.TextChoices):
        """How an approved link ended: terminated before its period (解除) or its period over."""

        TERMINATED = "terminated", _("Termination")
        PERIOD_ENDED = "period_ended", _("End of the period")

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="subcontracts",
    )
    # None: the contractor itself subcontracts (再委託); else a re-subcontract of that link.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("upstream subcontract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The party that entrusts the work: the contractor, or the parent link's subcontractor.
    upstream = models.ForeignKey(
        "core.Organisation", verbose_name=_("entrusting party"), on_delete=models.PROTECT, related_name="+"
    )
    subcontractor = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("subcontractor"),
        on_delete=models.PROTECT,
        related_name="subcontracts_held",
    )
    depth = models.PositiveSmallIntegerField(_("tier"), default=1)
    path = models.CharField(max_length=500, blank=True, db_index=True)
    reason = models.TextField(_("reason for subcontracting"), validators=[MaxLengthValidator(NOTE)])
    # Blank only on applications made before the question was asked; the services require it.
    extent = models.CharField(
        _("extent of the work subcontracted"), max_length=10, choices=Extent.choices, blank=True
    )
    scope = models.TextField(_("work subcontracted"), validators=[MaxLengthValidator(NOTE)])
    information_handled = models.TextField(_("information handled"), validators=[MaxLengthValidator(NOTE)])
    handles_personal_info = models.BooleanField(_("handles personal information"), default=True)
    security_measures = models.TextField(
        _("the subcontractor's security measures"), validators=[MaxLengthValidator(NOTE)]
    )
    supervision = models.TextField(
        _("how the subcontractor is supervised"), validators=[MaxLengthValidator(NOTE)]
    )
    start_date = models.DateField(_("start"), validators=[validate_plausible_date])
    end_date = models.DateField(_("end"), validators=[validate_plausible_date])
    # 001 §15.2: the entrusting party checked the subcontractor's measures before signing.
    precheck_confirmed = models.BooleanField(
        _("the subcontractor's security measures were checked before signing"), default=False
    )
    # 001 §16.1, 003 §6.3, 004 §2.2: the subcontract carries terms equivalent to these clauses.
    equivalent_terms = models.BooleanField(
        _("the subcontract carries terms equivalent to these special clauses"), default=False
    )

    # The end of an approved link (contracts.services.subcontract_end): from `ended_on` on, the
    # subcontractor's people are no longer approved to work and its access ends, but for what it
    # still owes (its return or disposal); the links below it end with it.
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[validate_plausible_date])
    end_kind = models.CharField(_("how it ended"), max_length=20, choices=EndKind.choices, blank=True)
    end_reason = models.TextField(_("reason for the end"), blank=True, validators=[MaxLengthValidator(NOTE)])
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("subcontract")
        verbose_name_plural = _("subcontracts")
        ordering = ["contract", "path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="subcontract_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(upstream=F("subcontractor")), name="subcontract_not_to_itself"
            ),
            # An end has its day and its kind, or neither.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_kind="") | Q(ended_on__isnull=False) & ~Q(end_kind=""),
                name="subcontract_end_has_kind",
            ),
            # One live link per subcontractor and contract: a rejected one may be applied for
            # anew, and an ended one stays as history beside the organisation's new link.
            models.UniqueConstraint(
                fields=["contract", "subcontractor"],
                condition=~Q(approval_state="rejected") & Q(ended_on__isnull=True),
                name="subcontract_one_live_link_per_org",
            ),
        ]
        indexes = [models.Index(fields=["subcontractor", "approval_state"], name="subcontract_holder_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id} → {self.subcontractor_id}"

    @property
    def chain_ids(self) -> list[int]:
        """The ids of the links from the top of the chain down to this one."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

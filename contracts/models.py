from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    public_body = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        related_name="contracts_as_client",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    contractor = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        related_name="contracts_as_contractor",
    )
    number = models.CharField(_("contract number"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("contract start"))
    end_date = models.DateField(_("contract end"))
    work_start_date = models.DateField(_("planned work start"))
    # The clause template version the contract adopted: it never changes once active, and a
    # new revision of the template leaves it alone (string reference: compliance sits to the
    # right of contracts in the dependency order, so contracts never imports it).
    clause_template = models.ForeignKey(
        "compliance.ClauseTemplate",
        verbose_name=_("clause template"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    handles_personal_info = models.BooleanField(_("handles personal information"), default=True)
    handles_my_number = models.BooleanField(
        _("handles specific personal information (My Number)"), default=False
    )
    on_premises = models.BooleanField(_("work on the public body's premises"), default=False)
    subcontracting = models.BooleanField(_("subcontracting foreseen"), default=False)
    client_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff (public body)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contractor_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person (contractor)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Personal data of this contract (rosters, pledges, ledgers) is encrypted under this key;
    # destroying it at disposal erases that data for good.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["public_body", "number"], name="contract_unique_number_per_body"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contract_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["public_body", "status"], name="contract_body_status_idx"),
            models.Index(fields=["contractor", "status"], name="contract_contractor_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

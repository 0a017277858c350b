"""Taking information or media out of the work site (持出し): the request, approved in advance
through the one approval workflow (core.approvals) by the party the clauses name — the public
body for information (000 §5.2, 001 §18(1), 002 §12.1, 004 §5.2), the contractor's own approver
for media alone where the clauses keep a log of such take-outs (001 §18(2)).

The request says what goes out (items of the information ledger, devices or media of the device
ledger), who takes it, why, where to, when it goes and when it comes back, and how it is
protected. What really happened — when it went out, when it came back and who confirmed it —
is the custody events of the items, which name the request (ledgers.models.information).
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.approvals import FrozenApprovable
from core.fields import EncryptedTextField
from core.validators import LABEL, NOTE


class Approver(models.TextChoices):
    CLIENT = "client", _("The public body")
    CONTRACTOR = "contractor", _("The contractor's own approver")


class TakeoutRequest(FrozenApprovable):
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="takeout_requests",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=pgettext_lazy("take-out", "Requesting party"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("number"))
    # Who decides, fixed from the contract's clauses when the request is made.
    approver = models.CharField(_("approved by"), max_length=20, choices=Approver.choices)
    person = models.ForeignKey(
        "contracts.Person", verbose_name=_("taken out by"), on_delete=models.PROTECT, related_name="+"
    )
    # Context-marked: the same English words mean other things elsewhere (用途, 送付先・持出し先).
    items = models.ManyToManyField(
        "ledgers.InformationItem", verbose_name=pgettext_lazy("take-out", "Information taken out"), blank=True
    )
    devices = models.ManyToManyField(
        "ledgers.Device", verbose_name=pgettext_lazy("take-out", "Devices and media taken out"), blank=True
    )
    # The contract's key: why and where to may name people (whose home, whose papers), so
    # destroying the key at the contract's close erases them.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    purpose = EncryptedTextField(pgettext_lazy("take-out", "Purpose"), validators=[MaxLengthValidator(NOTE)])
    destination = EncryptedTextField(
        pgettext_lazy("take-out", "Destination"), validators=[MaxLengthValidator(LABEL)]
    )
    planned_out_at = models.DateTimeField(_("planned take-out"))
    planned_return_at = models.DateTimeField(_("planned return"))
    protection = models.CharField(_("protection (encryption, password, locked case)"), max_length=LABEL)

    class Meta:
        verbose_name = _("take-out request")
        verbose_name_plural = _("take-out requests")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="takeoutrequest_unique_number"),
            models.CheckConstraint(
                condition=Q(planned_return_at__gt=F("planned_out_at")), name="takeoutrequest_return_after_out"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} take-out #{self.number}"

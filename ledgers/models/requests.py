"""The applications a contractor makes to the public body about the information it holds,
each decided in advance through the one approval workflow (core.approvals):

- a copy or reproduction (複写・複製, 000 §4, 001 §18(5), 002 §13, 003 §8, 004 §5.6),
- providing it to a third party (第三者への提供, 000 §6, 001 §14, 002 §8, 003 §5.1, 004 §4.3),
- bringing devices or media into the public body's network or premises (持込み, 001 §19,
  002 §11, 003 §15.2), with the anti-virus check the clauses ask,
- returning, erasing or destroying it (返還・消去・廃棄, 002 §15.2), or having a vendor dispose of
  it (廃棄の外部委託, 001 §21.2).

One table and one service for all four, because they share everything but a few fields; each
kind is a proxy model of its own so that the workflow records its own events (`copy.submitted`,
`disposal.approved` …), which the clause templates name. What really happened afterwards — the
copy made, the item erased — is a custody event of the item that names the request
(models.information), so the ledger shows both what was allowed and what was done.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.approvals import FrozenApprovable
from core.fields import EncryptedTextField
from core.validators import LABEL, NOTE


class RequestKind(models.TextChoices):
    COPY = "copy", _("Copy or reproduction")
    DISCLOSURE = "disclosure", _("Provision to a third party")
    BRINGIN = "bringin", _("Bringing in devices or media")
    DISPOSAL = "disposal", _("Return, erasure or destruction")


class DisposalMethod(models.TextChoices):
    RETURN = "return", _("Return to the public body")
    ERASE = "erase", _("Erasure (data made unrecoverable)")
    DESTROY = "destroy", _("Physical destruction")
    DISSOLVE = "dissolve", _("Dissolution or shredding of paper")


class LedgerRequest(FrozenApprovable):
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="ledger_requests",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=pgettext_lazy("request", "Applicant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("application"), max_length=20, choices=RequestKind.choices)
    # Numbered per contract and kind: 複写申請 No. 3 reads as the third copy request.
    number = models.PositiveIntegerField(_("number"))
    items = models.ManyToManyField(
        "ledgers.InformationItem", verbose_name=pgettext_lazy("request", "Information"), blank=True
    )
    devices = models.ManyToManyField(
        "ledgers.Device", verbose_name=pgettext_lazy("request", "Devices and media"), blank=True
    )
    # The contract's key: the free text below may name people (the third party, whose papers),
    # so destroying the key at the contract's close erases it.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    purpose = EncryptedTextField(
        pgettext_lazy("request", "Purpose and reason"), validators=[MaxLengthValidator(NOTE)]
    )
    # The third party (disclosure), the place brought into (bring-in), the vendor (disposal).
    counterpart = EncryptedTextField(
        pgettext_lazy("request", "To whom or where"), blank=True, validators=[MaxLengthValidator(LABEL)]
    )
    copies = models.PositiveIntegerField(_("number of copies"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=DisposalMethod.choices, blank=True)
    # The disposal is carried out by another company (001 §21.2): its name; blank where it is not.
    vendor = EncryptedTextField(_("disposal vendor"), blank=True, validators=[MaxLengthValidator(LABEL)])
    planned_on = models.DateField(_("planned date"))
    # The contractor's statement that what is brought in runs current anti-virus software and
    # was checked for malicious programs (002 §11); or how a copy or a shipment is protected.
    safeguards = EncryptedTextField(_("safeguards"), blank=True, validators=[MaxLengthValidator(LABEL)])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["contract", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "number"], name="ledgerrequest_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in RequestKind]), name="ledgerrequest_known_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "kind", "approval_state"], name="ledgerrequest_state_idx")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} #{self.number}"

    def as_kind(self) -> "LedgerRequest":
        """The same row as its kind's proxy, whose class the workflow and the audit trail name."""
        proxy = PROXIES[self.kind]
        if type(self) is proxy:
            return self
        self.__class__ = proxy
        return self


class _KindManager(models.Manager):
    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class CopyRequest(LedgerRequest):
    objects = _KindManager(RequestKind.COPY)

    class Meta:
        proxy = True
        verbose_name = _("copy request")


class DisclosureRequest(LedgerRequest):
    objects = _KindManager(RequestKind.DISCLOSURE)

    class Meta:
        proxy = True
        verbose_name = _("request to provide to a third party")


class BringinRequest(LedgerRequest):
    objects = _KindManager(RequestKind.BRINGIN)

    class Meta:
        proxy = True
        verbose_name = _("bring-in request")


class DisposalRequest(LedgerRequest):
    objects = _KindManager(RequestKind.DISPOSAL)

    class Meta:
        proxy = True
        verbose_name = _("disposal application")


PROXIES: dict[str, type[LedgerRequest]] = {
    RequestKind.COPY: CopyRequest,
    RequestKind.DISCLOSURE: DisclosureRequest,
    RequestKind.BRINGIN: BringinRequest,
    RequestKind.DISPOSAL: DisposalRequest,
}

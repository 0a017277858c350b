"""Incidents (事故・情報セキュリティインシデント): what a party of a contract reports, and its timeline.

`Incident` is the first report: which contract, which party reports it (the contractor or a
subcontract tier), its number on the contract, what happened in the clauses' words (漏えい,
紛失 …, and whether it is only suspected: 004 §10, 002 §18.1), when it was found and, if known,
when it occurred, and a short summary. `IncidentEntry` is its timeline: every report, update,
acknowledgement, instruction, answer and the closure is one entry. Both are evidence and
append-only, enforced by the database (migration 0001): a report is never edited, a mistake is
corrected by a later entry. Where an incident stands is derived from its entries
(incidents.selectors.incidents), never stored by hand.

The summary and the entries' text may name people (whose PC was stolen, whose data leaked):
they are encrypted under the contract's data key, so the close's key destruction erases them.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.validators import NOTE


class Category(models.TextChoices):
    """What happened, in the words the shipped clauses use (000 §16, 001 §24, 002 §18, 003 §17,
    004 §10)."""

    LEAK = "leak", _("Leak")
    LOSS = "loss", _("Loss")
    THEFT = "theft", _("Theft")
    TAMPERING = "tampering", _("Tampering")
    DESTRUCTION = "destruction", _("Damage or destruction")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access")
    MALWARE = "malware", _("Malware infection")
    OUT_OF_PURPOSE = "out_of_purpose", _("Use outside the purpose")
    CLAUSE_BREACH = "clause_breach", _("Breach of the special clauses")


class EntryKind(models.TextChoices):
    FIRST_REPORT = "first_report", _("First report")
    UPDATE = "update", _("Update")
    ACKNOWLEDGEMENT = "acknowledgement", _("Receipt acknowledged by the public body")
    INSTRUCTION = "instruction", _("Instruction from the public body")
    INSTRUCTION_ACKNOWLEDGEMENT = "instruction_ack", _("Instruction acknowledged")
    WRITTEN_REPORT = "written_report", _("Written report")
    CAUSE_ANALYSIS = "cause_analysis", _("Cause analysis")
    PREVENTION_PLAN = "prevention_plan", _("Recurrence-prevention plan")
    IMPLEMENTATION = "implementation", _("Prevention carried out")
    CLOSURE = "closure", _("Closed by the public body")


# What the reporting side adds to the timeline after its first report (incident_update).
CONTRACTOR_KINDS = (
    EntryKind.UPDATE,
    EntryKind.WRITTEN_REPORT,
    EntryKind.CAUSE_ANALYSIS,
    EntryKind.PREVENTION_PLAN,
    EntryKind.IMPLEMENTATION,
)
# The entries that show the public body has the report in hand.
ACKNOWLEDGING = (EntryKind.ACKNOWLEDGEMENT,)


class Incident(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="incidents"
    )
    # The tier that reports: the contractor, or a subcontractor at any depth.
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("reported by (party)"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    category = models.CharField(_("kind of incident"), max_length=30, choices=Category.choices)
    suspected = models.BooleanField(_("suspected only"), default=False)
    found_at = models.DateTimeField(_("found at"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    summary = EncryptedTextField(_("incident summary"), validators=[MaxLengthValidator(NOTE)])
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="incident_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.number}"


class IncidentEntry(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=30, choices=EntryKind.choices)
    text = EncryptedTextField(_("text"), blank=True, validators=[MaxLengthValidator(NOTE)])
    # An acknowledgement of an instruction names the instruction it answers.
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident timeline entry")
        verbose_name_plural = _("incident timeline entries")
        ordering = ["incident", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sequence"], name="incidententry_unique_sequence"),
        ]
        indexes = [models.Index(fields=["incident", "kind"], name="incidententry_kind_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id}.{self.sequence} {self.kind}"


class IncidentNotice(models.Model):
    """One person told about one entry (or about an acknowledgement that is late), recorded
    before the notification and the mail under a unique key: a re-run of the fan-out, or two
    workers, tell nobody twice (design.md, invariant 7)."""

    key = models.CharField(max_length=200, unique=True)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notices")
    entry = models.ForeignKey(
        IncidentEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incident notice")
        verbose_name_plural = _("incident notices")

    def __str__(self) -> str:
        return self.key

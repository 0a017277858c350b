from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.approvals import Approvable
from core.validators import STATEMENT


class Adoption(models.Model):
    """The template versions a contract runs under: its own clauses, the further templates the
    public body adopted beside them (its own standing rules), and the statutory ones.

    Written by the duty engine when the draft is registered (its clauses and the further
    templates chosen with it) and when it is activated (the statutory ones); later revisions of
    any template leave it. Which role a row plays follows from the contract and the template
    (its clause_template, the template's statutory flag), so it is not stored twice.
    """

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="adoptions")
    template = models.ForeignKey("clauses.ClauseTemplate", on_delete=models.PROTECT, related_name="adoptions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "template"], name="adoption_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} → {self.template_id}"


class Duty(models.Model):
    """An obligation instance on a contract, with its due date and how it was met."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Fulfilled")
        WAIVED = "waived", _("Waived")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="duties")
    obligation = models.ForeignKey("clauses.Obligation", on_delete=models.PROTECT, related_name="duties")
    # What the duty is about when the obligation applies per object ("contracts.person:17").
    subject = models.CharField(_("subject"), max_length=120, blank=True, default="")
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by_event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evidence_event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_reason = models.TextField(_("reason for waiving"), blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "obligation", "subject", "cycle"], name="duty_unique_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"], name="duty_state_due_idx"),
            models.Index(fields=["contract", "state"], name="duty_contract_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation.key} ({self.contract_id})"


class Reminder(models.Model):
    """A reminder recorded before it is sent: the unique key makes every sweep idempotent."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="reminders")
    window_key = models.CharField(max_length=40)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The in-app notification and the e-mail are recorded in one transaction (docs/outbox.md),
    # so a person has both or neither, and a re-delivery records neither twice.
    notified_at = models.DateTimeField(null=True, blank=True)
    # When the reminder was handed over: its e-mail recorded in the outbox (core.OutboundMessage,
    # which says when it left) or, for a digest reader, left to the daily digest.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why this duty could not be delivered in full (its form could not be pre-filled, or the
    # item not rendered): the rest of the person's message went out without it.
    # db_default: the sweep inserts reminders with raw SQL (INSERT … ON CONFLICT DO NOTHING).
    delivery_error = models.CharField(max_length=300, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "window_key", "recipient"], name="reminder_unique_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.window_key} → {self.recipient_id}"


class Attestation(models.Model):
    """A contractor's confirmation of a standing measure for a duty, with its optional comment and
    evidence files. Written once by compliance.services.attestations with the event that fulfils
    the duty (`attestation.confirmed`); never edited: a later confirmation is another row."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="attestations")
    statement = models.TextField(
        _("comment"),
        blank=True,
        validators=[MaxLengthValidator(STATEMENT), ProhibitNullCharactersValidator()],
    )
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attested_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    event = models.OneToOneField("core.Event", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["duty", "attested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.duty_id} @ {self.attested_at:%Y-%m-%d}"


class AttestationEvidence(models.Model):
    """A file given as evidence with an attestation (a core.files StoredFile, encrypted under the
    contract's data key)."""

    attestation = models.ForeignKey(Attestation, on_delete=models.PROTECT, related_name="evidence")
    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["attestation", "pk"]

    def __str__(self) -> str:
        return f"{self.attestation_id}: {self.file_id}"


class DutySubmission(Approvable):
    """A document or report submitted against a duty (the generic evidence of an `upload` or
    `report` obligation): its files, an optional comment, and who submitted it when. Numbered per
    duty: a later version (the document changed) is another row, so the history of what was
    submitted is kept. Where the obligation asks the other side to accept it, the row goes through
    the shared approval workflow (core.approvals) and the duty is met by its acceptance; otherwise
    it is recorded as submitted at once and the submission itself is the evidence.
    Written only by compliance.services.submissions."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="submissions")
    # The duty's contract, kept on the row: every approvable hangs off a contract (core.approvables
    # filters and numbers by contract_id).
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    comment = models.TextField(
        _("comment"),
        blank=True,
        validators=[MaxLengthValidator(STATEMENT), ProhibitNullCharactersValidator()],
    )
    needs_acceptance = models.BooleanField(_("needs acceptance"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The evidence event of the submission (`document.submitted`, `report.submitted`, or
    # `document.resubmitted` for a later version of a met duty).
    event = models.OneToOneField(
        "core.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["duty", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "version"], name="dutysubmission_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} v{self.version}"


class DutySubmissionFile(models.Model):
    """A file of a submitted document (a core.files StoredFile with its SHA-256, encrypted under
    the contract's data key); frozen with the submission, never replaced."""

    submission = models.ForeignKey(DutySubmission, on_delete=models.PROTECT, related_name="files")
    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.file_id}"

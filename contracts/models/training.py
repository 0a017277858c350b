"""Training (教育・研修): the plan the public body approves (004 §3.4), the sessions held and who
attended them (including the public body's own training, 001 §10), and the report of results
(001 §9, 002 §6). The plan and the report go through the one approval workflow (core.approvals)."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.contracts import Contract, Person
from core.approvals import FrozenApprovable
from core.fields import EncryptedTextField
from core.validators import LABEL, NOTE, validate_plausible_date


class TrainingPlan(FrozenApprovable):
    """A training plan for a period (教育計画), submitted to the public body for approval. An
    approved plan is never edited: a revised plan is a new one, so the approved history stays."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="training_plans"
    )
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"), validators=[validate_plausible_date])
    period_end = models.DateField(_("period end"), validators=[validate_plausible_date])
    content = models.TextField(_("content of the training"), validators=[MaxLengthValidator(NOTE)])
    planned_sessions = models.TextField(
        _("planned sessions"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="trainingplan_unique_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="trainingplan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} plan #{self.number}"


class TrainingSession(models.Model):
    """One training session that was held: when, on what, by whom, with its materials."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    # The contract's key: the instructor's name is personal data and goes with it at disposal.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"), validators=[validate_plausible_date])
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("content"), blank=True, validators=[MaxLengthValidator(NOTE)])
    given_by = EncryptedTextField(_("given by"), blank=True, validators=[MaxLengthValidator(LABEL)])
    # Training run by the public body itself, which the contractor's people must attend (001 §10).
    is_client_session = models.BooleanField(_("training held by the public body"), default=False)
    materials = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("materials"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["contract", "held_on"], name="trainingsession_day_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    """A person on the roster attended a session."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_attendances"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "person"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
        ]
        indexes = [models.Index(fields=["person", "session"], name="attendance_person_idx")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.person_id}"


class TrainingReport(FrozenApprovable):
    """The report of training results for a period (実施結果の報告), submitted to the public body,
    which accepts it (approval) or returns it for correction."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="training_reports"
    )
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"), validators=[validate_plausible_date])
    period_end = models.DateField(_("period end"), validators=[validate_plausible_date])
    summary = models.TextField(_("results and remarks"), blank=True, validators=[MaxLengthValidator(NOTE)])
    # Set at the first submission: the duty engine counts the report as made from then on.
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training report")
        verbose_name_plural = _("training reports")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="trainingreport_unique_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="trainingreport_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} report #{self.number}"

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.approvals import ChangeRequest
from core.fields import BlindIndexField, EncryptedTextField
from core.validators import LABEL, NAME, NOTE, validate_plausible_date


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        # Everything returned or disposed of, and the contract's data key destroyed: its
        # personal data is erased and nothing more is recorded (contracts.services.closing).
        CLOSED = "closed", _("Closed")

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
    start_date = models.DateField(_("contract start"), validators=[validate_plausible_date])
    end_date = models.DateField(_("contract end"), validators=[validate_plausible_date])
    work_start_date = models.DateField(_("planned work start"), validators=[validate_plausible_date])
    # The clause template version the contract adopted: it never changes once active, and a
    # new revision of the template leaves it alone (the clause library sits below contracts).
    clause_template = models.ForeignKey(
        "clauses.ClauseTemplate",
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
    # The contractor connects its own devices or media to the public body's network or systems
    # (002 §11: bring-in only with permission and a virus check): a fact clauses can depend on.
    uses_client_network = models.BooleanField(
        _("connects to the public body's network or systems"), default=False
    )
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
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Why the public body closed it with something still outstanding (blank when nothing was):
    # kept here in its words, not in the event (events hold no free text).
    close_override_reason = models.TextField(
        _("reason for closing with items outstanding"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )

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


# A contract past its work: ended (the returns and disposals are still recorded) or closed.
FINISHED_STATUSES = (Contract.Status.ENDED, Contract.Status.CLOSED)


class PersonRole(models.TextChoices):
    SECURITY_OFFICER = "security_officer", _("Security officer")
    RESPONSIBLE = "responsible", _("Responsible person")
    WORKER = "worker", _("Worker")


class Employment(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    DISPATCH = "dispatch", _("Dispatch worker")
    PART_TIME = "part_time", _("Part-timer")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor's worker")


class Person(models.Model):
    """Someone who handles the contract's information; what they do is in their roster entries."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="people"
    )
    # The contract's key: destroying it at disposal erases the names below.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    full_name = EncryptedTextField(_("full name"), validators=[MaxLengthValidator(NAME)])
    full_name_kana = EncryptedTextField(
        _("full name (kana)"), blank=True, validators=[MaxLengthValidator(NAME)]
    )
    full_name_index = BlindIndexField(source="full_name")
    contact = EncryptedTextField(_("contact"), blank=True, validators=[MaxLengthValidator(LABEL)])
    employer = models.ForeignKey(
        "core.Organisation", verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    employment = models.CharField(
        _("employment"), max_length=20, choices=Employment.choices, default=Employment.EMPLOYEE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return self.full_name


class RosterChange(ChangeRequest):
    """A roster submission or a change to it: the unit the public body approves (or is notified of)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="roster_changes"
    )
    # Set when created, from the clauses: prior approval (e.g. 所沢市 §4) or notice only (練馬区 §8).
    needs_approval = models.BooleanField(_("needs prior approval"), default=True)

    class Meta(ChangeRequest.Meta):
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")

    def __str__(self) -> str:
        return f"{self.contract.number} #{self.number}"


class RosterEntry(models.Model):
    """One version of a person's engagement, introduced by a change. Never edited once submitted:
    a later change adds a new version (or a removal), so any past roster can be rebuilt."""

    class Action(models.TextChoices):
        ADD = "add", _("Add")
        UPDATE = "update", _("Change")
        REMOVE = "remove", _("Remove")

    change = models.ForeignKey(RosterChange, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="entries")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices, default=PersonRole.WORKER)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    scope_of_work = models.CharField(_("scope of work"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"), validators=[validate_plausible_date])
    planned_end_date = models.DateField(
        _("planned end date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    dispatch_terms_confirmed = models.BooleanField(
        _("the dispatch contract carries the confidentiality terms"), default=False
    )
    # Roles the adopted template declares beyond `role` (e.g. 授受担当者, the person who hands
    # over and receives the information), as the template's role codes: a person may hold several.
    declared_roles = models.JSONField(_("further roles"), default=list, blank=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["change", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "person"], name="rosterentry_one_per_person_and_change"
            ),
        ]
        indexes = [models.Index(fields=["person", "change"], name="rosterentry_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.action}"


class Pledge(models.Model):
    """A signed confidentiality pledge (誓約書) of one person: the scan is a StoredFile encrypted
    under the contract's key, so disposal of the contract erases it with everything else."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="pledges"
    )
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("signed on"), validators=[validate_plausible_date])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["person", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.signed_on}"


class UnsuitableFlag(models.Model):
    """The public body finds a worker unsuitable and asks for measures (004 §6.4); the contractor
    answers. What is said about the person is personal data: encrypted under the contract's key."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="flags"
    )
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"), validators=[MaxLengthValidator(NOTE)])
    measures_requested = EncryptedTextField(_("measures requested"), validators=[MaxLengthValidator(NOTE)])
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer = EncryptedTextField(_("answer"), blank=True, validators=[MaxLengthValidator(NOTE)])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Why the public body closed it with something still outstanding (blank when nothing was):
    # kept here in its words, not in the event (events hold no free text).
    close_override_reason = models.TextField(
        _("reason for closing with items outstanding"), blank=True, validators=[MaxLengthValidator(NOTE)]
    )

    class Meta:
        verbose_name = _("unsuitable-worker flag")
        verbose_name_plural = _("unsuitable-worker flags")
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.raised_at:%Y-%m-%d}"

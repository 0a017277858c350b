from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClauseTemplate(models.Model):
    """One version of a clause template, frozen as loaded (docs/clause-templates.md)."""

    template_id = models.CharField(_("template id"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    parties = models.JSONField(_("party words"))
    revisions = models.JSONField(_("revision history"), default=list)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    # Built-in statutory duties (APPI) applied to every contract handling personal information.
    statutory = models.BooleanField(_("statutory"), default=False)
    content = models.JSONField(_("content as loaded"))
    content_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clause template")
        verbose_name_plural = _("clause templates")
        ordering = ["template_id", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["template_id", "version"], name="clausetemplate_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    @property
    def client_word(self) -> str:
        return self.parties.get("client", "")

    @property
    def contractor_word(self) -> str:
        return self.parties.get("contractor", "")


class Article(models.Model):
    template = models.ForeignKey(ClauseTemplate, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField()
    number = models.CharField(_("article"), max_length=20)
    heading = models.CharField(_("heading"), max_length=200)
    summary = models.TextField(_("summary"))
    informational = models.BooleanField(_("informational"), default=False)
    reason = models.TextField(_("why informational"), blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="article_unique_position"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}条 {self.heading}"


class Obligation(models.Model):
    template = models.ForeignKey(ClauseTemplate, on_delete=models.CASCADE, related_name="obligations")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="obligations")
    position = models.PositiveIntegerField()
    key = models.CharField(_("key"), max_length=120)
    clause = models.CharField(_("clause"), max_length=40)
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.CharField(_("who acts"), max_length=20)
    summary = models.TextField(_("summary"))
    trigger = models.CharField(_("trigger"), max_length=30)
    deadline_rule = models.CharField(_("deadline rule"), max_length=40)
    deadline_days = models.IntegerField(_("deadline days"), null=True, blank=True)
    deadline_date = models.DateField(_("fixed deadline"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=30)
    opens_on = models.JSONField(_("opened by events"), default=list)
    fulfilled_by = models.JSONField(_("fulfilled by events"), default=list)
    per_subject = models.BooleanField(_("one duty per subject"), default=False)
    every_months = models.PositiveIntegerField(null=True, blank=True)
    every_days = models.PositiveIntegerField(null=True, blank=True)
    applies_if = models.JSONField(_("contract flags required"), default=list)
    survives_contract = models.BooleanField(_("survives the contract"), default=False)
    form_id = models.CharField(_("form"), max_length=100, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="obligation_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.kind}"


class Adoption(models.Model):
    """The template versions a contract runs under: its own clauses and the statutory ones.

    Written once, when the contract is activated; later revisions of any template leave it.
    """

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="adoptions")
    template = models.ForeignKey(ClauseTemplate, on_delete=models.PROTECT, related_name="adoptions")

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
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="duties")
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

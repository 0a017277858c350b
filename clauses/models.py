"""The clause library as data: one frozen version of a template, its articles and obligations.

The tables keep the names they had when these models lived in compliance (db_table): moving
the models between apps changed only Django's state, not the database (docs/architecture.md,
"Moving the clause library").
"""

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
        db_table = "compliance_clausetemplate"
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
        db_table = "compliance_article"
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
    # What the fulfilling evidence must show, checked by the engine against the domain's data
    # when the event arrives ({roster_roles: [responsible]}); empty when any such event meets it.
    evidence_conditions = models.JSONField(_("conditions on the evidence"), default=dict, blank=True)

    class Meta:
        db_table = "compliance_obligation"
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="obligation_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.kind}"

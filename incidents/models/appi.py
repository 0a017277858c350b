"""The public body's judgement of an incident under the APPI and the reports it sent to the
Personal Information Protection Commission (速報, 確報). Both are evidence and append-only
(migration 0002): a judgement is revised by a newer one (the latest counts), a report is never
edited. Neither holds personal data (categories, counts, dates, a reference number), so neither
is encrypted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incidents.models.incidents import Incident


class AppiJudgement(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="appi_judgements")
    # The categories that held (incidents.appi codes), the count and the threshold of the day:
    # kept as judged, so a later change of the rules does not rewrite an old judgement.
    categories = models.JSONField(_("reportable categories"), default=list, blank=True)
    persons_affected = models.PositiveIntegerField(_("number of people affected"), null=True, blank=True)
    threshold = models.PositiveIntegerField(_("threshold of people"))
    aware_on = models.DateField(_("day the public body became aware"))
    reportable = models.BooleanField(_("reportable"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("APPI judgement")
        verbose_name_plural = _("APPI judgements")
        ordering = ["incident", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} appi {self.pk}"


class AppiReport(models.Model):
    class Stage(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary report (速報)")
        FINAL = "final", _("Final report (確報)")

    class Method(models.TextChoices):
        WEB_FORM = "web_form", _("The Commission's online form")
        EMAIL = "email", _("E-mail")
        POST = "post", _("Post")
        OTHER = "other", _("Other")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="appi_reports")
    stage = models.CharField(_("report"), max_length=20, choices=Stage.choices)
    sent_on = models.DateField(_("sent on"))
    method = models.CharField(_("how it was sent"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report to the Commission")
        verbose_name_plural = _("reports to the Commission")
        ordering = ["incident", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "stage"], name="appireport_unique_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.stage}"

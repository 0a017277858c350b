"""Forms of the APPI section of an incident's page: the public body's judgement and a report it
sent to the Commission. The rules are the service's (its refusals come back at these fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import PlausibleDateField
from core.widgets import WarekiDateInput
from incidents import appi
from incidents.models import AppiReport


class JudgementForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Categories that hold"),
        choices=[(c.code, c.label) for c in appi.CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    persons_affected = forms.IntegerField(
        label=_("Number of people affected (including possibly affected)"),
        min_value=0,
        max_value=100_000_000,
        required=False,
        help_text=_(
            "Leave empty while not known. More than %(threshold)s people makes the breach reportable."
        )
        % {"threshold": appi.THRESHOLDS[appi.BODY_KIND]},
    )
    aware_on = PlausibleDateField(label=_("Day the public body became aware"), widget=WarekiDateInput())


class ReportSentForm(forms.Form):
    stage = forms.ChoiceField(label=_("Report"), choices=AppiReport.Stage.choices)
    sent_on = PlausibleDateField(label=_("Sent on"), widget=WarekiDateInput())
    method = forms.ChoiceField(label=_("How it was sent"), choices=AppiReport.Method.choices)
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)

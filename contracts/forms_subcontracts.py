"""The subcontract application form (再委託承認申請): the fields 003 §6.2 names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import NOTE, PlausibleDateField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"max_length": NOTE}


class SubcontractForm(forms.Form):
    subcontractor = forms.ModelChoiceField(
        label=_("Subcontractor"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "Contractors registered with the public body. Ask the public body to invite one that is missing."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for subcontracting"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    scope = forms.CharField(label=_("Work subcontracted"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT)
    information_handled = forms.CharField(
        label=_("Information handled"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    handles_personal_info = forms.BooleanField(
        label=_("The subcontractor handles personal information"), required=False, initial=True
    )
    security_measures = forms.CharField(
        label=_("The subcontractor's security measures"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Organisation, people, physical and technical measures; certifications such as ISMS "
            "or Privacy Mark."
        ),
        **TEXT,
    )
    supervision = forms.CharField(
        label=_("How the subcontractor is supervised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reports, inspections, audits: how often and by whom."),
        **TEXT,
    )
    start_date = PlausibleDateField(label=_("Start"), widget=DATE)
    end_date = PlausibleDateField(label=_("End"), widget=DATE)
    precheck_confirmed = forms.BooleanField(
        label=_(
            "I checked, before signing, that the subcontractor takes the security measures of these clauses"
        ),
        required=False,
    )
    equivalent_terms = forms.BooleanField(
        label=_("The subcontract carries terms equivalent to these special clauses"), required=False
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is None:
            del self.fields["subcontractor"]  # fixed once drafted
        else:
            self.fields["subcontractor"].queryset = candidates

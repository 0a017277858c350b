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
        required=False,
        empty_label=_("Choose a subcontractor, or name a new one below"),
        help_text=_("Organisations you have entrusted work to before."),
    )
    # A first subcontract to an organisation is named, not picked from the public body's
    # suppliers: listing them would show a contractor every other company the body works with.
    subcontractor_name = forms.CharField(
        label=_("Or the registered name of a new subcontractor"),
        max_length=200,
        required=False,
        help_text=_(
            "Its name exactly as registered with the public body. Ask the public body to invite one "
            "that is not registered yet."
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

    def __init__(self, *args, candidates=None, find_by_name=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.find_by_name = find_by_name
        if candidates is None:
            del self.fields["subcontractor"]  # fixed once drafted
            del self.fields["subcontractor_name"]
        else:
            self.fields["subcontractor"].queryset = candidates

    def clean(self):
        data = super().clean()
        if "subcontractor" not in self.fields:
            return data
        name = (data.pop("subcontractor_name", "") or "").strip()
        if data.get("subcontractor") is not None or "subcontractor" in self.errors:
            return data
        if not name:
            self.add_error(
                "subcontractor", _("Choose a subcontractor, or enter the registered name of a new one.")
            )
            return data
        found = self.find_by_name(name) if self.find_by_name else None
        if found is None:
            # One message for "unknown" and "not allowed here": the answer tells no more than
            # whether this exact name can be entrusted work on this contract.
            self.add_error(
                "subcontractor_name",
                _(
                    "No contractor of this name can be chosen: check the name as registered with the "
                    "public body, or ask the public body to invite it."
                ),
            )
        else:
            data["subcontractor"] = found
        return data

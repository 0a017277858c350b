from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.kinds import KINDS
from compliance.selectors import requestable_obligations
from core.templatetags.portal import clause_ja
from core.validators import NOTE, STATEMENT


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE)


class AttestForm(forms.Form):
    # What the contractor confirms, in its own words; it is kept in the attestation's event, so
    # it is short and bounded (the page sends none: the obligation itself says what is confirmed).
    statement = forms.CharField(
        label=_("Statement"), required=False, max_length=STATEMENT, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestForm(forms.Form):
    obligation = forms.ChoiceField(label=_("Request"))
    note = forms.CharField(
        label=_("Note to the contractor"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        obligations = requestable_obligations(contract)
        self.fields["obligation"].choices = [
            (ob.key, f"{clause_ja(ob.clause)} {KINDS[ob.kind].label}") for ob in obligations
        ]

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.kinds import KINDS
from compliance.models import ClauseTemplate, Obligation
from core.templatetags.portal import clause_ja


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RequestForm(forms.Form):
    obligation = forms.ChoiceField(label=_("Request"))
    note = forms.CharField(
        label=_("Note to the contractor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        obligations = Obligation.objects.filter(
            template__adoptions__contract=contract, trigger="on_request"
        ).order_by("position")
        self.fields["obligation"].choices = [
            (ob.key, f"{clause_ja(ob.clause)} {KINDS[ob.kind].label}") for ob in obligations
        ]


class CompareForm(forms.Form):
    old = forms.ModelChoiceField(label=_("Older version"), queryset=ClauseTemplate.objects.all())
    new = forms.ModelChoiceField(label=_("Newer version"), queryset=ClauseTemplate.objects.all())

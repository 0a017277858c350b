from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.models import ClauseTemplate


class CompareForm(forms.Form):
    old = forms.ModelChoiceField(
        label=_("Older version"),
        queryset=ClauseTemplate.objects.all(),
        empty_label=_("Choose the older version"),
    )
    new = forms.ModelChoiceField(
        label=_("Newer version"),
        queryset=ClauseTemplate.objects.all(),
        empty_label=_("Choose the newer version"),
    )

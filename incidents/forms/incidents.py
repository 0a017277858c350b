"""Forms of incidents: the first report (a few fields, filled in under a minute), an entry of the
reporting side, the public body's instruction or closing note, and an instruction's
acknowledgement. Labels are the model's; the rules are the service's (its refusals come back at
these fields)."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.validators import NOTE
from incidents.models import CONTRACTOR_KINDS, Category, EntryKind, Incident
from ledgers.forms.takeouts import JapanDateTimeField


def _label(name: str):
    return capfirst(Incident._meta.get_field(name).verbose_name)


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_label("category"), choices=[("", _("Choose the kind of incident")), *Category.choices]
    )
    suspected = forms.BooleanField(
        label=_("It is only suspected so far"),
        required=False,
        help_text=_("Report a suspicion too, at once: whether it happened is settled afterwards."),
    )
    found_at = JapanDateTimeField(label=_("When it was found"))
    occurred_at = JapanDateTimeField(label=_("When it occurred (if known)"), required=False)
    summary = forms.CharField(
        label=_("Incident summary"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What information, how much of it (records, people), where and how. "
            "Details can follow as updates."
        ),
    )


class UpdateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of entry"),
        choices=[(k, label) for k, label in EntryKind.choices if k in CONTRACTOR_KINDS],
        initial=EntryKind.UPDATE,
    )
    text = forms.CharField(
        label=_("What to record"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("Instruction"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    """An optional note: with an instruction's acknowledgement, or with the closure."""

    text = forms.CharField(
        label=_("Note"), max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

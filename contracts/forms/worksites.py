"""Forms of the work-site pages (the application as a PDF form is in contracts.pdf.worksites)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import StorageProtection, WorksiteKind
from core.validators import NOTE, SHORT_NOTE, IdsChoiceField, PlausibleDateField
from core.widgets import WarekiDateInput

DATE = WarekiDateInput()


class WorksiteAsOfForm(forms.Form):
    on = PlausibleDateField(label=_("Work sites as of"), widget=DATE, required=False)


class PersonChoiceField(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class WorksiteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of site"),
        choices=WorksiteKind.choices,
        error_messages={"required": _("Choose the kind of work site.")},
    )
    name = forms.CharField(
        label=_("Name of the site"),
        max_length=200,
        error_messages={"required": _("Enter the name of the work site.")},
        help_text=_("e.g. Head office, development department; the city hall annex."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        error_messages={"required": _("Enter the address of the work site.")},
        help_text=_("The address of the building (a business address)."),
    )
    rooms = forms.CharField(
        label=_("Rooms or areas"),
        required=False,
        max_length=SHORT_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where in the building the information is handled, e.g. 3rd floor, room 301."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )
    people = PersonChoiceField(
        label=_("People who work here"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People on the roster of this contract (including its open change)."),
    )

    def __init__(self, *args, people_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people_queryset


class StoragePlaceForm(forms.Form):
    """One storage place; the rules are the service's (messages come back at these fields)."""

    name = forms.CharField(label=_("Storage place"), max_length=200, required=False)
    protection = forms.ChoiceField(
        label=_("Protection"),
        choices=[("", _("Choose how it is protected")), *StorageProtection.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("How it is protected"),
        required=False,
        max_length=SHORT_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. who keeps the key, how entry to the room is controlled."),
    )


StoragePlaceFormSet = forms.formset_factory(StoragePlaceForm, extra=2, can_delete=True)
STORAGE_PREFIX = "storage_places"


def storage_rows(formset) -> list[tuple[forms.Form, dict]]:
    """The filled-in, not deleted rows of a valid formset, with the form each came from."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if (
            not data
            or data.get("DELETE")
            or not any(data.get(f) for f in ("name", "protection", "description"))
        ):
            continue
        rows.append((form, {f: data.get(f, "") for f in ("name", "protection", "description")}))
    return rows


class SecureAreaRulesForm(forms.Form):
    rules_title = forms.CharField(
        label=_("Rules received"),
        max_length=300,
        error_messages={"required": _("Enter the title of the rules you received.")},
        help_text=_("The public body's entry rules for its secure area, e.g. its title and edition."),
    )
    received_on = PlausibleDateField(
        label=_("Received on"),
        widget=DATE,
        error_messages={"required": _("Enter the date you received the rules.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )

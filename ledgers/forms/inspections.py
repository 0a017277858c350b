"""Forms of the inspections (000 §5.6(6), 002 §10(2)): recording an inspection with a row per
check and its findings, and recording a finding's correction. Labels are the model's; the rules
are the service's (its refusals come back at these fields)."""

from __future__ import annotations

from django import forms
from django.db.models import OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contracts.models import Person
from core.validators import NOTE, SHORT_NOTE, PlausibleDateField
from ledgers.forms.devices import DATE, HolderChoiceField
from ledgers.forms.takeouts import DeviceChoiceField, ItemChoiceField
from ledgers.models import (
    Check,
    CheckResult,
    Device,
    DeviceVersion,
    FindingCorrection,
    InformationItem,
    Inspection,
    InspectionFinding,
)

# Each check's result field and note field on the inspection (the form's rows, in this order).
CHECK_FIELDS = [(check, f"{check}_result", f"{check}_note") for check in Check.values]


def _label(name: str, model=Inspection):
    return capfirst(model._meta.get_field(name).verbose_name)


def _people(contract, organisation_id: int):
    # The party's own people: the service says at the field why one not approved may not be named.
    return Person.objects.filter(contract=contract, employer_id=organisation_id).order_by("full_name")


class InspectionForm(forms.Form):
    inspected_on = PlausibleDateField(label=_label("inspected_on"), widget=DATE)
    inspector = HolderChoiceField(
        label=_label("inspector"),
        queryset=Person.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("A person of your party on the roster approved on the day of the inspection."),
    )
    items = ItemChoiceField(
        label=_label("items"),
        queryset=InformationItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    devices = DeviceChoiceField(
        label=_label("devices"),
        queryset=Device.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contract, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        for check, result, note in CHECK_FIELDS:
            self.fields[result] = forms.ChoiceField(
                label=Check(check).label, choices=CheckResult.choices, widget=forms.RadioSelect
            )
            self.fields[note] = forms.CharField(
                label=_label(note), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["inspector"].queryset = _people(contract, organisation_id)
        own = {"contract": contract, "organisation_id": organisation_id}
        self.fields["items"].queryset = InformationItem.objects.filter(**own).order_by("number")
        latest_kind = (
            DeviceVersion.objects.filter(device=OuterRef("pk")).order_by("-number").values("kind")[:1]
        )
        self.fields["devices"].queryset = (
            Device.objects.filter(**own).annotate(latest_kind=latest_kind).order_by("asset_number")
        )

    def check_rows(self):
        """(label, result field, note field) per check, for the template's table."""
        return [(Check(check).label, self[result], self[note]) for check, result, note in CHECK_FIELDS]


class FindingForm(forms.Form):
    found_in = forms.ChoiceField(
        label=_label("found_in", InspectionFinding),
        choices=[("", "---------"), *Check.choices],
        required=False,
    )
    what = forms.CharField(
        label=_label("what", InspectionFinding),
        required=False,
        max_length=SHORT_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    action = forms.CharField(
        label=_label("action", InspectionFinding),
        required=False,
        max_length=SHORT_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = PlausibleDateField(label=_label("due_date", InspectionFinding), widget=DATE, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("what") or data.get("action") or data.get("due_date") or data.get("found_in"))


FindingFormSet = forms.formset_factory(FindingForm, extra=3, max_num=20, absolute_max=20, validate_max=True)


class CorrectionForm(forms.Form):
    corrected_on = PlausibleDateField(label=_label("corrected_on", FindingCorrection), widget=DATE)
    corrected_by = HolderChoiceField(
        label=_label("corrected_by", FindingCorrection),
        queryset=Person.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("A person of your party on the roster approved on that day."),
    )
    note = forms.CharField(
        label=_label("note", FindingCorrection),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, contract, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrected_by"].queryset = _people(contract, organisation_id)

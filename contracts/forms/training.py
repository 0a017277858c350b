"""Training (教育・研修): the entry forms (the PDF forms are in contracts.pdf.training)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Person
from core.validators import NOTE, IdsChoiceField, PlausibleDateField, parse_id
from core.widgets import WarekiDateInput

DATE = WarekiDateInput()


# --- entry forms --------------------------------------------------------------------------------


class TrainingPlanForm(forms.Form):
    period_start = PlausibleDateField(label=_("Period start"), widget=DATE)
    period_end = PlausibleDateField(label=_("Period end"), widget=DATE)
    content = forms.CharField(
        label=_("Content of the training"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who is trained, on what (the clauses, the rules, the penalties) and how."),
    )
    planned_sessions = forms.CharField(
        label=_("Planned sessions"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When, for whom and how often: e.g. before work starts, and once a year."),
    )


class _AttendeesMixin:
    def _set_people(self, contract: Contract) -> None:
        # Any person of the contract is a valid value; the service checks the roster of the day
        # and names whoever was not on it (a clearer message than "not a valid choice").
        self.fields["attendees"].queryset = Person.objects.filter(contract=contract)

    def selected_ids(self) -> set[int]:
        values = self["attendees"].value() or []
        return {pk for pk in map(parse_id, values) if pk is not None}


class TrainingSessionForm(_AttendeesMixin, forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    content = forms.CharField(
        label=_("Content"), max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    given_by = forms.CharField(label=_("Given by"), max_length=200, required=False)
    is_client_session = forms.BooleanField(
        label=_("Training held by the public body"),
        required=False,
        help_text=_("Tick when this was the public body's own training that the contractor attended."),
    )
    materials = forms.FileField(
        label=_("Materials (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Stored encrypted under this contract's key."),
    )
    attendees = IdsChoiceField(label=_("Attendees"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_people(contract)


class AttendanceForm(_AttendeesMixin, forms.Form):
    attendees = IdsChoiceField(label=_("Attendees"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_people(contract)


class TrainingReportForm(forms.Form):
    period_start = PlausibleDateField(label=_("Period start"), widget=DATE)
    period_end = PlausibleDateField(label=_("Period end"), widget=DATE)
    summary = forms.CharField(
        label=_("Results and remarks"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the training achieved, and what is done for people who have not been trained yet."),
    )


class PeriodForm(forms.Form):
    start = PlausibleDateField(label=_("From"), widget=DATE, required=False)
    end = PlausibleDateField(label=_("To"), widget=DATE, required=False)


class SessionDayForm(forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DATE, required=False)

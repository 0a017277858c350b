"""Forms of the roster's people, their pledges and unsuitable-worker flags."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Employment, PersonRole
from contracts.services.roster import required_field_message
from core.models import Organisation
from core.validators import NOTE, PlausibleDateField
from core.widgets import WarekiDateInput

DATE = WarekiDateInput()


def declared_roles_field() -> forms.MultipleChoiceField:
    # Its choices are the roles the contract's template declares (clause_fields).
    return forms.MultipleChoiceField(
        label=_("Further roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The roles this contract's clauses name beyond the role above."),
    )


def clause_fields(
    form: forms.Form, *, required_fields=(), declared_roles: dict[str, str] | None = None
) -> None:
    """What the contract's clauses make of a roster entry form: the fields a condition needs for
    every person become required (001 §7: 所属, 従事期間), with the reason at the field; the roles
    the template declares are offered by their labels, and the choice is dropped where it declares none."""
    for name in required_fields:
        field = form.fields.get(name)
        if field is None:
            continue
        field.required = True
        # The service refuses the same entry with the same words (one function: they cannot drift).
        field.error_messages["required"] = required_field_message(name)
    if declared_roles:
        form.fields["declared_roles"].choices = list(declared_roles.items())
    else:
        del form.fields["declared_roles"]


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    full_name_kana = forms.CharField(label=_("Full name (kana)"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices, initial=PersonRole.WORKER)
    employment = forms.ChoiceField(
        label=_("Employment"), choices=Employment.choices, initial=Employment.EMPLOYEE
    )
    employer = forms.ModelChoiceField(
        label=_("Employer (subcontractor)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The contractor itself"),
        help_text=_("For a subcontractor's worker: the approved subcontractor that employs them."),
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    scope_of_work = forms.CharField(label=_("Scope of work"), max_length=300, required=False)
    start_date = PlausibleDateField(label=_("Start date"), widget=DATE)
    planned_end_date = PlausibleDateField(label=_("Planned end date"), widget=DATE, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    dispatch_terms_confirmed = forms.BooleanField(
        label=_("The dispatch contract carries the confidentiality terms"),
        required=False,
        help_text=_("Required for dispatch workers."),
    )

    declared_roles = declared_roles_field()

    def __init__(self, *args, subcontractors=None, required_fields=(), declared_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subcontractors is None or not subcontractors.exists():
            del self.fields["employer"]  # no approved subcontractor: everyone is the contractor's
        else:
            self.fields["employer"].queryset = subcontractors
        clause_fields(self, required_fields=required_fields, declared_roles=declared_roles)


class EntryChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    declared_roles = declared_roles_field()
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    scope_of_work = forms.CharField(label=_("Scope of work"), max_length=300, required=False)
    planned_end_date = PlausibleDateField(label=_("Planned end date"), widget=DATE, required=False)
    remove = forms.BooleanField(
        label=_("Remove from the roster"),
        required=False,
        help_text=_("The planned end date becomes the last day of work."),
    )

    def __init__(self, *args, declared_roles=None, **kwargs):
        # The clauses' required fields are checked by the service, at the field: a removal needs
        # no more than its last day, which the form cannot know before it is cleaned.
        super().__init__(*args, **kwargs)
        clause_fields(self, declared_roles=declared_roles)


class AsOfForm(forms.Form):
    on = PlausibleDateField(label=_("Roster as of"), widget=DATE, required=False)


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Fill in the template. If any cell has an error, nothing is imported."),
    )


class PledgeUploadForm(forms.Form):
    file = forms.FileField(label=_("Signed pledge (PDF, JPEG or PNG)"))
    signed_on = PlausibleDateField(label=_("Signed on"), widget=DATE)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the worker is unsuitable"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE
    )
    measures_requested = forms.CharField(
        label=_("Measures requested"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE
    )


class FlagAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE
    )

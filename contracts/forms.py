from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Employment, PersonRole
from contracts.selectors import (
    CLIENT_RESPONSIBLE_ROLES,
    CONTRACTOR_RESPONSIBLE_ROLES,
    responsible_candidates,
)
from contracts.services import period_errors
from core.models import Membership, Organisation, User
from core.selectors import public_bodies_of_contractor
from core.validators import NOTE, PlausibleDateField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _grouped_by_company(memberships) -> list:
    """Select choices as optgroups, one per company, each label naming the company too (a
    screen reader announcing an option does not always say its group)."""
    groups: dict[str, list] = {}
    for m in memberships:
        label = _("%(name)s (%(company)s)") % {"name": m.user, "company": m.organisation.name}
        groups.setdefault(m.organisation.name, []).append((m.user_id, label))
    return [("", "---------"), *groups.items()]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "number",
            "title",
            "department",
            "contractor",
            "clause_template",
            "start_date",
            "end_date",
            "work_start_date",
            "handles_personal_info",
            "handles_my_number",
            "on_premises",
            "subcontracting",
            "client_responsible",
            "contractor_responsible",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "work_start_date": DATE}
        help_texts = {
            "clause_template": _("The special clauses the contract adopts; the contract keeps this version."),
            "work_start_date": _("Duties due 'before work starts' are due on this day."),
        }

    def __init__(self, *args, membership: Membership, contractors, **kwargs):
        super().__init__(*args, **kwargs)
        body = membership.organisation
        self.fields["department"].queryset = body.departments.filter(is_active=True)
        if membership.department_id:
            self.fields["department"].queryset = body.departments.filter(pk=membership.department_id)
            self.fields["department"].initial = membership.department_id
        self.fields["contractor"].queryset = contractors
        # Statutory templates are applied by law, never chosen.
        self.fields["clause_template"].queryset = self.fields["clause_template"].queryset.filter(
            statutory=False
        )
        staff = responsible_candidates([body.pk], CLIENT_RESPONSIBLE_ROLES)
        self.fields["client_responsible"].queryset = User.objects.filter(pk__in=staff.values("user"))
        # Only the people of the contractors this body works with, grouped and labelled by
        # company: several companies have a 「責任 一郎」. The service checks that the person
        # belongs to the contractor actually chosen (the two selects cannot be tied without JS).
        people = responsible_candidates(contractors.values("pk"), CONTRACTOR_RESPONSIBLE_ROLES)
        field = self.fields["contractor_responsible"]
        field.queryset = User.objects.filter(pk__in=people.values("user"))
        field.choices = _grouped_by_company(people)
        field.help_text = _("Choose a person of the contractor chosen above.")

    def clean(self):
        data = super().clean()
        for field, message in period_errors(
            data.get("start_date"), data.get("end_date"), data.get("work_start_date")
        ).items():
            self.add_error(field, message)
        return data

    def _post_clean(self):
        # The database's own period check would repeat the error above without a field.
        if not self.errors:
            super()._post_clean()


class ContractProposalForm(ContractForm):
    """What a contractor's manager fills in to propose a contract to a public body."""

    public_body = forms.ModelChoiceField(label=_("Public body"), queryset=Organisation.objects.none())

    class Meta(ContractForm.Meta):
        fields = [
            "public_body",
            "number",
            "title",
            "clause_template",
            "start_date",
            "end_date",
            "work_start_date",
            "handles_personal_info",
            "handles_my_number",
            "on_premises",
            "subcontracting",
            "contractor_responsible",
        ]

    def __init__(self, *args, membership: Membership, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.fields["public_body"].queryset = public_bodies_of_contractor(membership.organisation)
        self.fields["clause_template"].queryset = self.fields["clause_template"].queryset.filter(
            statutory=False
        )
        people = responsible_candidates([membership.organisation_id], CONTRACTOR_RESPONSIBLE_ROLES)
        self.fields["contractor_responsible"].queryset = User.objects.filter(pk__in=people.values("user"))


class ActivateForm(forms.Form):
    signed_on = PlausibleDateField(
        label=_("Signed on"), widget=DATE, help_text=_("Deadlines counted from signing start on this day.")
    )


class DateForm(forms.Form):
    on = PlausibleDateField(label=_("Date"), widget=DATE)


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

    def __init__(self, *args, subcontractors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subcontractors is None or not subcontractors.exists():
            del self.fields["employer"]  # no approved subcontractor: everyone is the contractor's
        else:
            self.fields["employer"].queryset = subcontractors


class EntryChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    scope_of_work = forms.CharField(label=_("Scope of work"), max_length=300, required=False)
    planned_end_date = PlausibleDateField(label=_("Planned end date"), widget=DATE, required=False)
    remove = forms.BooleanField(
        label=_("Remove from the roster"),
        required=False,
        help_text=_("The planned end date becomes the last day of work."),
    )


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

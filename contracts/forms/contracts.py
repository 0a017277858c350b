from django import forms
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from clauses.models import ClauseTemplate
from contracts.models import Contract
from contracts.selectors.contracts import (
    CLIENT_RESPONSIBLE_ROLES,
    CONTRACTOR_RESPONSIBLE_ROLES,
    responsible_candidates,
)
from contracts.services.contracts import CLIENT_ONLY_FIELDS, CONDITION_FIELDS, FIELDS, period_errors
from core.models import Membership, Organisation, User
from core.selectors import public_bodies_of_contractor
from core.validators import NOTE, IdsChoiceField, PlausibleDateField
from core.widgets import WarekiDateInput

DATE = WarekiDateInput()


def _grouped_by_company(memberships) -> list:
    """Select choices as optgroups, one per company, each label naming the company too (a
    screen reader announcing an option does not always say its group)."""
    groups: dict[str, list] = {}
    for m in memberships:
        label = _("%(name)s (%(company)s)") % {"name": m.user, "company": m.organisation.name}
        groups.setdefault(m.organisation.name, []).append((m.user_id, label))
    return [("", _("Choose the contractor's responsible person")), *groups.items()]


def _latest_versions() -> QuerySet[ClauseTemplate]:
    """The latest loaded version of each template a contract may adopt beside its clauses (a
    statutory one applies by law and is never chosen)."""
    newest = ClauseTemplate.objects.filter(template_id=OuterRef("template_id")).order_by("-loaded_at", "-pk")
    return (
        ClauseTemplate.objects.filter(statutory=False, pk=Subquery(newest.values("pk")[:1]))
        .defer("content")
        .order_by("title", "pk")
    )


class TemplateChoiceField(IdsChoiceField):
    def label_from_instance(self, obj: ClauseTemplate) -> str:
        # Its title and who issued it: two bodies' rules may share a title.
        return _("%(title)s (%(issuer)s, version %(version)s)") % {
            "title": obj.title,
            # Stored as the document gives it, sometimes in brackets already (（文書に団体名の記載なし）):
            # the label's own brackets would double them.
            "issuer": obj.issuer.removeprefix("（").removesuffix("）"),
            "version": obj.version,
        }


class ContractForm(forms.ModelForm):
    # The public body's own standing rules (e.g. its rule on outsourcing) that bind the contract
    # beside its special clauses: contract_create hands them to the duty engine.
    additional_templates = TemplateChoiceField(
        label=_("Further rules adopted beside the special clauses"),
        queryset=ClauseTemplate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The public body's own rules that also bind this contract (for example its rule on "
            "outsourcing), in their latest version; their duties are tracked with those of the "
            "special clauses. Leave them unticked when only the special clauses apply. Statutory "
            "clauses apply by law and are not listed."
        ),
    )

    class Meta:
        model = Contract
        fields = [f for f in FIELDS if f != "public_body"]
        widgets = {"start_date": DATE, "end_date": DATE, "work_start_date": DATE}
        help_texts = {
            "clause_template": _("The special clauses the contract adopts; the contract keeps this version."),
            "work_start_date": _("Duties due 'before work starts' are due on this day."),
            "uses_client_network": _(
                "Tick it when the contractor brings its own computers or media into the public body's "
                "network or systems to work: the clauses on bringing them in then apply. It can be "
                "changed later on the contract's page."
            ),
        }

    def __init__(self, *args, membership: Membership, contractors, **kwargs):
        super().__init__(*args, **kwargs)
        body = membership.organisation
        self.fields["department"].queryset = body.departments.filter(is_active=True)
        if membership.department_id:
            self.fields["department"].queryset = body.departments.filter(pk=membership.department_id)
            self.fields["department"].initial = membership.department_id
        self.fields["contractor"].queryset = contractors
        # Django's 「---------」 says nothing: each empty choice says what to choose (or what
        # leaving it empty means).
        self.fields["department"].empty_label = _("The whole public body (no department)")
        self.fields["contractor"].empty_label = _("Choose the contractor")
        self.fields["clause_template"].empty_label = _("Choose the special clauses")
        self.fields["client_responsible"].empty_label = _("Choose the public body's responsible staff")
        # Statutory templates are applied by law, never chosen.
        self.fields["clause_template"].queryset = self.fields["clause_template"].queryset.filter(
            statutory=False
        )
        self.fields["additional_templates"].queryset = _latest_versions()
        order = list(self.fields)
        order.remove("additional_templates")
        order.insert(order.index("clause_template") + 1, "additional_templates")
        self.order_fields(order)
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

    public_body = forms.ModelChoiceField(
        label=_("Public body"), queryset=Organisation.objects.none(), empty_label=_("Choose the public body")
    )
    # The public body's own rules are its to adopt, not the contractor's to propose.
    additional_templates = None

    class Meta(ContractForm.Meta):
        fields = [f for f in FIELDS if f not in CLIENT_ONLY_FIELDS]

    def __init__(self, *args, membership: Membership, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.fields["public_body"].queryset = public_bodies_of_contractor(membership.organisation)
        self.fields["clause_template"].queryset = self.fields["clause_template"].queryset.filter(
            statutory=False
        )
        people = responsible_candidates([membership.organisation_id], CONTRACTOR_RESPONSIBLE_ROLES)
        self.fields["contractor_responsible"].queryset = User.objects.filter(pk__in=people.values("user"))
        self.fields["clause_template"].empty_label = _("Choose the special clauses")
        self.fields["contractor_responsible"].empty_label = _("Choose the contractor's responsible person")


class ActivateForm(forms.Form):
    signed_on = PlausibleDateField(
        label=_("Signed on"), widget=DATE, help_text=_("Deadlines counted from signing start on this day.")
    )


class DateForm(forms.Form):
    on = PlausibleDateField(label=_("Date"), widget=DATE)


class ContractConditionsForm(forms.ModelForm):
    """The conditions of a contract that may change while it runs (CONDITION_FIELDS): the duties
    of the clauses that then apply are opened when it is saved."""

    class Meta:
        model = Contract
        fields = list(CONDITION_FIELDS)
        help_texts = {
            "uses_client_network": _(
                "Tick it when the contractor brings its own computers or media into the public body's "
                "network or systems to work: the clauses on bringing them in then apply."
            ),
        }


class CloseForm(forms.Form):
    """Closing the contract; the reason is asked only while something is still outstanding."""

    override_reason = forms.CharField(
        label=_("Reason for closing with items outstanding"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say why the contract is closed although the items above are not returned or disposed of. "
            "The reason is recorded and printed on the certificate of erasure."
        ),
    )

    def __init__(self, *args, gaps: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.gaps = gaps
        if not gaps:
            del self.fields["override_reason"]
        else:
            self.fields["override_reason"].required = True
            self.fields["override_reason"].error_messages["required"] = _(
                "Something is still outstanding: say why the contract is closed anyway."
            )

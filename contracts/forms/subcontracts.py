"""The subcontract application form (再委託承認申請): the fields 003 §6.2 names, how much of the
work is entrusted (003 §6.1), and who the subcontractor is — one the entrusting party knows, one
named by its registered name, or a new one invited by e-mail."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from contracts.models import Subcontract
from core.models import Organisation
from core.templatetags.portal import clause_ja
from core.validators import NAME, NOTE, PlausibleDateField
from core.widgets import WarekiDateInput

DATE = WarekiDateInput()
TEXT = {"max_length": NOTE}
# Laid out in their own groups on the page (templates/contracts/subcontracts/form.html).
GROUPED = ("subcontractor", "subcontractor_name", "manager_name", "manager_email", "extent")


class _ChoiceWithRefusals(forms.Select):
    """A select whose refused organisations are shown but cannot be picked (the reason is in the
    field's help, written out before anything is typed)."""

    def __init__(self, *args, refused: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pk = getattr(value, "value", value)
        if pk in self.refused:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(org)s (cannot be chosen)") % {"org": label}
        return option


class SubcontractForm(forms.Form):
    subcontractor = forms.ModelChoiceField(
        label=_("Subcontractor"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose a subcontractor, or name a new one below"),
    )
    # A first subcontract to an organisation is named, not picked from the public body's
    # suppliers: listing them would show a contractor every other company the body works with.
    subcontractor_name = forms.CharField(
        label=_("Or the name of a new subcontractor"),
        max_length=200,
        required=False,
        help_text=_(
            "A company registered with the public body is found by its exact registered name. For a "
            "company not in the portal yet, also enter its manager's name and e-mail address: your "
            "organisation invites it by e-mail, and it becomes the subcontractor of this application "
            "when its manager accepts."
        ),
    )
    manager_name = forms.CharField(label=_("Its manager's full name"), max_length=NAME, required=False)
    manager_email = forms.EmailField(label=_("Its manager's e-mail address"), required=False)
    extent = forms.ChoiceField(
        label=_("How much of the work is subcontracted"),
        choices=Subcontract.Extent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how much of the work is subcontracted.")},
    )
    scope = forms.CharField(
        label=_("What the subcontractor does"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short description of the part of the work the subcontractor does."),
        **TEXT,
    )
    reason = forms.CharField(
        label=_("Reason for subcontracting"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    information_handled = forms.CharField(
        label=_("Information handled"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    handles_personal_info = forms.BooleanField(
        label=_("The subcontractor handles personal information"), required=False, initial=True
    )
    security_measures = forms.CharField(
        label=_("The subcontractor's security measures"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Organisation, people, physical and technical measures; certifications such as ISMS "
            "or Privacy Mark."
        ),
        **TEXT,
    )
    supervision = forms.CharField(
        label=_("How the subcontractor is supervised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reports, inspections, audits: how often and by whom."),
        **TEXT,
    )
    start_date = PlausibleDateField(label=_("Start"), widget=DATE)
    end_date = PlausibleDateField(label=_("End"), widget=DATE)
    precheck_confirmed = forms.BooleanField(
        label=_(
            "I checked, before signing, that the subcontractor takes the security measures of these clauses"
        ),
        required=False,
    )
    equivalent_terms = forms.BooleanField(
        label=_("The subcontract carries terms equivalent to these special clauses"), required=False
    )

    def __init__(
        self,
        *args,
        choices: list[tuple[Organisation, str | None]] | None = None,
        main_part_forbidden_by: str | None = None,
        **kwargs,
    ):
        """`choices`: the organisations to offer, each with the reason it is refused (or None);
        None once drafted (the subcontractor is fixed). `main_part_forbidden_by`: the clause that
        forbids the whole or the main part (clauses.api), said beside the question."""
        super().__init__(*args, **kwargs)
        if main_part_forbidden_by:
            self.fields["extent"].help_text = _(
                "%(article)s of the special clauses allows only a part of the work that is not the "
                "main one to be subcontracted."
            ) % {"article": clause_ja(main_part_forbidden_by)}
        if choices is None:
            for name in ("subcontractor", "subcontractor_name", "manager_name", "manager_email"):
                del self.fields[name]
            return
        field = self.fields["subcontractor"]
        refused = {org.pk: reason for org, reason in choices if reason}
        field.widget = _ChoiceWithRefusals(refused=refused)
        # Set after the widget: the queryset's setter gives the widget its choices.
        field.queryset = Organisation.objects.filter(pk__in=[org.pk for org, _reason in choices]).order_by(
            "name"
        )
        if not choices:
            field.help_text = _("You have not entrusted work to any organisation yet: name a new one below.")
        elif refused:
            field.help_text = format_html(
                '{}<ul class="refusals">{}</ul>',
                _("Organisations you have entrusted work to before. These cannot be chosen here:"),
                format_html_join(
                    "",
                    "<li>{}</li>",
                    (
                        (_("%(org)s: %(reason)s") % {"org": org.name, "reason": reason},)
                        for org, reason in choices
                        if reason
                    ),
                ),
            )
        else:
            field.help_text = _("Organisations you have entrusted work to before.")

    def other_fields(self) -> list:
        """The fields the page lays out one after another, below the grouped subcontractor and
        extent questions."""
        return [self[name] for name in self.fields if name not in GROUPED]

    def clean(self):
        data = super().clean()
        if "subcontractor" not in self.fields or "subcontractor" in self.errors:
            return data
        named = any(
            (data.get(name) or "").strip() for name in ("subcontractor_name", "manager_name", "manager_email")
        )
        if data.get("subcontractor") is not None and named:
            self.add_error(
                "subcontractor_name",
                _("Either choose a subcontractor from the list or name a new one, not both."),
            )
        elif data.get("subcontractor") is None and not (data.get("subcontractor_name") or "").strip():
            self.add_error("subcontractor", _("Choose a subcontractor, or enter the name of a new one."))
        return data


class SubcontractEndForm(forms.Form):
    """Ending an approved subcontract: how, from which day, why (the service refuses at the field
    what the dates do not allow)."""

    kind = forms.ChoiceField(
        label=_("How the subcontract ends"),
        choices=Subcontract.EndKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    # Not required here: the service says what is missing, in the same words as every refusal.
    ended_on = PlausibleDateField(
        label=_("Ends on"),
        widget=DATE,
        required=False,
        help_text=_(
            "From this day the subcontractor's people are no longer approved to work and it no longer "
            "reads the contract, but for its own part of the ledgers until its return or disposal is "
            "certified. The subcontracts below it end with it."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for a termination."),
        **TEXT,
    )

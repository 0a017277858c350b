"""Forms of the work-site pages, and the work-site application as a PDF form (contracts.worksite)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clauses import api as clauses_api
from contracts.models import Contract, StorageProtection, WorksiteChange, WorksiteEntry, WorksiteKind
from contracts.selectors_worksites import (
    change_entries,
    open_change,
    previously_approved,
    sites_in_force,
    sites_with_change,
)
from core import pdf
from core.validators import NOTE, SHORT_NOTE, IdsChoiceField, PlausibleDateField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WORKSITE_FORM = "contracts.worksite"


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
        label=_("Protection"), choices=[("", "---------"), *StorageProtection.choices], required=False
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


# --- the PDF form: 作業場所届出書 / 作業場所（変更）承認申請書 -----------------------------------------


def worksite_context(
    contract: Contract, *, change: WorksiteChange | None = None, on: date | None = None
) -> dict:
    """The application for `change` (the sites as they become with it), or — without a change —
    the notice of the sites approved at the end of `on` (today)."""
    template = contract.clause_template
    about = f"{template.title}に基づく"
    if change is not None:
        sites = list(sites_with_change(change))
        removed = [e for e in change_entries(change) if e.action == WorksiteEntry.Action.REMOVE]
        first = not previously_approved(change)
        heading = "作業場所承認申請書" if first else "作業場所変更承認申請書"
        intro = (
            f"次の契約に係る業務で情報を取り扱う作業場所を下記のとおり定めましたので、"
            f"業務の着手前に承認をお願いします（{about}申請）。"
            if first
            else f"次の契約に係る業務の作業場所を下記のとおり変更したいので、"
            f"変更の前に承認をお願いします（{about}申請）。"
        )
        issued_on = timezone.localdate(change.submitted_at) if change.submitted_at else timezone.localdate()
        as_of = None
    else:
        as_of = on or timezone.localdate()
        sites, removed, first = list(sites_in_force(contract, as_of)), [], True
        heading = "作業場所届出書"
        intro = f"次の契約に係る業務の作業場所は、下記のとおりです（{about}届出）。"
        issued_on = timezone.localdate()
    for entry in sites:
        entry.is_new = change is not None and entry.change_id == change.pk
    on_client_premises = any(e.kind == WorksiteKind.PUBLIC_BODY_PREMISES for e in sites)
    return {
        "contract": contract,
        "change": change,
        "sites": sites,
        "removed": removed,
        "first": first,
        "as_of": as_of,
        "issued_on": issued_on,
        "heading": heading,
        "intro": intro,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
        # The clauses' own rule for people working on the public body's premises (002 §5.3, 003 §16).
        "name_tags": on_client_premises and clauses_api.name_tags_required(template),
    }


def worksite_for_duty(duty) -> dict:
    """For a duty about one change ("contracts.worksitechange:12"), that change's application;
    otherwise the open change's, or the notice of the sites approved today."""
    kind, _sep, pk = (duty.subject or "").partition(":")
    change = None
    if kind == "contracts.worksitechange" and pk.isdigit():
        change = WorksiteChange.objects.filter(pk=int(pk), contract=duty.contract).first()
    return worksite_context(duty.contract, change=change or open_change(duty.contract))


def register() -> None:
    pdf.register_form(
        WORKSITE_FORM,
        template_name="pdf/contracts/worksite.html",
        title="作業場所承認申請書",
        prefill=worksite_for_duty,
    )

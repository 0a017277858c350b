"""Forms of the device ledger (パソコン等・記録媒体の管理台帳): the ledger's filters, entering a
device and recording a change. Labels are the model's; the rules are the service's (its messages
come back at these fields)."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contracts.models import Person, Worksite
from contracts.selectors.worksites import sites_in_force
from core.approvals import ApprovalState
from core.validators import FILTER, LABEL, NOTE, PlausibleDateField
from core.wareki import format_wareki_datetime
from core.widgets import WarekiDateInput
from ledgers.models import Device, DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion, TakeoutRequest

DATE = WarekiDateInput()


def _label(name: str, model=DeviceVersion):
    return capfirst(model._meta.get_field(name).verbose_name)


def _length(name: str, model=DeviceVersion) -> int:
    return model._meta.get_field(name).max_length


class LedgerFilterForm(forms.Form):
    on = PlausibleDateField(label=_("Ledger as of"), widget=DATE, required=False)
    kind = forms.ChoiceField(
        label=_label("kind"), choices=[("", _("All types")), *DeviceKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_label("status"), choices=[("", _("All statuses")), *DeviceStatus.choices], required=False
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=FILTER,
        required=False,
        help_text=_("Asset number, maker, model or serial number."),
    )


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class WorksiteChoiceField(forms.ModelChoiceField):
    """A work site by the name of its version in force (a site's identity row has no name)."""

    names: dict[int, str] = {}

    def label_from_instance(self, obj) -> str:
        return self.names.get(obj.pk, str(obj))


class TakeoutChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("No. %(number)s: to %(destination)s, planned from %(when)s") % {
            "number": obj.number,
            "destination": obj.destination,
            "when": format_wareki_datetime(obj.planned_out_at),
        }


class DeviceVersionForm(forms.Form):
    """What one version of a device records (ledgers.services.devices.VERSION_FIELDS)."""

    kind = forms.ChoiceField(label=_label("kind"), choices=DeviceKind.choices)
    maker = forms.CharField(label=_label("maker"), max_length=_length("maker"), required=False)
    model_name = forms.CharField(label=_label("model_name"), max_length=_length("model_name"), required=False)
    serial_number = forms.CharField(
        label=_label("serial_number"), max_length=_length("serial_number"), required=False
    )
    capacity = forms.CharField(label=_label("capacity"), max_length=_length("capacity"), required=False)
    owner = forms.ChoiceField(label=_label("owner"), choices=DeviceOwner.choices, initial=DeviceOwner.COMPANY)
    holder = HolderChoiceField(
        label=_label("holder"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("No one (kept at the storage place)"),
        help_text=_("A person approved on the roster on the day the entry holds from."),
    )
    worksite = WorksiteChoiceField(
        label=_label("worksite"),
        queryset=Worksite.objects.none(),
        required=False,
        empty_label=_("Choose a work site"),
        help_text=_("A work site approved (or notified) on that day."),
    )
    storage_place = forms.CharField(
        label=_label("storage_place"),
        max_length=LABEL,
        required=False,
        help_text=_("Where it is kept after work, e.g. lockable cabinet A."),
    )
    disk_encrypted = forms.BooleanField(label=_label("disk_encrypted"), required=False)
    antivirus_product = forms.CharField(
        label=_label("antivirus_product"), max_length=_length("antivirus_product"), required=False
    )
    antivirus_pattern_date = PlausibleDateField(
        label=_label("antivirus_pattern_date"), widget=DATE, required=False
    )
    patched_on = PlausibleDateField(label=_label("patched_on"), widget=DATE, required=False)
    no_unapproved_software = forms.BooleanField(label=_label("no_unapproved_software"), required=False)
    no_generative_ai = forms.BooleanField(label=_label("no_generative_ai"), required=False)
    status = forms.ChoiceField(
        label=_label("status"), choices=DeviceStatus.choices, initial=DeviceStatus.IN_USE
    )
    effective_on = PlausibleDateField(label=_label("effective_on"), widget=DATE)

    def __init__(self, *args, contract, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the keeping party's own people: the service refuses anyone else's.
        self.fields["holder"].queryset = Person.objects.filter(contract=contract, employer_id=organisation_id)
        names = {entry.worksite_id: entry.name for entry in sites_in_force(contract)}
        worksite = self.fields["worksite"]
        worksite.queryset = Worksite.objects.filter(contract=contract, pk__in=list(names))
        worksite.names = names


class DeviceRegisterForm(DeviceVersionForm):
    asset_number = forms.CharField(
        label=_label("asset_number", Device), max_length=_length("asset_number", Device)
    )

    field_order = ["asset_number"]


class DeviceChangeForm(DeviceVersionForm):
    # Asked when the change takes the device out: the approved request it goes out under.
    takeout = TakeoutChoiceField(
        label=_("Take-out request"),
        queryset=TakeoutRequest.objects.none(),
        required=False,
        empty_label=_("Choose the approved take-out request"),
        help_text=_("When the device is taken out: the approved request that includes it."),
    )
    note = forms.CharField(
        label=_label("note"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        # The service's words for the same refusal.
        error_messages={"required": _("Say why the entry changes (a correction says what was wrong).")},
    )


def offer_takeouts(form: DeviceChangeForm, device: Device) -> None:
    """The approved requests that include the device and that it has not gone out under yet;
    none asked of a device already out (its return names the take-out it ends)."""
    latest = device.versions.order_by("-number").only("status").first()
    if latest is not None and latest.status == DeviceStatus.TAKEN_OUT:
        del form.fields["takeout"]
        return
    used = device.versions.filter(status=DeviceStatus.TAKEN_OUT).exclude(takeout=None).values("takeout")
    form.fields["takeout"].queryset = (
        TakeoutRequest.objects.filter(devices=device, approval_state=ApprovalState.APPROVED)
        .exclude(pk__in=used)
        .order_by("-number")
    )

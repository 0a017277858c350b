"""The take-out request form (持出し申請): what goes out (items of the information ledger held at
the work site now, devices and media in use), who takes it, why, where to, when it goes and comes
back, and how it is protected. Labels are the model's; the rules are the service's (its refusals
come back at these fields). The times are typed in Japan's time, whatever the browser's zone."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import Person
from core.validators import LABEL, NOTE, IdsChoiceField
from core.widgets import WarekiDateTimeInput
from ledgers.forms.devices import HolderChoiceField
from ledgers.forms.information import JST
from ledgers.models import (
    CustodyEvent,
    Device,
    DeviceKind,
    DeviceStatus,
    DeviceVersion,
    InformationItem,
    TakeoutRequest,
)
from ledgers.selectors.information import Status, replay, users_by_event
from ledgers.services.takeouts import FIELDS

# Typed to the minute, as the service compares them (a grace of minutes for the form's own time).
MOMENT = WarekiDateTimeInput()


def _label(name: str):
    return capfirst(TakeoutRequest._meta.get_field(name).verbose_name)


# The model's words where they read right in Japanese; these few share their English with other
# fields of the portal that read otherwise (用途, 送付先・持出し先, 情報の名称), so the form says them
# in the request's own words.
LABELS = {
    "items": pgettext_lazy("take-out", "Information taken out"),
    "devices": pgettext_lazy("take-out", "Devices and media taken out"),
    "purpose": pgettext_lazy("take-out", "Purpose"),
    "destination": pgettext_lazy("take-out", "Destination"),
}


class JapanDateTimeField(forms.DateTimeField):
    """A moment typed without a zone and read as Japan's time (the ledger's day is Japan's)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MOMENT)
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(JST):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(JST):
            return super().prepare_value(value)


class ItemChoiceField(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("No. %(number)s %(title)s") % {"number": obj.number, "title": obj.title}


class DeviceChoiceField(IdsChoiceField):
    kinds = dict(DeviceKind.choices)

    def label_from_instance(self, obj) -> str:
        return f"{obj.asset_number}（{self.kinds.get(obj.latest_kind, obj.latest_kind)}）"


def held_items(contract, organisation_id: int) -> list[int]:
    """The ids of the party's items at the work site now: the state is derived from the events,
    read in one query for all the party's items (and one for who may use them)."""
    found = list(CustodyEvent.objects.filter(item__contract=contract, item__organisation_id=organisation_id))
    users_of = users_by_event(found)
    by_item: dict[int, list[CustodyEvent]] = defaultdict(list)
    for event in found:
        by_item[event.item_id].append(event)
    return [pk for pk, history in by_item.items() if replay(history, users_of).status == Status.HELD]


def _latest(field: str) -> Subquery:
    """The device's latest version's `field` (the service reads the latest version by number)."""
    return Subquery(DeviceVersion.objects.filter(device=OuterRef("pk")).order_by("-number").values(field)[:1])


class TakeoutRequestForm(forms.Form):
    items = ItemChoiceField(
        label=LABELS["items"],
        queryset=InformationItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Information of your ledger that is at the work site now."),
    )
    devices = DeviceChoiceField(
        label=LABELS["devices"],
        queryset=Device.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Devices and media of your device ledger that are in use now."),
    )
    person = HolderChoiceField(
        label=_label("person"),
        queryset=Person.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_(
            "A person of the roster approved on the day of the take-out who may use the information."
        ),
    )
    purpose = forms.CharField(
        label=LABELS["purpose"],
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why it is taken out, e.g. an explanation to the department at its office."),
    )
    destination = forms.CharField(
        label=LABELS["destination"],
        max_length=LABEL,
        help_text=_("Where it is taken: the place and the address or the department."),
    )
    planned_out_at = JapanDateTimeField(
        label=_label("planned_out_at"),
        help_text=_("Japan time. The request is approved before this moment."),
    )
    planned_return_at = JapanDateTimeField(
        label=_label("planned_return_at"),
        help_text=_("Japan time. When it is back at the work site."),
    )
    protection = forms.CharField(
        label=_label("protection"),
        max_length=LABEL,
        help_text=_("e.g. on an encrypted USB memory with a password, carried in a locked case."),
    )

    def __init__(
        self, *args, contract, organisation_id: int, request: TakeoutRequest | None = None, **kwargs
    ):
        if request is not None:  # a draft or a returned request, changed before it is submitted
            kwargs["initial"] = {
                **{name: getattr(request, name) for name in FIELDS},
                "person": request.person_id,
                "items": [i.pk for i in request.items.all()],
                "devices": [d.pk for d in request.devices.all()],
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        # What the request already names stays on offer (the service says why it no longer may go).
        named = Q(takeoutrequest=request) if request is not None else Q(pk__in=[])
        own = {"contract": contract, "organisation_id": organisation_id}
        self.fields["items"].queryset = (
            InformationItem.objects.filter(**own)
            .filter(Q(pk__in=held_items(contract, organisation_id)) | named)
            .distinct()
            .order_by("number")
        )
        self.fields["devices"].queryset = (
            Device.objects.filter(**own)
            .annotate(latest_status=_latest("status"), latest_kind=_latest("kind"))
            .filter(Q(latest_status=DeviceStatus.IN_USE) | named)
            .distinct()
            .order_by("asset_number")
        )
        # The party's own people: the service says at the field why one not approved may not go.
        self.fields["person"].queryset = Person.objects.filter(
            contract=contract, employer_id=organisation_id
        ).order_by("full_name")

    def names_people(self) -> bool:
        """Whether the page lists people's names (its choices), which is a read of personal data."""
        return self.fields["person"].queryset.exists()

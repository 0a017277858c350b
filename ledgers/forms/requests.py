"""The application form (複写・複製, 第三者提供, 持込み, 返還・廃棄): one form whose fields are those of
its kind — what it concerns (the party's own items of the information ledger held at the work
site now, its devices and media in use), and what the kind asks (how many copies, to whom, where
to and the anti-virus check, how it is disposed of and by whom), the purpose and the planned day.
The rules are the service's (its refusals come back at these fields)."""

from __future__ import annotations

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.validators import LABEL, NOTE, PlausibleDateField
from ledgers.forms.devices import DATE
from ledgers.forms.takeouts import DeviceChoiceField, ItemChoiceField, held_items
from ledgers.models import Device, DeviceStatus, DeviceVersion, DisposalMethod, InformationItem, LedgerRequest
from ledgers.models import RequestKind as R
from ledgers.services.requests import FIELDS

# The fields of each kind, in the order the form shows them.
KIND_FIELDS = {
    R.COPY: ("items", "copies", "purpose", "planned_on", "safeguards"),
    R.DISCLOSURE: ("items", "counterpart", "purpose", "planned_on", "safeguards"),
    R.BRINGIN: ("devices", "counterpart", "safeguards", "purpose", "planned_on"),
    R.DISPOSAL: ("items", "devices", "method", "vendor", "purpose", "planned_on"),
}
# What the application concerns (the first group of the form); the rest says what is asked.
CONCERNS = ("items", "devices")
# The form's and the page's words for the fields (the applications' own, whatever the model calls
# them elsewhere).
LABELS = {
    "copies": pgettext_lazy("application", "Number of copies"),
    "method": pgettext_lazy("application", "Method"),
    "vendor": pgettext_lazy("application", "Disposal vendor"),
    "purpose": pgettext_lazy("application", "Purpose and reason"),
    "planned_on": pgettext_lazy("application", "Planned date"),
}
# The model's one column for the third party, the place or the check reads as its kind means it.
COUNTERPART = {
    R.DISCLOSURE: (
        pgettext_lazy("application", "Provided to"),
        _("The third party the information is provided to: its name and, where it matters, the department."),
    ),
    R.BRINGIN: (
        pgettext_lazy("application", "Brought into"),
        _(
            "The public body's network or premises it is brought into, e.g. the office network of the "
            "department, or its meeting room."
        ),
    ),
}
SAFEGUARDS = {
    R.COPY: (
        pgettext_lazy("application", "Safeguards"),
        _("Optional. How the copies are protected and where they are kept."),
    ),
    R.DISCLOSURE: (
        pgettext_lazy("application", "Safeguards"),
        _("Optional. How the information is protected on its way and at the third party."),
    ),
    R.BRINGIN: (
        pgettext_lazy("application", "Anti-virus check"),
        _(
            "That what is brought in runs anti-virus software with current patterns and was scanned "
            "for malicious programs, and when."
        ),
    ),
}
PURPOSE_HELP = {
    R.COPY: _("Why the copies are needed, e.g. a working copy for the tabulation."),
    R.DISCLOSURE: _("Why it is provided, e.g. printing and enclosing the notices."),
    R.BRINGIN: _("Why it is brought in, e.g. setting up the system at the public body's office."),
    R.DISPOSAL: _("Why it is returned or disposed of, e.g. the work it was received for is finished."),
}
ITEMS_LABEL = {
    R.COPY: pgettext_lazy("application", "Information copied"),
    R.DISCLOSURE: pgettext_lazy("application", "Information provided"),
    R.DISPOSAL: pgettext_lazy("application", "Information returned or disposed of"),
}
DEVICES_LABEL = {
    R.BRINGIN: pgettext_lazy("application", "Devices and media brought in"),
    R.DISPOSAL: pgettext_lazy("application", "Devices and media returned or disposed of"),
}
ITEMS_HELP = {
    R.COPY: _("Information of your ledger that is at the work site now."),
    R.DISCLOSURE: _("Information of your ledger that is at the work site now."),
    R.DISPOSAL: _(
        "Information of your ledger that is at the work site now, to be returned, erased or destroyed."
    ),
}
DEVICES_HELP = {
    R.BRINGIN: _("Devices and media of your device ledger that are in use now."),
    R.DISPOSAL: _("Devices and media of your device ledger that are in use now, with what they hold."),
}


def _label(name: str):
    return capfirst(LedgerRequest._meta.get_field(name).verbose_name)


def _latest(field: str) -> Subquery:
    """The device's latest version's `field` (the service reads the latest version by number)."""
    return Subquery(DeviceVersion.objects.filter(device=OuterRef("pk")).order_by("-number").values(field)[:1])


class LedgerRequestForm(forms.Form):
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
    copies = forms.IntegerField(
        label=LABELS["copies"],
        min_value=1,
        max_value=9999,
        help_text=_("How many copies or reproductions are made."),
    )
    # Labelled by kind (COUNTERPART, SAFEGUARDS): the model's one column reads as the kind means it.
    counterpart = forms.CharField(label=_label("counterpart"), max_length=LABEL)
    method = forms.ChoiceField(
        label=LABELS["method"],
        choices=[("", _("Choose how")), *DisposalMethod.choices],
    )
    vendor = forms.CharField(
        label=LABELS["vendor"],
        max_length=LABEL,
        required=False,
        help_text=_("Only where another company carries out the disposal: its name."),
    )
    purpose = forms.CharField(
        label=LABELS["purpose"],
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_on = PlausibleDateField(
        label=LABELS["planned_on"],
        widget=DATE,
        help_text=_("The day it is to be done: the application is decided before it."),
    )
    safeguards = forms.CharField(label=_label("safeguards"), max_length=LABEL, required=False)

    def __init__(
        self,
        *args,
        kind: str,
        contract,
        organisation_id: int,
        request: LedgerRequest | None = None,
        **kwargs,
    ):
        if request is not None:  # a draft or a returned application, changed before it is submitted
            kwargs["initial"] = {
                **{name: getattr(request, name) for name in FIELDS},
                "items": [i.pk for i in request.items.all()],
                "devices": [d.pk for d in request.devices.all()],
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in [name for name in self.fields if name not in KIND_FIELDS[kind]]:
            del self.fields[name]
        self.order_fields(KIND_FIELDS[kind])
        self._words(kind)
        # What the application already names stays on offer (the service says why it no longer may).
        named = Q(ledgerrequest=request) if request is not None else Q(pk__in=[])
        own = {"contract": contract, "organisation_id": organisation_id}
        if "items" in self.fields:
            self.fields["items"].queryset = (
                InformationItem.objects.filter(**own)
                .filter(Q(pk__in=held_items(contract, organisation_id)) | named)
                .distinct()
                .order_by("number")
            )
        if "devices" in self.fields:
            self.fields["devices"].queryset = (
                Device.objects.filter(**own)
                .annotate(latest_status=_latest("status"), latest_kind=_latest("kind"))
                .filter(Q(latest_status=DeviceStatus.IN_USE) | named)
                .distinct()
                .order_by("asset_number")
            )

    def _words(self, kind: str) -> None:
        """The labels and help of the fields whose meaning depends on the kind."""
        fields = self.fields
        if kind in COUNTERPART:
            fields["counterpart"].label, fields["counterpart"].help_text = COUNTERPART[kind]
        if kind in SAFEGUARDS:
            fields["safeguards"].label, fields["safeguards"].help_text = SAFEGUARDS[kind]
            # The anti-virus check is what 002 §11 asks before anything is brought in.
            fields["safeguards"].required = kind == R.BRINGIN
        fields["purpose"].help_text = PURPOSE_HELP[kind]
        if "items" in fields:
            fields["items"].label, fields["items"].help_text = ITEMS_LABEL[kind], ITEMS_HELP[kind]
        if "devices" in fields:
            fields["devices"].label, fields["devices"].help_text = DEVICES_LABEL[kind], DEVICES_HELP[kind]

    @property
    def groups(self) -> list[tuple[str, list]]:
        """The form's fieldsets: what the application concerns, then what it asks."""
        concerns = [self[name] for name in self.fields if name in CONCERNS]
        asks = [self[name] for name in self.fields if name not in CONCERNS]
        return [(_("What it concerns"), concerns), (_("The application"), asks)]

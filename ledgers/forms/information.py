"""Forms of the information ledger (情報管理台帳): the ledger's filters, receiving an item,
recording one thing that happened to it, and correcting a wrong entry. Labels are the model's;
which fields each kind of entry needs is the service's (its refusals come back at these fields).
A moment is typed as a date and a time and read in Japan's time (the ledger's day is Japan's)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clauses import api as clauses_api
from contracts.models import Person, Worksite
from contracts.selectors.worksites import sites_in_force
from core.approvals import ApprovalState
from core.validators import FILTER, LABEL, NOTE, SHORT_NOTE, IdsChoiceField, PlausibleDateField
from core.wareki import format_wareki
from ledgers.forms.devices import DATE, HolderChoiceField, TakeoutChoiceField, WorksiteChoiceField
from ledgers.models import (
    Classification,
    CustodyEvent,
    CustodyKind,
    Device,
    InformationItem,
    LedgerRequest,
    Medium,
    RequestKind,
    TakeoutRequest,
)
from ledgers.selectors.information import STATUS_LABELS, Status
from ledgers.services.information import NEEDS_APPLICATION, REQUIRED
from ledgers.services.requests import ALLOWS, approved_request_for, title_of
from ledgers.services.takeouts import approved_takeout_for, takeout_needed

JST = ZoneInfo("Asia/Tokyo")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# What happened, in the ledger's words: two kinds share their English with a state of an item
# (or of a device) that reads otherwise in Japanese (持出し, not 持出し中).
KIND_LABELS = {
    **dict(CustodyKind.choices),
    CustodyKind.TAKEN_OUT: pgettext_lazy("custody", "Taken out"),
    CustodyKind.RETURNED: pgettext_lazy("custody", "Returned to the public body"),
}
# The kinds a person records by hand: the receipt has its own form, a correction its own page.
RECORDED = [
    (value, KIND_LABELS[value]) for value in CustodyKind.values if value not in ("received", "correction")
]


def _label(name: str, model=CustodyEvent):
    return capfirst(model._meta.get_field(name).verbose_name)


def _length(name: str, model=CustodyEvent) -> int:
    return model._meta.get_field(name).max_length


class AsOfForm(forms.Form):
    on = PlausibleDateField(label=_("Ledger as of"), widget=DATE, required=False)


class InformationFilterForm(AsOfForm):
    classification = forms.ChoiceField(
        label=_label("classification", InformationItem),
        choices=[("", _("All classifications")), *Classification.choices],
        required=False,
    )
    medium = forms.ChoiceField(
        label=_label("medium", InformationItem),
        choices=[("", _("All media")), *Medium.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses"))]
        + [(value, label) for value, label in STATUS_LABELS.items() if value != Status.NOT_RECEIVED],
        required=False,
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=FILTER,
        required=False,
        # Only the name: whom it was received from is encrypted, and a column of ciphertext
        # matches nothing.
        help_text=_("The information's name (whom it was received from is encrypted and not searched)."),
    )


class PeopleChoiceField(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class DeviceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.asset_number


class MomentForm(forms.Form):
    """When it happened (a date and a time in Japan), and who of the holding party did it."""

    # Named for the service's field, so that its refusal of the moment lands on the date.
    occurred_at = PlausibleDateField(label=_("Date"), widget=DATE)
    occurred_time = forms.TimeField(label=_("Time of day"), widget=TIME)

    def __init__(self, *args, contract, organisation_id: int, **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime(timezone.now(), JST)
        kwargs["initial"] = {"occurred_at": now.date(), "occurred_time": now.strftime("%H:%M")} | kwargs[
            "initial"
        ]
        super().__init__(*args, **kwargs)
        # Only the holding party's own people: the service refuses anyone else's, and says at the
        # field why a person of the party who is not approved that day may not be named.
        people = Person.objects.filter(contract=contract, employer_id=organisation_id).order_by("full_name")
        for name in ("person", "users"):
            if name in self.fields:
                self.fields[name].queryset = people
        if "worksite" in self.fields:
            names = {entry.worksite_id: entry.name for entry in sites_in_force(contract)}
            worksite = self.fields["worksite"]
            worksite.queryset = Worksite.objects.filter(contract=contract, pk__in=list(names))
            worksite.names = names

    def clean(self):
        data = super().clean()
        day, at = data.get("occurred_at"), data.pop("occurred_time", None)
        if day is not None and at is not None:
            data["occurred_at"] = datetime.combine(day, at, tzinfo=JST)
        elif day is not None:
            data.pop("occurred_at")
        return data

    def names_people(self) -> bool:
        """Whether the page lists people's names (its choices), which is a read of personal data."""
        return any(
            name in self.fields and self.fields[name].queryset.exists() for name in ("person", "users")
        )


def _person(required_help: str = "", label=None):
    return HolderChoiceField(
        label=label or _label("person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Choose a person"),
        help_text=required_help or _("A person of the roster approved on that day."),
    )


def _worksite():
    return WorksiteChoiceField(
        label=_label("worksite"),
        queryset=Worksite.objects.none(),
        required=False,
        empty_label=_("Choose a work site"),
        help_text=_("A work site approved (or notified) on that day."),
    )


def _users():
    return PeopleChoiceField(
        label=_label("users"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _note():
    return forms.CharField(
        label=_label("note"), max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InformationReceiveForm(MomentForm):
    """The item (what, from whom, how many, its class and medium) and its receipt."""

    # The one field kept in plain text (the ledger is searched by it): it must not name people,
    # or their names would outlive the contract's key (docs/keys.md).
    title = forms.CharField(
        label=_label("title", InformationItem),
        max_length=LABEL,
        help_text=_(
            "What the information is, e.g. resident tax notices. Do not write personal names here: "
            "the name is kept unencrypted for searching and stays after the contract is closed. "
            "Whom it was received from and the description are encrypted."
        ),
    )
    source = forms.CharField(
        label=_label("source", InformationItem),
        max_length=LABEL,
        help_text=_("The public body's department and person, or the upstream party."),
    )
    record_count = forms.IntegerField(
        label=_label("record_count", InformationItem), min_value=0, max_value=2**31 - 1, required=False
    )
    classification = forms.ChoiceField(
        label=_label("classification", InformationItem), choices=Classification.choices
    )
    medium = forms.ChoiceField(label=_label("medium", InformationItem), choices=Medium.choices)
    device = DeviceChoiceField(
        label=_label("device", InformationItem),
        queryset=Device.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("When the medium is a device or medium of the device ledger: which one."),
    )
    description = forms.CharField(
        label=_label("description", InformationItem),
        max_length=SHORT_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    person = _person(_("The person who received it: approved on the roster on that day."), _("Received by"))
    counterpart = forms.CharField(
        label=_label("counterpart"),
        max_length=LABEL,
        required=False,
        help_text=_("Who handed it over (the public body's department and person)."),
    )
    worksite = _worksite()
    storage_place = forms.CharField(
        label=_label("storage_place"),
        max_length=LABEL,
        required=False,
        help_text=_("Where it is kept, e.g. lockable cabinet A."),
    )
    users = _users()
    note = _note()

    field_order = ["title", "source", "record_count", "classification", "medium", "device", "description"]

    def __init__(self, *args, contract, organisation_id: int, **kwargs):
        super().__init__(*args, contract=contract, organisation_id=organisation_id, **kwargs)
        self.fields["device"].queryset = Device.objects.filter(
            contract=contract, organisation_id=organisation_id
        ).order_by("asset_number")
        self.fields["users"].help_text = _(
            "Who may use the information: people of the roster approved on that day. "
            "Left empty, the person who received it."
        )


def needs_application(contract) -> set[str]:
    """The custody kinds these clauses allow only under an approved application (one question per
    obligation kind: an erasure and a destruction ask the same)."""
    asked = {ob: clauses_api.requires(contract, ob) for ob in set(NEEDS_APPLICATION.values())}
    return {kind for kind, ob in NEEDS_APPLICATION.items() if asked[ob]}


REQUEST_LABEL = _("Approved application")


def kinds_help(contract):
    """What each kind of entry must say, in the fields' labels (the service's REQUIRED), as a list."""
    # Who may use it is asked of a change of users beside REQUIRED, and a take-out's approved
    # request and a copy's, provision's or disposal's approved application where the clauses ask
    # one (the service checks those apart).
    needs = {**REQUIRED, CustodyKind.USERS_CHANGED: ("users",)}
    if takeout_needed(contract):
        needs[CustodyKind.TAKEN_OUT] = (*REQUIRED[CustodyKind.TAKEN_OUT], "takeout")
    for kind in needs_application(contract):
        needs[kind] = (*needs[kind], "request")
    labels = {"request": REQUEST_LABEL}
    rows = [
        (label, "、".join(str(labels.get(name) or _label(name)) for name in needs[value]) or "—")
        for value, label in RECORDED
        if value in needs
    ]
    return format_html(
        '{}<ul class="small">{}</ul>',
        _("What each entry must say:"),
        format_html_join("", "<li>{}：{}</li>", rows),
    )


def approved_applications(item: InformationItem, kinds=None) -> QuerySet[LedgerRequest]:
    """The item's approved applications of `kinds` that still allow something: a copy request
    with copies left (those made under it, on any of its items, not voided, count), any approved
    provision or disposal that includes the item. One query, newest first within each kind."""
    kinds = set(ALLOWS.values()) if kinds is None else set(kinds)
    voided = CustodyEvent.objects.filter(kind=CustodyKind.CORRECTION).values("corrects_id")
    made = (
        CustodyEvent.objects.filter(request=OuterRef("pk"), kind=CustodyKind.COPIED)
        .exclude(pk__in=voided)
        .values("request")
        .annotate(n=Sum("copies"))
        .values("n")
    )
    return (
        LedgerRequest.objects.filter(
            contract_id=item.contract_id, items=item, approval_state=ApprovalState.APPROVED, kind__in=kinds
        )
        .annotate(copies_made=Coalesce(Subquery(made, output_field=IntegerField()), Value(0)))
        .exclude(kind=RequestKind.COPY, copies__lte=F("copies_made"))
        .order_by("kind", "-number")
    )


class ApplicationChoiceField(forms.ModelChoiceField):
    """An approved application by its title, what it allows and the day it was approved."""

    def label_from_instance(self, obj) -> str:
        values = {"title": title_of(obj), "when": format_wareki(obj.decided_at)}
        if obj.kind == RequestKind.COPY:
            left = (obj.copies or 0) - getattr(obj, "copies_made", 0)
            return _("%(title)s: %(n)s more copies allowed (approved on %(when)s)") % {**values, "n": left}
        if obj.kind == RequestKind.DISCLOSURE:
            return _("%(title)s: to %(to)s (approved on %(when)s)") % {**values, "to": obj.counterpart}
        return _("%(title)s: %(method)s (approved on %(when)s)") % {
            **values,
            "method": obj.get_method_display(),
        }


# The fields each kind of entry is recorded with, beside what happened and when: the service's
# REQUIRED for the kind and what it may also say (how a shipment went, the witness of a
# destruction). A page opened for one kind shows only these — a use is one person and a note, not
# the whole sheet. What the history's replay ignores for a kind (the storage place of a copy, the
# work site of a return from a take-out) is not asked.
SHOWN = {
    CustodyKind.USED: ("person", "note"),
    CustodyKind.COPIED: ("person", "copies", "request", "note"),
    CustodyKind.STORED: ("worksite", "storage_place", "person", "note"),
    CustodyKind.TAKEN_OUT: ("person", "destination", "takeout", "encrypted", "note"),
    CustodyKind.BROUGHT_BACK: ("person", "note"),
    CustodyKind.SHIPPED: (
        "person",
        "destination",
        "counterpart",
        "method",
        "encrypted",
        "tracking_number",
        "note",
    ),
    CustodyKind.BROUGHT_IN: ("person", "worksite", "storage_place", "counterpart", "note"),
    CustodyKind.PROVIDED: ("person", "counterpart", "request", "method", "encrypted", "note"),
    CustodyKind.USERS_CHANGED: ("users", "note"),
    CustodyKind.RETURNED: ("person", "counterpart", "method", "note"),
    CustodyKind.ERASED: ("person", "method", "copies", "request", "witness", "note"),
    CustodyKind.DESTROYED: ("person", "method", "copies", "request", "witness", "note"),
}
# Who the other party is, in the words of the kind being recorded.
COUNTERPART_HELP = {
    CustodyKind.SHIPPED: _("Who receives it (department, name)."),
    CustodyKind.BROUGHT_IN: _("From whom it was brought in."),
    CustodyKind.PROVIDED: _("The third party it was provided to, as the permission names it."),
}
# Shown apart from SHOWN: the form's own fields for what happened and when.
ALWAYS = ("kind", "occurred_at", "occurred_time")


class CustodyRecordForm(MomentForm):
    """One thing that happened to the item. Opened for one kind, the form has only that kind's
    fields (SHOWN), the service's REQUIRED among them marked and asked at the field; the service
    still asks what the kind needs and refuses, at the kind, what contradicts the item's history."""

    kind = forms.ChoiceField(label=_label("kind"), choices=[("", _("Choose what happened")), *RECORDED])
    person = _person()
    counterpart = forms.CharField(
        label=_label("counterpart"),
        max_length=LABEL,
        required=False,
        help_text=_("For a return to the public body: who took it back."),
    )
    worksite = _worksite()
    storage_place = forms.CharField(label=_label("storage_place"), max_length=LABEL, required=False)
    destination = forms.CharField(
        label=_label("destination"),
        max_length=LABEL,
        required=False,
        help_text=_("Where it is taken out or shipped to."),
    )
    copies = forms.IntegerField(label=_label("copies"), min_value=1, max_value=10_000, required=False)
    encrypted = forms.BooleanField(label=_label("encrypted"), required=False)
    tracking_number = forms.CharField(
        label=_label("tracking_number"), max_length=_length("tracking_number"), required=False
    )
    method = forms.CharField(
        label=_label("method"),
        max_length=LABEL,
        required=False,
        help_text=_(
            "How it was shipped, erased or destroyed (e.g. registered mail, erasure software, shredding)."
        ),
    )
    takeout = TakeoutChoiceField(
        label=_label("takeout"),
        queryset=TakeoutRequest.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("For a take-out: the approved take-out request it is made under."),
    )
    request = ApplicationChoiceField(
        label=REQUEST_LABEL,
        queryset=LedgerRequest.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "For a copy, a provision to a third party, an erasure or a destruction: the public "
            "body's approved application it was made under (working copies erased after use need none)."
        ),
    )
    witness = forms.CharField(
        label=_("Witnessed by"),
        max_length=LABEL,
        required=False,
        help_text=_("For an erasure or destruction: who of the public body witnessed it (department, name)."),
    )
    users = _users()
    note = _note()

    field_order = ["kind"]

    def __init__(self, *args, item: InformationItem, **kwargs):
        super().__init__(*args, contract=item.contract, organisation_id=item.organisation_id, **kwargs)
        self.fields["kind"].help_text = kinds_help(item.contract)
        # The item's approved requests not yet used to take it out (each allows one trip, even one
        # corrected since: the service refuses it again); the service says when one may be used.
        self.item = item
        used = CustodyEvent.objects.filter(item=item, kind=CustodyKind.TAKEN_OUT, takeout=OuterRef("pk"))
        self.fields["takeout"].queryset = (
            TakeoutRequest.objects.filter(
                contract=item.contract, items=item, approval_state=ApprovalState.APPROVED
            )
            .exclude(Exists(used))
            .order_by("-number")
        )
        self.fields["users"].help_text = _(
            "For a change of who may use it: everyone who may use it from then on."
        )
        # The applications of the kind being recorded (all three kinds while none is chosen):
        # a copy names a copy request, a provision a provision request, a disposal a disposal
        # application; the service says whether one is needed and when it may be used.
        wanted = ALLOWS.get(self.chosen_kind)
        self.fields["request"].queryset = approved_applications(item, (wanted,) if wanted else None)
        if self.chosen_kind in SHOWN:
            shown = SHOWN[self.chosen_kind]
            for name in [n for n in self.fields if n not in ALWAYS and n not in shown]:
                del self.fields[name]
            for name in REQUIRED[self.chosen_kind]:
                if name in self.fields:
                    self.fields[name].required = True
                    self.fields[name].error_messages["required"] = _("Required for this entry.")
            if self.chosen_kind == CustodyKind.USERS_CHANGED:
                self.fields["users"].required = True
                self.fields["users"].error_messages["required"] = _("Name who may use the information.")
            self.fields["kind"].widget = forms.HiddenInput()
            if self.chosen_kind in COUNTERPART_HELP:
                self.fields["counterpart"].help_text = COUNTERPART_HELP[self.chosen_kind]

    @property
    def shown_fields(self) -> list:
        """The bound fields of the chosen kind, in SHOWN's order (all of them while none is chosen)."""
        names = SHOWN.get(self.chosen_kind) or [n for n in self.fields if n not in ALWAYS]
        return [self[name] for name in names if name in self.fields]

    @property
    def chosen_kind(self) -> str:
        """The kind posted, or preselected by the page's button."""
        return (self.data.get("kind") if self.is_bound else self.initial.get("kind")) or ""

    @property
    def takes_application(self) -> bool:
        """Whether the page shows the application's field: for the kinds that name one, or
        while no kind is chosen yet."""
        return not self.chosen_kind or self.chosen_kind in ALLOWS

    @property
    def takes_witness(self) -> bool:
        return self.chosen_kind in ("", CustodyKind.ERASED, CustodyKind.DESTROYED)

    def clean(self):
        data = super().clean()
        # Who may use it is recorded only by a change of users: ticked for another kind it would
        # be kept with an entry that does not change it.
        if data.get("kind") != CustodyKind.USERS_CHANGED:
            data["users"] = []
        # The return names the take-out it ends by itself (the service finds it).
        if data.get("kind") != CustodyKind.TAKEN_OUT:
            data.pop("takeout", None)
        elif not data.get("takeout") and "takeout" not in self.errors and takeout_needed(self.item.contract):
            # Where the clauses ask it, a take-out names its approved request: said at the field
            # in the service's words, before the service is asked.
            self.add_error("takeout", approved_takeout_for(self.item, None, data.get("occurred_at")))
        kind = data.get("kind")
        if kind not in ALLOWS:
            data.pop("request", None)
        elif (
            not data.get("request")
            and "request" not in self.errors
            # Working copies erased after use are not the information's disposal (the service's rule).
            and not (kind in (CustodyKind.ERASED, CustodyKind.DESTROYED) and data.get("copies"))
            and kind in needs_application(self.item.contract)
        ):
            # Said at the field in the service's words; the service is not asked then, so what
            # else the entry lacks is said too (in its words), not only on the next try.
            self.add_error("request", approved_request_for(self.item, kind, None, data.get("occurred_at")))
            for name in REQUIRED[kind]:
                if name not in self.errors and data.get(name) in (None, "", 0):
                    self.add_error(name, _("Required for this entry."))
        # Only an erasure or a destruction is witnessed (000 §7.5, 002 §15.3).
        if kind not in (CustodyKind.ERASED, CustodyKind.DESTROYED):
            data["witness"] = ""
        return data


class CustodyCorrectForm(forms.Form):
    reason = forms.CharField(
        label=_("What was wrong"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The entry stays in the history, struck through, with this reason; it no longer counts."),
        # The service's words for the same refusal.
        error_messages={"required": _("Say what was wrong.")},
    )

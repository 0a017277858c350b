"""Pages of the take-out requests (持出し申請, 000 §5.2, 001 §18, 002 §12.1): a contract's requests,
drafting and changing one, and its page with what goes out, its decisions, what really went out
and came back under it, and the workflow's buttons. Thin: access, form, service."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from contracts.selectors.contracts import without_drafts_for
from core.approvals import EDITABLE, ApprovalState
from core.models import Event
from core.services.reads import personal_data_read
from core.validators import parse_id
from core.views.approvals import approval_action, approval_context
from core.views.utils import save_form
from ledgers import events, permissions
from ledgers.access import get_ledger_contract_or_404, get_takeout_or_404
from ledgers.forms.information import KIND_LABELS
from ledgers.forms.takeouts import TakeoutRequestForm
from ledgers.models import (
    CustodyEvent,
    CustodyKind,
    Device,
    DeviceStatus,
    DeviceVersion,
    InformationItem,
    TakeoutRequest,
)
from ledgers.selectors.devices import parties_in_scope
from ledgers.selectors.information import STATUS_LABELS, replay, users_by_event
from ledgers.services import takeouts as services

PAGE_SIZE = 50
# The request's own history, in the words of its page (the audit trail's labels name the thing).
HISTORY_LABELS = {
    events.TAKEOUT_DRAFTED: pgettext_lazy("take-out history", "Drafted"),
    events.TAKEOUT_CHANGED: pgettext_lazy("take-out history", "Changed before submission"),
    "takeout.submitted": pgettext_lazy("take-out history", "Submitted"),
    "takeout.withdrawn": pgettext_lazy("take-out history", "Withdrawn"),
    "takeout.approved": pgettext_lazy("take-out history", "Approved"),
    "takeout.returned": pgettext_lazy("take-out history", "Returned for correction"),
    "takeout.rejected": pgettext_lazy("take-out history", "Rejected"),
    events.TAKEOUT_OVERDUE: pgettext_lazy("take-out history", "Not back by the planned return"),
}
DEVICE_STATUS_LABELS = dict(DeviceStatus.choices)


def _names_shown(request, contract, **data) -> None:
    """A request names the person who takes the information out: each page that shows it is on
    the record, as the information ledger's pages are (the requests are part of its custody)."""
    personal_data_read(
        kind=events.INFORMATION_LEDGER_VIEWED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data=data,
    )


def _what(queryset):
    """The requests with what goes out and who takes it: a query each, whatever the number."""
    return queryset.select_related("person", "organisation").prefetch_related(
        Prefetch("items", queryset=InformationItem.objects.order_by("number")),
        Prefetch("devices", queryset=Device.objects.order_by("asset_number")),
    )


@login_required
def takeout_list(request, pk: int):
    """The contract's take-out requests the person may see, newest first."""
    contract = get_ledger_contract_or_404(request, pk)
    requests = TakeoutRequest.objects.filter(contract=contract)
    scope = parties_in_scope(request.user, request.membership, contract)
    if scope is not None:  # an approved subcontractor: its own part's
        requests = requests.filter(organisation_id__in=scope)
    # Drafts are the requesting side's until submitted (the body's side sees them then).
    requests = without_drafts_for(request.user, request.membership, requests).order_by("-number")
    page = Paginator(_what(requests), PAGE_SIZE).get_page(request.GET.get("page"))
    _names_shown(request, contract, takeouts=page.number)
    return render(
        request,
        "ledgers/takeouts/list.html",
        {
            "contract": contract,
            "page": page,
            "can_request": permissions.can_keep_devices(request.user, request.membership, contract),
        },
    )


def _form_page(request, contract, form, takeout=None):
    if form.names_people():
        _names_shown(request, contract, takeout=takeout.number if takeout else None, form="takeout")
    return render(
        request, "ledgers/takeouts/form.html", {"contract": contract, "form": form, "takeout": takeout}
    )


@login_required
def takeout_create(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    if not permissions.can_keep_devices(request.user, request.membership, contract):
        raise Http404
    # From an item's page: that item ticked (offered only while it is at the work site).
    item = parse_id(request.GET.get("item"))
    form = TakeoutRequestForm(
        request.POST or None,
        contract=contract,
        organisation_id=request.membership.organisation_id,
        initial={"items": [item]} if item else {},
    )
    takeout = save_form(
        request,
        form,
        partial(services.takeout_request_create, contract=contract),
        success=lambda t: (
            _("Take-out request No. %(n)s was drafted: submit it for approval when it is complete.")
            % {"n": t.number}
        ),
    )
    if takeout is not None:
        return redirect("ledgers:takeout_detail", pk=takeout.pk)
    return _form_page(request, contract, form)


@login_required
def takeout_update(request, pk: int):
    takeout = get_takeout_or_404(request, pk)
    if not permissions.can_request_takeout(request.user, request.membership, takeout):
        raise Http404
    if takeout.approval_state not in EDITABLE:
        messages.error(request, _("This request was submitted: withdraw it first to change it."))
        return redirect("ledgers:takeout_detail", pk=takeout.pk)
    form = TakeoutRequestForm(
        request.POST or None,
        contract=takeout.contract,
        organisation_id=takeout.organisation_id,
        request=takeout,
    )
    saved = save_form(
        request,
        form,
        partial(services.takeout_request_update, request=takeout),
        success=_("The take-out request was saved."),
    )
    if saved is not None:
        return redirect("ledgers:takeout_detail", pk=takeout.pk)
    return _form_page(request, takeout.contract, form, takeout)


def _history(takeout: TakeoutRequest) -> list[Event]:
    """The request's drafting and each step of its workflow: who, when, and the reason given."""
    return list(
        Event.objects.filter(
            object_type=TakeoutRequest._meta.label_lower,
            object_id=str(takeout.pk),
            kind__in=list(HISTORY_LABELS),
        )
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


def _items_now(items: list[InformationItem]) -> dict[int, str]:
    """Where each item stands now, from one query for all their events (one for their users)."""
    found = list(CustodyEvent.objects.filter(item__in=items))
    users_of = users_by_event(found)
    by_item: dict[int, list[CustodyEvent]] = defaultdict(list)
    for event in found:
        by_item[event.item_id].append(event)
    return {item.pk: replay(by_item[item.pk], users_of).status for item in items}


@login_required
def takeout_detail(request, pk: int):
    takeout = get_takeout_or_404(request, pk)
    contract = takeout.contract
    items = list(takeout.items.order_by("number"))
    # A request names a handful of devices: all their versions in one query, the latest kept.
    devices = list(takeout.devices.order_by("asset_number").prefetch_related("versions"))
    trips = list(
        CustodyEvent.objects.filter(takeout=takeout)
        .select_related("item", "person", "recorded_by")
        .order_by("occurred_at", "sequence")
    )
    voided = set(CustodyEvent.objects.filter(corrects__in=trips).values_list("corrects_id", flat=True))
    device_trips = (
        list(
            DeviceVersion.objects.filter(takeout=takeout)
            .select_related("device", "holder", "recorded_by")
            .order_by("effective_on", "number")
        )
        if devices
        else []
    )
    _names_shown(request, contract, takeout=takeout.number)
    return render(
        request,
        "ledgers/takeouts/detail.html",
        {
            "contract": contract,
            "takeout": takeout,
            "items": items,
            "item_states": _items_now(items),
            "status_labels": STATUS_LABELS,
            # Once approved, the take-out itself is recorded on each item's page by its holder.
            "can_record": takeout.approval_state == ApprovalState.APPROVED
            and permissions.can_request_takeout(request.user, request.membership, takeout),
            "devices": [
                (device, max(device.versions.all(), key=lambda v: v.number, default=None))
                for device in devices
            ],
            "device_status_labels": DEVICE_STATUS_LABELS,
            "history": _history(takeout),
            "history_labels": HISTORY_LABELS,
            "trips": trips,
            # A request allows one take-out of each item (the service refuses a second one).
            "taken_under": {e.item_id for e in trips if e.kind == CustodyKind.TAKEN_OUT},
            "device_trips": device_trips,
            "devices_taken_under": {v.device_id for v in device_trips if v.status == DeviceStatus.TAKEN_OUT},
            "voided": voided,
            "kind_labels": KIND_LABELS,
            **approval_context(request, takeout),
        },
    )


@login_required
@require_POST
def takeout_act(request, pk: int):
    takeout = get_takeout_or_404(request, pk)
    return approval_action(
        request,
        takeout,
        act=lambda **kw: services.takeout_request_act(request=takeout, **kw),
        redirect_to="ledgers:takeout_detail",
    )

"""The ledgers' part of a contract's close checklist (contracts.selectors.closing, registered
under its slot from LedgersConfig.ready()): each item of information still held, each device or
medium not returned or disposed of, each take-out not brought back, and each subcontract tier
that kept something of the contract and has not issued its own certificate of return or disposal
(ledgers.disposal_certificate). At most seven queries, whatever the contract holds."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.selectors.closing import CloseGap
from core.approvals import ApprovalState
from core.models import Event, Organisation
from ledgers import events
from ledgers.models import (
    CustodyEvent,
    CustodyKind,
    DeviceStatus,
    DeviceVersion,
    InformationItem,
    LedgerRequest,
    RequestKind,
    TakeoutRequest,
)
from ledgers.models.devices import FINAL_STATUSES as DEVICE_FINAL
from ledgers.selectors.information import (
    FINAL,
    REPLAY_FIELDS,
    STATUS_LABELS,
    Status,
    _EventRow,
    replay,
    users_by_event,
)


def _items(contract: Contract) -> tuple[list[CloseGap], set[int], set[int]]:
    """The items not returned, erased or destroyed; the take-outs their last trips were made
    under; the parties that held any item."""
    items = list(InformationItem.objects.filter(contract=contract).select_related("organisation"))
    by_item: dict[int, list] = defaultdict(list)
    events = [
        _EventRow(row)
        for row in CustodyEvent.objects.filter(item__contract=contract).values_list(*REPLAY_FIELDS)
    ]
    for event in events:
        by_item[event.item_id].append(event)
    # Who may use each item: the replay refuses a use by anyone else, so it needs them to get
    # past an item's first use.
    users_of = users_by_event(events)
    gaps, trips = [], set()
    for item in sorted(items, key=lambda i: i.number):
        history = by_item[item.pk]
        state = replay(history, users_of)
        if state.status in FINAL:
            continue
        if state.status == Status.TAKEN_OUT:
            voided = {e.corrects_id for e in history if e.kind == CustodyKind.CORRECTION}
            out = [e for e in history if e.kind == CustodyKind.TAKEN_OUT and e.pk not in voided]
            if out and (last := max(out, key=lambda e: (e.occurred_at, e.sequence))).takeout_id:
                trips.add(last.takeout_id)
        gaps.append(
            CloseGap(
                kind="item",
                what=_("No. %(n)s %(title)s (%(party)s): %(status)s")
                % {
                    "n": item.number,
                    "title": item.title,
                    "party": item.organisation.name,
                    "status": STATUS_LABELS[state.status],
                },
                link=reverse("ledgers:information_detail", args=[item.pk]),
            )
        )
    return gaps, trips, {item.organisation_id for item in items}


def _devices(contract: Contract) -> tuple[list[CloseGap], set[int], set[int]]:
    """The devices whose latest entry is neither a return nor a disposal; those taken out; the
    parties that kept any device."""
    latest = Subquery(
        DeviceVersion.objects.filter(device=OuterRef("device")).order_by("-number").values("pk")[:1]
    )
    versions = list(
        DeviceVersion.objects.filter(device__contract=contract, pk=latest)
        .select_related("device", "device__organisation")
        .order_by("device__asset_number")
    )
    gaps, out = [], set()
    for version in versions:
        if version.status in DEVICE_FINAL:
            continue
        if version.status == DeviceStatus.TAKEN_OUT:
            # Out under a request the version names; one taken out before versions named their
            # request counts against every approved request that includes it.
            out.add(("takeout", version.takeout_id) if version.takeout_id else ("device", version.device_id))
        gaps.append(
            CloseGap(
                kind="device",
                what=_("%(asset)s %(kind)s (%(party)s): %(status)s")
                % {
                    "asset": version.device.asset_number,
                    "kind": version.get_kind_display(),
                    "party": version.device.organisation.name,
                    "status": version.get_status_display(),
                },
                link=reverse("ledgers:device_detail", args=[version.device_id]),
            )
        )
    return gaps, out, {v.device.organisation_id for v in versions}


def _takeouts(contract: Contract, trips: set[int], devices_out: set[int]) -> list[CloseGap]:
    if not trips and not devices_out:
        return []
    found = (
        TakeoutRequest.objects.filter(contract=contract, approval_state=ApprovalState.APPROVED)
        .filter(Q(pk__in=trips) | Q(devices__in=devices_out))
        .distinct()
        .order_by("number")
    )
    return [
        CloseGap(
            kind="takeout",
            what=_("Take-out #%(n)s to %(where)s") % {"n": t.number, "where": t.destination},
            link=reverse("ledgers:takeout_detail", args=[t.pk]),
        )
        for t in found
    ]


def _uncertified(contract: Contract, keepers: set[int]) -> list[CloseGap]:
    """Each approved subcontractor that kept information or devices of the contract and has not
    issued a certificate of return or disposal of its own."""
    # Every party that kept something other than the contractor is a subcontractor, its link
    # running or ended (an ended one still owes its own certificate).
    subcontractors = list(
        Organisation.objects.filter(pk__in=keepers - {contract.contractor_id}).order_by("name")
    )
    if not subcontractors:
        return []
    issued = Event.objects.filter(
        kind=events.DISPOSAL_CERTIFICATE_ISSUED, contract_id=contract.pk
    ).values_list("object_id", flat=True)
    certified = set(
        LedgerRequest.objects.filter(
            contract=contract, kind=RequestKind.DISPOSAL, pk__in=[int(pk) for pk in issued if pk.isdigit()]
        ).values_list("organisation_id", flat=True)
    )
    link = reverse("ledgers:request_list", args=[contract.pk, RequestKind.DISPOSAL])
    return [
        CloseGap(
            kind="subcontract",
            what=_("%(party)s has issued no certificate of return or disposal.") % {"party": org.name},
            link=link,
        )
        for org in subcontractors
        if org.pk not in certified
    ]


def ledger_close_gaps(contract: Contract) -> list[CloseGap]:
    item_gaps, trips, item_keepers = _items(contract)
    device_gaps, out, device_keepers = _devices(contract)
    trips |= {pk for what, pk in out if what == "takeout"}
    devices_out = {pk for what, pk in out if what == "device"}
    return [
        *item_gaps,
        *device_gaps,
        *_takeouts(contract, trips, devices_out),
        *_uncertified(contract, item_keepers | device_keepers),
    ]

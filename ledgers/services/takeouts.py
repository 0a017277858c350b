"""Take-out requests (持出し申請): drafted by the party that holds the information or media,
approved in advance through the one approval workflow by the party the clauses name
(`approver`, fixed when the request is made), then carried out and brought back as custody
events of the items that name the request (services.information)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, Person
from contracts.selectors.contracts import contract_approvers, organisation_people
from core.approvables import next_number
from core.approvals import EDITABLE, ApprovalPolicy, ApprovalState, approval_transition
from core.audit import record_event
from core.models import Membership, Role
from core.validators import LABEL, NOTE, check_input
from ledgers import events, permissions
from ledgers.models import Approver, Device, DeviceStatus, InformationItem, TakeoutRequest
from ledgers.selectors.information import Status, item_state
from ledgers.services.people import person_refusal
from ledgers.services.winding_up import part_ended_refusal

# A request is made before the take-out; a few minutes' grace for the form's own time.
GRACE = timedelta(minutes=10)
FIELDS = ("person", "purpose", "destination", "planned_out_at", "planned_return_at", "protection")


def _notify(request: TakeoutRequest, action: str) -> list:
    if action in ("submit", "withdraw"):
        if request.approver == Approver.CLIENT:
            return contract_approvers(request.contract)
        return organisation_people([request.organisation_id], Role.CONTRACTOR_ADMIN)
    # A decision reaches the requesting party's managers (and its staff member who drafted it).
    people = organisation_people([request.organisation_id], Role.CONTRACTOR_ADMIN)
    return [*people, request.created_by] if request.created_by not in people else people


def policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.TAKEOUT_PREFIX,
        can_submit=lambda actor, r: permissions.can_request_takeout(actor, membership, r),
        can_decide=lambda actor, r: permissions.can_decide_takeout(actor, membership, r),
        notify=_notify,
        title=lambda r: (
            _("Take-out request #%(n)s (%(contract)s)") % {"n": r.number, "contract": r.contract.number}
        ),
    )


def _clean(
    contract: Contract,
    organisation_id: int,
    values: dict[str, Any],
    items: list[InformationItem],
    devices: list[Device],
) -> None:
    check_input(
        texts={
            "purpose": (values.get("purpose"), NOTE),
            "destination": (values.get("destination"), LABEL),
            "protection": (values.get("protection"), LABEL),
        }
    )
    errors: dict[str, str] = {}
    for field in FIELDS:
        if not values.get(field):
            errors[field] = _("Required.")
    if not items and not devices:
        errors["items"] = _("Choose what is taken out: information of the ledger, or devices and media.")
    out, back = values.get("planned_out_at"), values.get("planned_return_at")
    if out and out < timezone.now() - GRACE:
        errors["planned_out_at"] = _("A take-out is approved before it happens: give a time still to come.")
    if out and back and back <= out:
        errors["planned_return_at"] = _("The return comes after the take-out.")
    if out and "planned_out_at" not in errors:
        # Taking out is work: after the end of the party's part only its winding up is recorded.
        why = part_ended_refusal(contract, organisation_id, timezone.localtime(out).date())
        if why:
            errors["planned_out_at"] = why
    person: Person | None = values.get("person")
    if person is not None and out:
        why = person_refusal(contract, organisation_id, person, timezone.localtime(out).date())
        if why:
            errors["person"] = why
    for item in items:
        if item.contract_id != contract.pk or item.organisation_id != organisation_id:
            errors["items"] = _("Choose information of your own ledger on this contract.")
            break
        state = item_state(item)
        if state.status != Status.HELD:
            errors["items"] = _("No. %(n)s is not at the work site now.") % {"n": item.number}
            break
        if person is not None and person.pk not in state.users:
            errors["person"] = _("%(name)s may not use No. %(n)s: change who may use it first.") % {
                "name": person.full_name,
                "n": item.number,
            }
    for device in devices:
        latest = device.versions.order_by("-number").first()
        if device.contract_id != contract.pk or device.organisation_id != organisation_id:
            errors["devices"] = _("Choose devices of your own ledger on this contract.")
            break
        if latest is None or latest.status != DeviceStatus.IN_USE:
            errors["devices"] = _("%(asset)s is not in use at the work site now.") % {
                "asset": device.asset_number
            }
            break
    if errors:
        raise ValidationError(errors)


def _approver(contract: Contract, items: list[InformationItem]) -> str:
    """The public body approves taking information out; media alone are approved inside the
    contractor where the clauses keep their log with the contractor's approver (001 §18(2))."""
    if not items and clauses_api.media_takeout_approved_internally(contract):
        return Approver.CONTRACTOR
    return Approver.CLIENT


@transaction.atomic
def takeout_request_create(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    items: Iterable[InformationItem] = (),
    devices: Iterable[Device] = (),
    **values: Any,
) -> TakeoutRequest:
    """Draft a take-out request of the person's own party (submitted with takeout_request_act)."""
    if not permissions.can_keep_devices(actor, actor_membership, contract):
        raise PermissionDenied
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # one number at a time
    items, devices = list(items), list(devices)
    _clean(contract, actor_membership.organisation_id, values, items, devices)
    request = TakeoutRequest(
        contract=contract,
        organisation_id=actor_membership.organisation_id,
        number=next_number(TakeoutRequest, contract),
        approver=_approver(contract, items),
        # Why and where to may name people: under the contract's key, erased at its close.
        data_key_id=contract.data_key_id,
        created_by=actor,
        **{name: values[name] for name in FIELDS},
    )
    request.full_clean()
    request.save()
    request.items.set(items)
    request.devices.set(devices)
    record_event(
        kind=events.TAKEOUT_DRAFTED,
        actor=actor,
        obj=request,
        contract_id=contract.pk,
        data={"items": [i.pk for i in items], "devices": [d.pk for d in devices]},
    )
    return request


@transaction.atomic
def takeout_request_update(
    *,
    actor,
    actor_membership: Membership,
    request: TakeoutRequest,
    items: Iterable[InformationItem] = (),
    devices: Iterable[Device] = (),
    **values: Any,
) -> TakeoutRequest:
    """Change a draft, or a request returned for correction, before it is submitted again."""
    request = TakeoutRequest.objects.select_for_update().select_related("contract").get(pk=request.pk)
    if not permissions.can_request_takeout(actor, actor_membership, request):
        raise PermissionDenied
    if request.approval_state not in EDITABLE:
        raise ValidationError(_("This request was submitted: withdraw it first to change it."))
    items, devices = list(items), list(devices)
    _clean(request.contract, request.organisation_id, values, items, devices)
    for name in FIELDS:
        setattr(request, name, values[name])
    request.approver = _approver(request.contract, items)
    request.full_clean()
    request.save()
    request.items.set(items)
    request.devices.set(devices)
    record_event(
        kind=events.TAKEOUT_CHANGED,
        actor=actor,
        obj=request,
        contract_id=request.contract_id,
        data={"items": [i.pk for i in items], "devices": [d.pk for d in devices]},
    )
    return request


@transaction.atomic
def takeout_request_act(
    *, actor, actor_membership: Membership, request: TakeoutRequest, action: str, reason: str = ""
) -> TakeoutRequest:
    """Submit, withdraw, approve, return (差戻し) or reject a take-out request. An approval after
    the planned take-out is refused: the take-out would have happened unapproved."""
    request = TakeoutRequest.objects.select_related("contract").get(pk=request.pk)
    if action == "submit":
        _clean(
            request.contract,
            request.organisation_id,
            {name: getattr(request, name) for name in FIELDS},
            list(request.items.all()),
            list(request.devices.all()),
        )
    return approval_transition(
        actor=actor, obj=request, action=action, policy=policy(actor_membership), reason=reason
    )


def approved_takeout_for(item: InformationItem, takeout: TakeoutRequest | None, moment) -> str | None:
    """Why `takeout` does not allow taking `item` out at `moment`, or None where it does."""
    if takeout is None:
        return _("Take-outs need an approved take-out request: choose it (or request one).")
    if takeout.contract_id != item.contract_id or not takeout.items.filter(pk=item.pk).exists():
        return _("The request chosen does not include this information.")
    if takeout.approval_state != ApprovalState.APPROVED:
        return _("The request chosen is not approved.")
    # Times are typed to the minute: a take-out in the minute of the approval is after it.
    if takeout.decided_at and moment < takeout.decided_at.replace(second=0, microsecond=0):
        return _("The take-out happened before the request was approved.")
    if item.custody_events.filter(kind="taken_out", takeout=takeout).exists():
        return _("This information was already taken out under that request: request a new take-out.")
    return None


def approved_device_takeout_for(device: Device, takeout: TakeoutRequest | None, on) -> str | None:
    """Why `takeout` does not allow taking `device` out on the day `on`, or None where it does.
    The device ledger is kept by the day, so the approval counts from its day."""
    if takeout is None:
        return _("Take-outs need an approved take-out request: choose it (or request one).")
    if takeout.contract_id != device.contract_id or not takeout.devices.filter(pk=device.pk).exists():
        return _("The request chosen does not include this device.")
    if takeout.approval_state != ApprovalState.APPROVED:
        return _("The request chosen is not approved.")
    if takeout.decided_at and on < timezone.localtime(takeout.decided_at).date():
        return _("The take-out happened before the request was approved.")
    if device.versions.filter(status=DeviceStatus.TAKEN_OUT, takeout=takeout).exists():
        return _("This device was already taken out under that request: request a new take-out.")
    return None


def takeout_needed(contract: Contract) -> bool:
    """Whether the clauses ask approval before information leaves the work site."""
    return clauses_api.requires(contract, clauses_api.TAKE_OUT)


def _still_out(request: TakeoutRequest) -> list[InformationItem | Device]:
    """The request's items and devices that went out under it and have not come back."""
    from ledgers.selectors.information import replay, users_by_event

    out: list[InformationItem | Device] = []
    for device in request.devices.all():
        latest = device.versions.order_by("-number").first()
        if latest is not None and latest.status == DeviceStatus.TAKEN_OUT and latest.takeout_id == request.pk:
            out.append(device)
    for item in request.items.all():
        history = list(item.custody_events.all())
        if replay(history, users_by_event(history)).status != Status.TAKEN_OUT:
            continue
        voided = {e.corrects_id for e in history if e.kind == "correction"}
        trips = [e for e in history if e.kind == "taken_out" and e.pk not in voided]
        if max(trips, key=lambda e: (e.occurred_at, e.sequence)).takeout_id == request.pk:
            out.append(item)
    return out


@transaction.atomic
def takeout_overdue_sweep(*, now=None) -> list[int]:
    """Record TAKEOUT_OVERDUE, once, for each approved take-out whose planned return has passed
    while something it took out is still out; tell both sides. The duty of bringing it back
    (where the clauses ask approval of take-outs) opens on it and is met by the return."""
    from django.urls import reverse

    from core.models import Event
    from core.services.notifications import notification_create

    now = now or timezone.now()
    due = TakeoutRequest.objects.filter(
        approval_state=ApprovalState.APPROVED, planned_return_at__lt=now, contract__status="active"
    ).select_related("contract")
    reported = set(
        Event.objects.filter(kind=events.TAKEOUT_OVERDUE, object_type="ledgers.takeoutrequest").values_list(
            "object_id", flat=True
        )
    )
    found = []
    for request in due:
        if str(request.pk) in reported or not _still_out(request):
            continue
        record_event(kind=events.TAKEOUT_OVERDUE, obj=request, contract_id=request.contract_id)
        title = _("Take-out #%(n)s of %(contract)s is overdue: it was to be back by %(when)s.") % {
            "n": request.number,
            "contract": request.contract.number,
            "when": timezone.localtime(request.planned_return_at).strftime("%Y-%m-%d %H:%M"),
        }
        url = reverse("ledgers:takeout_detail", args=[request.pk])
        people = {
            *organisation_people([request.organisation_id], Role.CONTRACTOR_ADMIN),
            *contract_approvers(request.contract),
        }
        for user in people:
            notification_create(user=user, title=title, url=url)
        found.append(request.pk)
    return found

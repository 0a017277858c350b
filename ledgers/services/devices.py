"""Writes of the device ledger (パソコン等・記録媒体の管理台帳): entering a device and recording
each change as a new version. Every refusal names the field and, where a clause decides it, the
clause (a private device, 000 §5.4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, Person, Worksite
from contracts.selectors.worksites import sites_in_force
from core.audit import record_event
from core.models import Membership
from core.templatetags.portal import clause_ja
from core.validators import LABEL, NOTE, check_input
from ledgers import events, permissions
from ledgers.models import Device, DeviceOwner, DeviceStatus, DeviceVersion
from ledgers.models.devices import COMPUTERS, FINAL_STATUSES
from ledgers.services import takeouts
from ledgers.services.people import person_refusal
from ledgers.services.protection import record_renewal_if_any
from ledgers.services.winding_up import part_ended_refusal

# What a version records, besides its day and reason: compared to tell a change from a repeat.
VERSION_FIELDS = (
    "kind",
    "maker",
    "model_name",
    "serial_number",
    "capacity",
    "owner",
    "holder",
    "worksite",
    "storage_place",
    "disk_encrypted",
    "antivirus_product",
    "antivirus_pattern_date",
    "patched_on",
    "no_unapproved_software",
    "no_generative_ai",
    "status",
)


def _subject(device: Device) -> str:
    return f"ledgers.device:{device.pk}"


def _clean(
    contract: Contract,
    organisation_id: int,
    values: dict[str, Any],
    on: date,
    *,
    winding_up: bool = False,
    refused_at: str = "status",
) -> None:
    """Refuse, at the field, what the clauses or the contract's records do not allow. `winding_up`:
    the entry returns or disposes of the device or brings it back from a take-out, all that is
    recorded after the end of the party's part (ledgers.services.winding_up)."""
    check_input(
        texts={
            "maker": (values.get("maker"), 100),
            "model_name": (values.get("model_name"), 100),
            "serial_number": (values.get("serial_number"), 100),
            "capacity": (values.get("capacity"), 50),
            "storage_place": (values.get("storage_place"), LABEL),
            "antivirus_product": (values.get("antivirus_product"), 100),
            "note": (values.get("note"), NOTE),
        },
        dates={
            "effective_on": on,
            "antivirus_pattern_date": values.get("antivirus_pattern_date"),
            "patched_on": values.get("patched_on"),
        },
    )
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if on > today:
        errors["effective_on"] = _("Record what holds today or held on an earlier day, not a future one.")
    elif on < contract.start_date:
        errors["effective_on"] = _("The day is before the contract started.")
    elif not winding_up:
        why = part_ended_refusal(contract, organisation_id, on)
        if why:
            errors[refused_at] = why
    if values.get("owner") == DeviceOwner.PRIVATE:
        clauses = clauses_api.private_devices_forbidden_by(contract)
        errors["owner"] = (
            _("A private device may not be used for the work (%(clause)s).")
            % {"clause": "、".join(clause_ja(c) for c in clauses)}
            if clauses
            else _("A private device may not be used for the work: enter only company-owned devices.")
        )
    holder: Person | None = values.get("holder")
    # Its winding up: an ended subcontractor's holder may still be named.
    why = person_refusal(contract, organisation_id, holder, on, winding_up=winding_up) if holder else None
    if why:
        errors["holder"] = why
    worksite: Worksite | None = values.get("worksite")
    if worksite is not None and not sites_in_force(contract, on).filter(worksite=worksite).exists():
        errors["worksite"] = _("Choose a work site that is approved (or notified) on that day.")
    if (values.get("status") or DeviceStatus.IN_USE) == DeviceStatus.IN_USE and worksite is None:
        errors["worksite"] = _("Say at which work site the device is kept.")
    if values.get("kind") in COMPUTERS:
        for field in ("antivirus_product", "antivirus_pattern_date", "patched_on"):
            if not values.get(field):
                errors.setdefault(field, _("Required for a PC or tablet."))
        for field in ("antivirus_pattern_date", "patched_on"):
            if values.get(field) and values[field] > today:
                errors[field] = _("The date cannot be in the future.")
        if not values.get("no_unapproved_software"):
            errors["no_unapproved_software"] = _(
                "Confirm that no file-sharing or other unapproved software is installed."
            )
        if clauses_api.generative_ai_forbidden(contract) and not values.get("no_generative_ai"):
            errors["no_generative_ai"] = _(
                "These clauses forbid generative-AI services: confirm that none is used on the device."
            )
    if errors:
        raise ValidationError(errors)


# Fields that may be empty (no holder for paper in a cabinet, no date for a medium); the others
# store "" or False for nothing given.
NULLABLE = {"holder", "worksite", "antivirus_pattern_date", "patched_on"}


def _version(device: Device, number: int, values: dict[str, Any], on: date, actor) -> DeviceVersion:
    fields = {}
    for name in VERSION_FIELDS:
        if name not in values:
            continue  # the model's default (company-owned, in use, not encrypted)
        value = values[name]
        fields[name] = value if value is not None or name in NULLABLE else ""
    version = DeviceVersion(
        device=device,
        number=number,
        effective_on=on,
        # The reason for a change may name people: under the contract's key.
        data_key_id=device.contract.data_key_id,
        note=values.get("note") or "",
        takeout=values.get("takeout"),
        recorded_by=actor,
        **fields,
    )
    version.full_clean(exclude=["device"])
    version.save()
    return version


@transaction.atomic
def device_register(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    asset_number: str,
    effective_on: date | None = None,
    **values: Any,
) -> DeviceVersion:
    """Enter a device or medium in the ledger, kept by the person's own party."""
    if not permissions.can_keep_devices(actor, actor_membership, contract):
        raise PermissionDenied
    on = effective_on or timezone.localdate()
    if values.get("status") == DeviceStatus.TAKEN_OUT and takeouts.takeout_needed(contract):
        raise ValidationError(
            {
                "status": _(
                    "A device enters the ledger where it is kept: record its take-out afterwards, "
                    "under an approved take-out request."
                )
            }
        )
    values.pop("takeout", None)
    asset_number = (asset_number or "").strip()
    if not asset_number:
        raise ValidationError({"asset_number": _("Enter the asset number.")})
    check_input(texts={"asset_number": (asset_number, 50)})
    # A new device is new work: after the end its day is refused, whatever its status.
    _clean(contract, actor_membership.organisation_id, values, on, refused_at="effective_on")
    try:
        with transaction.atomic():
            device = Device.objects.create(
                contract=contract,
                organisation_id=actor_membership.organisation_id,
                asset_number=asset_number,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"asset_number": _("This asset number is already in the ledger of this contract.")}
        ) from exc
    version = _version(device, 1, values, on, actor)
    record_event(
        kind=events.DEVICE_REGISTERED,
        actor=actor,
        obj=device,
        contract_id=contract.pk,
        data={"subject": _subject(device), "effective_date": on.isoformat(), "kind": version.kind},
    )
    return version


@transaction.atomic
def device_update(
    *,
    actor,
    actor_membership: Membership,
    device: Device,
    effective_on: date | None = None,
    note: str = "",
    **values: Any,
) -> DeviceVersion:
    """Record a change of the device (new holder, place, protection, status) as a new version;
    the earlier versions stay as they were."""
    device = Device.objects.select_for_update().select_related("contract").get(pk=device.pk)
    if not permissions.can_change_device(actor, actor_membership, device):
        raise PermissionDenied
    latest = device.versions.order_by("-number").first()
    if latest.status in FINAL_STATUSES:
        raise ValidationError(
            _(
                "This device was returned or disposed of: it has left the ledger, and nothing more "
                "is recorded on it."
            )
        )
    on = effective_on or timezone.localdate()
    takeout = values.pop("takeout", None)
    merged = {name: getattr(latest, name) for name in VERSION_FIELDS} | values
    merged["note"] = (note or "").strip()
    if on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _("A change cannot hold from before the entry it changes (%(day)s).")
                % {"day": latest.effective_on.isoformat()}
            }
        )
    if all(merged[name] == getattr(latest, name) for name in VERSION_FIELDS):
        raise ValidationError(_("Nothing was changed."))
    if not merged["note"]:
        raise ValidationError({"note": _("Say why the entry changes (a correction says what was wrong).")})
    coming_back = latest.status == DeviceStatus.TAKEN_OUT and merged["status"] == DeviceStatus.IN_USE
    winding_up = merged["status"] in FINAL_STATUSES or coming_back
    _clean(device.contract, device.organisation_id, merged, on, winding_up=winding_up)
    merged["takeout"] = _takeout_of(device, latest, merged["status"], takeout, on)
    version = _version(device, latest.number + 1, merged, on, actor)
    changed = [name for name in VERSION_FIELDS if merged[name] != getattr(latest, name)]
    data = {"subject": _subject(device), "effective_date": on.isoformat(), "fields": changed}
    if version.takeout_id:
        # Evidence for the device and for the request (its take-out log).
        data["subjects"] = [_subject(device), f"ledgers.takeoutrequest:{version.takeout_id}"]
    if version.status in FINAL_STATUSES:
        # Returned or disposed of: what was still owed about the device itself (bringing its
        # protection up to date) is no longer needed; the duty engine closes it so.
        data["ended_subjects"] = [_subject(device)]
    record_event(
        kind=events.DEVICE_UPDATED, actor=actor, obj=device, contract_id=device.contract_id, data=data
    )
    if (
        latest.status == DeviceStatus.TAKEN_OUT
        and version.status != DeviceStatus.TAKEN_OUT
        and latest.takeout_id
    ):
        # Back from the take-out: the return its approval and its log wait for (001 §18(2)).
        record_event(
            kind=events.TAKEOUT_BROUGHT_BACK,
            actor=actor,
            obj=device,
            contract_id=device.contract_id,
            data={
                "subject": _subject(device),
                "subjects": [_subject(device), f"ledgers.takeoutrequest:{latest.takeout_id}"],
                "effective_date": on.isoformat(),
            },
        )
    record_renewal_if_any(actor=actor, previous=latest, version=version)
    return version


def _takeout_of(device: Device, latest: DeviceVersion, status: str, takeout, on: date):
    """The take-out request the new version names: the approved one it goes out under (refused
    at the field where the clauses ask approval and none allows it), the one it is out under
    while it stays out or comes back, or none."""
    if latest.status == DeviceStatus.TAKEN_OUT:
        return latest.takeout  # still out, or back from it: the same take-out
    if status != DeviceStatus.TAKEN_OUT:
        return None
    if takeout is None and not takeouts.takeout_needed(device.contract):
        return None
    why = takeouts.approved_device_takeout_for(device, takeout, on)
    if why:
        raise ValidationError({"takeout": why})
    return takeout

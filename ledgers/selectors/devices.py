"""Reads of the device ledger: what each device was on a day, its history, whose devices a
person may see (a subcontractor only its own part and what lies below it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.subcontracts import chain_scope, ended_links
from core.models import Event, Membership
from ledgers.events import DISPOSAL_CERTIFICATE_ISSUED
from ledgers.models import Device, DeviceVersion
from ledgers.models.devices import COMPUTERS


def subcontract_subject(link_id: int) -> str:
    """How a certificate names the ended link whose return or disposal it proves."""
    return f"contracts.subcontract:{link_id}"


def uncertified(contract: Contract, ended: dict[int, int]) -> set[int]:
    """Of the ended links {link id: subcontractor}, the subcontractors that have not yet
    certified their return or disposal (disposal.certificate_issued naming the link): one query,
    none when nothing has ended."""
    if not ended:
        return set()
    certified: set[str] = set()
    for data in Event.objects.filter(contract_id=contract.pk, kind=DISPOSAL_CERTIFICATE_ISSUED).values_list(
        "data", flat=True
    ):
        if isinstance(data, dict):
            certified.update(data.get("subjects") or [])
    return {org for pk, org in ended.items() if subcontract_subject(pk) not in certified}


def winding_up_parties(contract: Contract) -> set[int]:
    """The subcontractors whose link has ended and whose return or disposal is not yet certified:
    they keep their own part of the ledgers — reading it, recording its returns and disposals,
    applying for and certifying them — until then, nothing else of the contract
    (docs/subcontracts.md)."""
    return uncertified(contract, ended_links(contract))


def parties_in_scope(user, membership: Membership | None, contract: Contract) -> set[int] | None:
    """Whose devices the person may see on the contract: None for all (a full party of the
    contract), else the subcontractor's own organisation and those below it while their links
    last, and the ended ones among them until their return or disposal is certified."""
    scope, ended = chain_scope(user, membership, contract)
    if scope is None:
        return None
    return scope | uncertified(contract, ended)


def devices_visible_to(user, membership: Membership | None, contract: Contract) -> QuerySet[Device]:
    scope = parties_in_scope(user, membership, contract)
    devices = Device.objects.filter(contract=contract)
    return devices if scope is None else devices.filter(organisation_id__in=scope)


def device_visible_to(user, membership: Membership | None, pk: int) -> Device | None:
    """The device, if the person may see it (missing and forbidden look the same to the caller)."""
    device = Device.objects.select_related("contract", "organisation").filter(pk=pk).first()
    if device is None:
        return None
    scope = parties_in_scope(user, membership, device.contract)
    if scope is not None and device.organisation_id not in scope:
        return None
    if scope is None and not contracts_visible_to(user, membership).filter(pk=device.contract_id).exists():
        return None
    return device


def _version_on(on: date) -> Subquery:
    return Subquery(
        DeviceVersion.objects.filter(device=OuterRef("device"), effective_on__lte=on)
        .order_by("-effective_on", "-number")
        .values("pk")[:1]
    )


def ledger_on(devices: QuerySet[Device], on: date | None = None) -> QuerySet[DeviceVersion]:
    """The version of each device that held at the end of `on` (today): the ledger as it stood
    that day. Devices entered later are not on it; one returned or disposed of shows so."""
    on = on or timezone.localdate()
    return (
        DeviceVersion.objects.filter(device__in=devices, pk=_version_on(on))
        .select_related("device", "device__organisation", "holder", "worksite")
        .order_by("device__asset_number")
    )


def latest_version(device: Device) -> DeviceVersion | None:
    return device.versions.order_by("-number").first()


def device_history(device: Device) -> QuerySet[DeviceVersion]:
    """Every version, newest first, with who recorded it: the device's whole history."""
    return device.versions.select_related("holder", "worksite", "recorded_by", "takeout").order_by("-number")


@dataclass(frozen=True)
class Protection:
    """Whether a computer's anti-virus pattern and updates are older than the allowed age."""

    antivirus_stale: bool
    patches_stale: bool

    @property
    def stale(self) -> bool:
        return self.antivirus_stale or self.patches_stale


def protection_of(version: DeviceVersion, *, today: date, max_ages: tuple[int, int]) -> Protection:
    """A computer in use whose anti-virus pattern or last update is older than the allowed age
    (settings.LEDGER_ANTIVIRUS_MAX_AGE_DAYS / LEDGER_PATCH_MAX_AGE_DAYS) needs attention."""
    if version.kind not in COMPUTERS or version.status != "in_use":
        return Protection(False, False)
    antivirus_days, patch_days = max_ages
    pattern, patched = version.antivirus_pattern_date, version.patched_on
    return Protection(
        antivirus_stale=pattern is None or (today - pattern).days > antivirus_days,
        patches_stale=patched is None or (today - patched).days > patch_days,
    )


def filter_ledger(versions: QuerySet[DeviceVersion], *, kind: str = "", status: str = "", query: str = ""):
    """The ledger's filters: type, status, and an asset number / maker / model / serial search."""
    if kind:
        versions = versions.filter(kind=kind)
    if status:
        versions = versions.filter(status=status)
    if query:
        versions = versions.filter(
            Q(device__asset_number__icontains=query)
            | Q(maker__icontains=query)
            | Q(model_name__icontains=query)
            | Q(serial_number__icontains=query)
        )
    return versions

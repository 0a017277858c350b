"""Authorisation-matrix rows of the device ledger (ledgers:): see tests/core/authorisation/__init__.py.

Everyone who reads a contract reads its device ledger and its devices; the contractor's managers
and staff enter devices and record changes on their own running contract (the public body's side
and the site administrator, who keeps nothing, get the 404 of a missing page); a device is
changed only by the party that keeps it, so the contractor gets 404 on the change page of its
subcontractor's device (`sub_device`, kept by side a's approved subcontractor), which it reads.

The register and change pages answer GET and POST. A row has one method, and a POST row is also
checked to answer 405 to GET, so MATRIX holds their GET cells and POST_ROWS their POST cells
(checked in test_scoping.py, with a state snapshot: an R must have written, a refusal nothing).
"""

from __future__ import annotations

from django.utils import timezone

from core.models import Membership
from ledgers.models import Device, DeviceVersion
from ledgers.services.devices import device_register

LABELS = ("a", "b")
ASSETS = {"device_a": "MX-A-001", "device_b": "MX-B-001", "sub_device": "MX-SUB-A-001"}


def _paper(worksite) -> dict:
    # Paper files: no anti-virus or update fields to fill in, only where they are kept.
    return {"kind": "paper", "owner": "company", "worksite": worksite, "storage_place": "書庫A"}


def extend_world(mw) -> None:
    """Per side: a device entered by the contractor's manager at the side's work site in force
    (matrix_worksites); on contract_a also one kept by the approved subcontractor whose manager
    is a sweep actor (matrix_subcontracts)."""
    found = {}
    for label in LABELS:
        manager = getattr(mw.world, label).contractor_admin
        found[f"device_{label}"] = device_register(
            actor=manager.user,
            actor_membership=manager,
            contract=mw.contracts[f"contract_{label}"],
            asset_number=ASSETS[f"device_{label}"],
            **_paper(mw.extra["worksites"][f"site_{label}"]),
        ).device
    sub = Membership.objects.get(
        user=mw.users["sub_admin"], organisation=mw.extra["subcontracts"]["orgs_a"][0]
    )
    found["sub_device"] = device_register(
        actor=sub.user,
        actor_membership=sub,
        contract=mw.contracts["contract_a"],
        asset_number=ASSETS["sub_device"],
        **_paper(mw.extra["worksites"]["site_a"]),
    ).device
    mw.extra["ledgers"] = found


def _device(mw, key) -> Device:
    return mw.extra["ledgers"][key]


DEVICES = {k: (lambda mw, k=k: {"pk": _device(mw, k).pk}) for k in ASSETS}


# --- POST bodies and what they may change ---------------------------------------------------------


def _register_data(mw, user, label: str) -> dict:
    # shared_a and shared_b (matrix_tenancy's columns, when the row is over CONTRACTS) are refused
    # before the form is read, so any side's site will do there.
    site = mw.extra["worksites"][f"site_{label[-1]}"]
    return {
        "asset_number": "MX-NEW-001",
        "kind": "paper",
        "owner": "company",
        "worksite": site.pk,
        "storage_place": "書庫A",
        "status": "in_use",
        "effective_on": timezone.localdate().isoformat(),
    }


def _change_data(mw, user, label: str) -> dict:
    latest = _device(mw, label).versions.order_by("-number").first()
    return {
        "kind": latest.kind,
        "owner": latest.owner,
        "worksite": latest.worksite_id,
        "storage_place": "書庫B",
        "status": latest.status,
        "effective_on": timezone.localdate().isoformat(),
        "note": "保管場所の変更",
    }


def _devices_on(mw, label: str) -> int:
    return Device.objects.filter(contract=mw.contracts[label]).count()


def _versions_of(mw, label: str) -> int:
    return DeviceVersion.objects.filter(device=_device(mw, label)).count()


# --- the tables -----------------------------------------------------------------------------------

# The contractor's managers and staff, on their own contract; nobody else (the site administrator
# acts for no party).
KEEPERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
READ_DEVICE = """
                  device_a   device_b   sub_device
anonymous         L          L          L
site_admin        200        200        200
client_admin      200        404        200
client_staff      200        404        200
auditor           200        404        200
contractor_admin  200        404        200
contractor_staff  200        404        200
"""
# Its own party's device only: the contractor reads its subcontractor's but does not change it.
CHANGE_DEVICE = """
                  device_a   device_b   sub_device
anonymous         L          L          L
site_admin        404        404        404
client_admin      404        404        404
client_staff      404        404        404
auditor           404        404        404
contractor_admin  {ok}        404        404
contractor_staff  {ok}        404        404
"""


def rows(m) -> dict:
    return {
        "ledgers:device_list": m.Row(
            m.CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=m.CONTRACTS
        ),
        "ledgers:device_register": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:device_detail": m.Row(READ_DEVICE, targets=DEVICES),
        "ledgers:device_update": m.Row(CHANGE_DEVICE.format(ok=200), targets=DEVICES),
    }


def post_rows(m) -> dict:
    """The POST cells of the register and change pages (see the module's docstring)."""
    return {
        "ledgers:device_register": m.Row(
            KEEPERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_register_data,
            state=_devices_on,
        ),
        "ledgers:device_update": m.Row(
            CHANGE_DEVICE.format(ok="R"),
            method=m.POST,
            targets=DEVICES,
            data=_change_data,
            state=_versions_of,
        ),
    }

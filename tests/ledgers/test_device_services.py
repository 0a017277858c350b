"""The device ledger's writes (000 §5.3): a device entered, each change a new version, refusals
at the field with the clause, and the database refusing any edit or removal (append-only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.models import PersonRole
from contracts.selectors.roster import pledges_required
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.approvals import ApprovalAction as A
from core.models import Event
from ledgers.models import Device, DeviceVersion
from ledgers.selectors.devices import ledger_on, protection_of
from ledgers.services.devices import device_register, device_update
from tests import factories
from tests.contracts.conftest import upload_pledges

TODAY = timezone.localdate()
START = TODAY - timedelta(days=60)
PC = {
    "kind": "pc",
    "maker": "富士通",
    "model_name": "LIFEBOOK U9",
    "serial_number": "R1234567",
    "owner": "company",
    "disk_encrypted": True,
    "antivirus_product": "ウイルスバスター",
    "antivirus_pattern_date": TODAY - timedelta(days=1),
    "patched_on": TODAY - timedelta(days=10),
    "no_unapproved_software": True,
    "no_generative_ai": True,  # 002 §10(7) forbids generative-AI services
    "status": "in_use",
}


def _m(membership):
    return {"actor": membership.user, "actor_membership": membership}


@pytest.fixture
def world(db):
    return build_world("002-")


def build_world(prefix: str) -> dict:
    """A running contract under the shipped template `prefix` (002: approval before work; signed
    60 days ago) with a worker approved from its start, one waiting for approval, and its office
    in force."""
    side = factories.side("dev", "機")
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(f"{prefix}*.yaml")))
    contract = contract_create(
        contractor=side.contractor,
        department=side.dept,
        number="R8-DEVICES-1",
        title="台帳確認業務",
        start_date=START,
        end_date=TODAY + timedelta(days=300),
        work_start_date=START + timedelta(days=5),
        clause_template=template,
        handles_personal_info=True,
        **_m(side.client_admin),
    )
    contract = contract_activate(contract=contract, signed_on=START, **_m(side.client_admin))
    change = roster_change_open(contract=contract, **_m(side.contractor_admin))
    people = [
        roster_person_add(
            change=change,
            full_name=name,
            role=role,
            affiliation="開発部",
            planned_end_date=TODAY + timedelta(days=300),
            start_date=START + timedelta(days=5),
            **_m(side.contractor_admin),
        ).person
        for name, role in (("田中 一郎", PersonRole.RESPONSIBLE), ("佐藤 花子", PersonRole.WORKER))
    ]
    if pledges_required(contract):  # 003 §5.2: everyone's signed pledge before the roster goes in
        upload_pledges(side, change)
    _in_force(side, change, roster_change_act)
    pending = roster_change_open(contract=contract, **_m(side.contractor_admin))
    newcomer = roster_person_add(
        change=pending,
        full_name="鈴木 次郎",
        affiliation="開発部",
        planned_end_date=TODAY + timedelta(days=300),
        start_date=TODAY,
        **_m(side.contractor_admin),
    ).person
    if pledges_required(contract):
        upload_pledges(side, pending)
    roster_change_act(change=pending, action=A.SUBMIT, **_m(side.contractor_admin))
    sites = worksite_change_open(contract=contract, **_m(side.contractor_admin))
    office = worksite_add(
        change=sites,
        kind="contractor_office",
        name="本社 開発部",
        address="埼玉県所沢市並木一丁目1番地",
        rooms="3階",
        storage_places=[{"name": "書庫A", "protection": "locked_cabinet", "description": ""}],
        **_m(side.contractor_admin),
    ).worksite
    _in_force(side, sites, worksite_change_act)
    return {
        "side": side,
        "contract": contract,
        "worker": people[1],
        "responsible": people[0],
        "newcomer": newcomer,
        "office": office,
    }


def _in_force(side, change, act) -> None:
    """Submit the change and have it in force from three days after the start: notified where
    notice is enough, else approved."""
    since = START + timedelta(days=3)
    if not change.needs_approval:
        act(change=change, action=A.SUBMIT, effective_on=since, **_m(side.contractor_admin))
        return
    change = act(change=change, action=A.SUBMIT, **_m(side.contractor_admin))
    act(change=change, action=A.APPROVE, effective_on=since, **_m(side.client_admin))


def _register(world, asset="PC-001", **overrides):
    values = {
        **PC,
        "holder": world["worker"],
        "worksite": world["office"],
        "storage_place": "書庫A",
        **overrides,
    }
    return device_register(
        contract=world["contract"], asset_number=asset, **values, **_m(world["side"].contractor_admin)
    )


def test_a_device_is_entered_with_its_first_version_and_an_event(world):
    version = _register(world)
    assert (version.number, version.device.asset_number, version.holder, version.effective_on) == (
        1,
        "PC-001",
        world["worker"],
        TODAY,
    )
    assert version.device.organisation == world["side"].contractor
    event = Event.objects.get(kind="device.registered")
    assert (
        event.data["subject"] == f"ledgers.device:{version.device.pk}"
        and event.contract_id == world["contract"].pk
    )


def test_staff_of_the_contractor_may_keep_the_ledger_and_the_public_body_may_not(world):
    side = world["side"]
    device_register(
        contract=world["contract"],
        asset_number="USB-1",
        kind="usb_memory",
        worksite=world["office"],
        **_m(side.contractor_staff),
    )
    for membership in (side.client_admin, side.client_staff, side.auditor):
        with pytest.raises(PermissionDenied):
            device_register(contract=world["contract"], asset_number="X", kind="other", **_m(membership))


def test_a_private_device_is_refused_citing_the_clause(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, owner="private")
    assert "第10条(4)" in exc.value.message_dict["owner"][0]  # 002 §10(4): no private devices
    assert not Device.objects.exists()


def test_the_holder_must_be_approved_on_the_roster_that_day(world):
    with pytest.raises(ValidationError) as exc:
        _register(world, holder=world["newcomer"])
    assert "鈴木 次郎" in exc.value.message_dict["holder"][0]
    # Before the worker's approved start, the worker could not hold it either.
    with pytest.raises(ValidationError) as exc:
        _register(world, effective_on=START + timedelta(days=1))
    assert "holder" in exc.value.message_dict and "worksite" in exc.value.message_dict


def test_a_computer_needs_its_protection_and_the_statements(world):
    with pytest.raises(ValidationError) as exc:
        _register(
            world, antivirus_product="", patched_on=None, no_unapproved_software=False, no_generative_ai=False
        )
    errors = exc.value.message_dict
    assert {"antivirus_product", "patched_on", "no_unapproved_software", "no_generative_ai"} <= set(errors)
    # A paper file needs none of them.
    device_register(
        contract=world["contract"],
        asset_number="紙-1",
        kind="paper",
        worksite=world["office"],
        **_m(world["side"].contractor_admin),
    )


def test_the_same_asset_number_twice_is_refused_at_the_field(world):
    _register(world)
    with pytest.raises(ValidationError) as exc:
        _register(world)
    assert "asset_number" in exc.value.message_dict


def test_a_change_is_a_new_version_and_the_ledger_of_an_earlier_day_is_unchanged(world):
    first = _register(world)
    device = first.device
    second = device_update(
        device=device,
        status="taken_out",
        note="客先での説明のため持出し",
        **_m(world["side"].contractor_admin),
    )
    assert (second.number, second.status, first.status) == (2, "taken_out", "in_use")
    assert DeviceVersion.objects.filter(device=device).count() == 2
    assert [v.status for v in ledger_on(Device.objects.all(), TODAY)] == ["taken_out"]
    assert list(ledger_on(Device.objects.all(), TODAY - timedelta(days=1))) == []  # entered today
    assert Event.objects.get(kind="device.updated").data["fields"] == ["status"]


def test_a_change_needs_a_reason_and_a_difference(world):
    device = _register(world).device
    with pytest.raises(ValidationError) as exc:
        device_update(device=device, status="taken_out", **_m(world["side"].contractor_admin))
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        device_update(device=device, note="確認", **_m(world["side"].contractor_admin))


def test_nothing_more_is_recorded_on_a_disposed_device(world):
    device = _register(world).device
    device_update(
        device=device, status="disposed", note="物理破壊により廃棄", **_m(world["side"].contractor_admin)
    )
    with pytest.raises(ValidationError):
        device_update(device=device, status="in_use", note="誤り", **_m(world["side"].contractor_admin))


def test_nobody_can_edit_or_delete_the_ledger_not_even_through_raw_sql(world):
    version = _register(world)
    for attempt in (
        lambda: DeviceVersion.objects.filter(pk=version.pk).update(status="disposed"),
        lambda: DeviceVersion.objects.filter(pk=version.pk).delete(),
        lambda: Device.objects.filter(pk=version.device_id).update(asset_number="PC-999"),
    ):
        with pytest.raises(InternalError), transaction.atomic():
            attempt()
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledgers_deviceversion SET holder_id = NULL WHERE id = %s", [version.pk])
    version.refresh_from_db()
    assert version.holder == world["worker"] and version.status == "in_use"


def test_stale_protection_is_told_from_the_dates(world):
    version = _register(world, antivirus_pattern_date=TODAY - timedelta(days=40))
    protection = protection_of(version, today=TODAY, max_ages=(30, 90))
    assert protection.antivirus_stale and not protection.patches_stale and protection.stale


def test_registering_a_device_meets_the_device_ledger_duty(db):
    side = factories.side("dev0", "台")
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))
    contract = contract_create(
        contractor=side.contractor,
        number="R8-DEVICES-0",
        title="台帳確認業務",
        start_date=START,
        end_date=TODAY + timedelta(days=300),
        work_start_date=TODAY + timedelta(days=5),
        clause_template=template,
        **_m(side.client_admin),
    )
    contract = contract_activate(contract=contract, signed_on=START, **_m(side.client_admin))
    duty = Duty.objects.get(contract=contract, obligation__key="5.3-device-ledger")
    assert duty.state == Duty.State.OPEN
    sites = worksite_change_open(contract=contract, **_m(side.contractor_admin))
    office = worksite_add(
        change=sites,
        kind="contractor_office",
        name="本社",
        address="東京都千代田区",
        storage_places=[{"name": "金庫", "protection": "safe", "description": ""}],
        **_m(side.contractor_admin),
    ).worksite
    sites = worksite_change_act(change=sites, action=A.SUBMIT, **_m(side.contractor_admin))
    if sites.needs_approval:
        worksite_change_act(change=sites, action=A.APPROVE, **_m(side.client_admin))
    device_register(
        contract=contract, asset_number="紙-1", kind="paper", worksite=office, **_m(side.contractor_admin)
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.on_time

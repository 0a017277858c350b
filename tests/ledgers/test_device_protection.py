"""Anti-virus patterns and updates kept current (001 §18(4)エ・オ): the daily sweep reports a PC
whose dates are older than allowed, which opens that device's duty; a new version with current
dates meets it; a device returned or disposed of owes nothing more. The sweep never reports the
same lapse twice and costs the same number of queries for any number of devices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import Duty
from core.models import Event
from ledgers.services.devices import device_update
from ledgers.services.protection import device_protection_sweep
from ledgers.tasks import sweep_device_protection
from tests.ledgers.test_device_services import TODAY, _m, _register, build_world

KEY = "18(4)d-device-protection-current"
OLD = TODAY - timedelta(days=45)


@pytest.fixture
def world(db):
    return build_world("001-")  # 練馬区: §18(4) asks the pattern files and patches kept current


def _duty(device):
    return Duty.objects.filter(
        contract=device.contract, obligation__key=KEY, subject=f"ledgers.device:{device.pk}"
    )


def test_a_stale_pc_opens_its_duty_once_and_a_current_version_meets_it(world):
    device = _register(world, antivirus_pattern_date=OLD).device
    fresh = _register(world, asset="PC-002").device
    assert device_protection_sweep() == [device.pk]
    assert list(_duty(device).values_list("state", "due_date")) == [(Duty.State.OPEN, TODAY)]
    assert not _duty(fresh).exists()
    # Run again (or by a second worker): the same lapse is not reported twice.
    assert device_protection_sweep() == []
    assert Event.objects.filter(kind="device.protection_stale").count() == 1
    device_update(
        device=device,
        antivirus_pattern_date=TODAY,
        note="パターンファイルを更新",
        **_m(world["side"].contractor_admin),
    )
    duty = _duty(device).get()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "device.protection_renewed"


def test_a_change_that_leaves_it_stale_does_not_meet_the_duty_and_is_not_reported_again(world):
    device = _register(world, antivirus_pattern_date=OLD).device
    device_protection_sweep()
    device_update(
        device=device, storage_place="書庫B", note="保管場所の変更", **_m(world["side"].contractor_admin)
    )
    assert _duty(device).get().state == Duty.State.OPEN
    assert not Event.objects.filter(kind="device.protection_renewed").exists()
    # The new version is still stale: reported again once, and the open duty covers it.
    assert device_protection_sweep() == [device.pk]
    assert _duty(device).count() == 1


def test_a_disposed_device_owes_nothing_more(world):
    device = _register(world, antivirus_pattern_date=OLD).device
    device_protection_sweep()
    device_update(
        device=device, status="disposed", note="物理破壊により廃棄", **_m(world["side"].contractor_admin)
    )
    duty = _duty(device).get()
    assert duty.state == Duty.State.WAIVED and "不要" in duty.waived_reason
    assert device_protection_sweep() == []


def test_the_sweep_costs_the_same_for_one_or_many_stale_devices(world):
    _register(world, asset="PC-A", antivirus_pattern_date=OLD)
    with CaptureQueriesContext(connection) as one:
        device_protection_sweep()
    for n in range(5):
        _register(world, asset=f"PC-B{n}", antivirus_pattern_date=OLD)
    with CaptureQueriesContext(connection) as many:
        device_protection_sweep()
    # The duty engine handles each event recorded (opening one duty per device): the sweep's own
    # reads do not grow with the devices.
    own = [q for q in many.captured_queries if "ledgers_deviceversion" in q["sql"]]
    assert len(own) == len([q for q in one.captured_queries if "ledgers_deviceversion" in q["sql"]]) == 1


def test_the_task_is_thin_and_counts_what_it_reported(world):
    _register(world, antivirus_pattern_date=OLD)
    assert sweep_device_protection() == 1

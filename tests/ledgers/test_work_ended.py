"""After the end of the contract's work (its end date passed, or ended early) the ledgers record
only its winding up: returns, erasures, destructions and bringing back what is out, and
corrections; new receipts, copies, moves, take-outs and devices are refused at their field."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from contracts.services import contract_end
from ledgers.selectors.information import item_state
from ledgers.services.devices import device_register, device_update
from ledgers.services.information import custody_correct, custody_record, information_receive
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests.ledgers.conftest import TODAY, m
from tests.ledgers.test_device_services import build_world

ENDED = "この契約の業務は"


@pytest.fixture
def world(db):
    return SimpleNamespace(**build_world("002-"))


def _receive(world, title="住民税課税台帳", days_ago=3):
    return information_receive(
        contract=world.contract,
        title=title,
        source="所沢市 市民税課",
        classification="personal",
        medium="paper",
        person=world.worker,
        counterpart="市民税課 山田",
        worksite=world.office,
        storage_place="書庫A",
        occurred_at=timezone.now() - timedelta(days=days_ago),
        **m(world.side.contractor_admin),
    ).item


def _record(world, item, kind, **values):
    values.setdefault("person", world.worker)
    values.setdefault("occurred_at", timezone.now())
    return custody_record(item=item, kind=kind, **values, **m(world.side.contractor_admin))


def _takeout(world, *, items=(), devices=(), out=None):
    return takeout_request_create(
        contract=world.contract,
        items=list(items),
        devices=list(devices),
        person=world.worker,
        purpose="市民税課での説明",
        destination="所沢市役所 会議室",
        planned_out_at=out or timezone.now() + timedelta(minutes=1),
        planned_return_at=(out or timezone.now()) + timedelta(hours=3),
        protection="施錠できるケースに入れて運ぶ",
        **m(world.side.contractor_admin),
    )


def _end(world) -> None:
    contract_end(contract=world.contract, ended_on=TODAY, **m(world.side.client_admin))
    world.contract.refresh_from_db()


def _refused_at(excinfo) -> dict[str, str]:
    return {field: messages[0] for field, messages in excinfo.value.message_dict.items()}


def test_after_an_early_end_only_returns_and_corrections_are_recorded(world):
    held, moved = _receive(world), _receive(world, title="課税資料（紙）")
    stored = _record(world, moved, "stored", worksite=world.office, storage_place="金庫B")
    _end(world)
    for kind, values in (
        ("copied", {"copies": 1}),
        ("stored", {"worksite": world.office, "storage_place": "金庫C", "person": None}),
        ("shipped", {"destination": "支社", "method": "書留", "tracking_number": "123"}),
    ):
        with pytest.raises(ValidationError) as excinfo:
            _record(world, held, kind, **values)
        assert ENDED in _refused_at(excinfo)["kind"], kind
    # A correction sets the record right; the return is what the clauses ask at the end.
    custody_correct(event=stored, reason="金庫への移動は誤記", **m(world.side.contractor_admin))
    _record(world, held, "returned", counterpart="市民税課 山田")
    _record(world, moved, "returned", counterpart="市民税課 山田")
    assert item_state(held).status == item_state(moved).status == "returned"


def test_what_is_out_at_the_end_is_brought_back_and_then_returned(world):
    item = _receive(world)
    manager = world.side.contractor_admin
    request = _takeout(world, items=[item])
    takeout_request_act(request=request, action="submit", **m(manager))
    request = takeout_request_act(request=request, action="approve", **m(world.side.client_staff))
    time.sleep(1)  # the take-out follows its approval
    _record(world, item, "taken_out", destination="所沢市役所 会議室", takeout=request)
    _end(world)
    _record(world, item, "brought_back")
    _record(world, item, "returned", counterpart="市民税課 山田")
    assert item_state(item).status == "returned"


def test_past_the_end_date_new_work_is_refused_at_its_field(world):
    item = _receive(world)
    usb = device_register(
        contract=world.contract,
        asset_number="USB-1",
        kind="usb_memory",
        worksite=world.office,
        holder=world.worker,
        effective_on=TODAY - timedelta(days=3),
        **m(world.side.contractor_admin),
    ).device
    # The end date passed while the contract is still active (not yet ended by the public body).
    Contract.objects.filter(pk=world.contract.pk).update(end_date=TODAY - timedelta(days=1))
    world.contract.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        _receive(world, days_ago=0)
    assert ENDED in _refused_at(excinfo)["occurred_at"]
    with pytest.raises(ValidationError) as excinfo:
        _takeout(world, items=[item])
    assert ENDED in _refused_at(excinfo)["planned_out_at"]
    with pytest.raises(ValidationError) as excinfo:
        device_register(
            contract=world.contract,
            asset_number="USB-2",
            kind="usb_memory",
            worksite=world.office,
            holder=world.worker,
            **m(world.side.contractor_admin),
        )
    assert ENDED in _refused_at(excinfo)["effective_on"]
    with pytest.raises(ValidationError) as excinfo:
        device_update(device=usb, storage_place="金庫B", note="移動", **m(world.side.contractor_admin))
    assert ENDED in _refused_at(excinfo)["status"]
    # Its return is what is owed: recorded.
    version = device_update(
        device=usb, status="returned", worksite=None, note="返還", **m(world.side.contractor_admin)
    )
    assert version.status == "returned"
    # The day before the end still takes the work done then (a late entry of what happened).
    _record(world, item, "used", occurred_at=timezone.now() - timedelta(days=2))


def test_the_form_says_at_the_kind_why_a_move_is_refused_after_the_end(client, world):
    item = _receive(world)
    _end(world)
    client.force_login(world.side.contractor_admin.user)
    now = timezone.localtime()
    response = client.post(
        reverse("ledgers:custody_record", args=[item.pk]),
        {
            "kind": "stored",
            "occurred_at": now.date().isoformat(),
            "occurred_time": now.strftime("%H:%M"),
            "worksite": world.office.pk,
            "storage_place": "金庫B",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert ENDED in errors["kind"][0] and "返還・消去・廃棄" in errors["kind"][0]
    assert item.custody_events.count() == 1


def test_past_the_end_date_only_a_disposal_is_applied_for(world):
    from tests.ledgers.applications import application

    item = _receive(world)
    Contract.objects.filter(pk=world.contract.pk).update(end_date=TODAY - timedelta(days=1))
    world.contract.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        application(world.side, world.contract, "copy", items=[item], submit=False)
    assert ENDED in _refused_at(excinfo)["planned_on"]
    disposal = application(world.side, world.contract, "disposal", items=[item], submit=False)
    assert disposal.approval_state == "draft"

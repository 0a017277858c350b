"""Take-out requests (持出し): approved in advance by the party the clauses name, then carried out
and brought back as custody events naming the request (000 §5.2, 001 §18(1)(2), 002 §12.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.models import Duty
from ledgers.services.takeouts import _notify, takeout_request_act, takeout_request_create
from tests.ledgers.test_device_services import _m, _register, build_world
from tests.ledgers.test_information_services import _receive, _record, approved_takeout


def _fields(world, **overrides):
    return {
        "person": world["worker"],
        "purpose": "説明会での使用",
        "destination": "市役所 会議室",
        "planned_out_at": timezone.now() + timedelta(hours=1),
        "planned_return_at": timezone.now() + timedelta(hours=4),
        "protection": "暗号化USBメモリに格納し施錠ケースで運搬",
        **overrides,
    }


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市 §12.1: the public body approves each take-out in advance


def test_the_public_body_approves_a_take_out_of_information_and_the_contractor_cannot(world):
    item = _receive(world).item
    manager, staff = world["side"].contractor_admin, world["side"].client_staff
    request = takeout_request_create(
        contract=world["contract"], items=[item], **_fields(world), **_m(manager)
    )
    assert (request.approver, request.number, request.approval_state) == ("client", 1, "draft")
    takeout_request_act(request=request, action="submit", **_m(manager))
    # No responsible staff member is named on the contract: its body's administrators decide.
    assert world["side"].client_admin.user in _notify(request, "submit")
    with pytest.raises(PermissionDenied):
        takeout_request_act(request=request, action="approve", **_m(manager))
    request = takeout_request_act(request=request, action="approve", **_m(staff))
    assert request.approval_state == "approved"


def test_a_request_says_what_goes_who_takes_it_and_comes_back_after_it_goes(world):
    item = _receive(world).item
    manager = world["side"].contractor_admin
    with pytest.raises(ValidationError) as exc:
        takeout_request_create(
            contract=world["contract"],
            items=[],
            **_fields(
                world,
                planned_out_at=timezone.now() - timedelta(days=1),
                planned_return_at=timezone.now() - timedelta(days=2),
                purpose="",
            ),
            **_m(manager),
        )
    assert {"items", "planned_out_at", "planned_return_at", "purpose"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        takeout_request_create(
            contract=world["contract"],
            items=[item],
            **_fields(world, person=world["newcomer"]),
            **_m(manager),
        )
    assert "person" in exc.value.message_dict  # not approved on the roster that day


def test_taking_out_needs_the_approved_request_and_uses_it_once(world):
    item = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "taken_out", destination="会議室")
    assert "takeout" in exc.value.message_dict
    manager = world["side"].contractor_admin
    pending = takeout_request_create(
        contract=world["contract"], items=[item], **_fields(world), **_m(manager)
    )
    takeout_request_act(request=pending, action="submit", **_m(manager))
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "taken_out", destination="会議室", takeout=pending)
    assert "takeout" in exc.value.message_dict  # submitted, not approved
    takeout = approved_takeout(world, item)
    _record(world, item, "taken_out", destination="会議室", takeout=takeout)
    _record(world, item, "brought_back")
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "taken_out", destination="会議室", takeout=takeout)
    assert "takeout" in exc.value.message_dict  # a new trip needs a new request


def test_under_001_media_alone_are_approved_inside_the_contractor_not_by_the_drafter(db):
    world = build_world("001-")
    device = _register(world, asset="USB-1", kind="usb_memory", antivirus_product="", patched_on=None).device
    staff, manager = world["side"].contractor_staff, world["side"].contractor_admin
    request = takeout_request_create(
        contract=world["contract"], devices=[device], **_fields(world), **_m(staff)
    )
    assert request.approver == "contractor"
    takeout_request_act(request=request, action="submit", **_m(staff))
    with pytest.raises(PermissionDenied):
        takeout_request_act(request=request, action="approve", **_m(world["side"].client_staff))
    takeout_request_act(request=request, action="approve", **_m(manager))


def test_under_001_each_approved_take_out_is_logged_until_its_return_is_confirmed(db):
    world = build_world("001-")
    item = _receive(world).item
    takeout = approved_takeout(world, item)
    subject = f"ledgers.takeoutrequest:{takeout.pk}"
    duty = Duty.objects.get(
        contract=world["contract"], obligation__key="18(2)-media-takeout-log", subject=subject
    )
    assert duty.state == Duty.State.OPEN
    _record(world, item, "taken_out", destination="会議室", takeout=takeout)
    _record(world, item, "brought_back")
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "takeout.brought_back"


def test_a_take_out_not_back_by_its_planned_return_opens_its_duty_and_tells_both_sides(world):
    from core.models import Event, Notification
    from ledgers.services.takeouts import takeout_overdue_sweep

    item = _receive(world).item
    takeout = approved_takeout(world, item)
    _record(world, item, "taken_out", destination="会議室", takeout=takeout)
    later = takeout.planned_return_at + timedelta(minutes=5)
    assert takeout_overdue_sweep(now=takeout.planned_return_at - timedelta(minutes=1)) == []
    assert takeout_overdue_sweep(now=later) == [takeout.pk]
    assert takeout_overdue_sweep(now=later) == []  # once per take-out
    assert Event.objects.filter(kind="takeout.overdue").count() == 1
    told = set(
        Notification.objects.filter(title__contains=f"#{takeout.number}").values_list("user", flat=True)
    )
    assert {world["side"].contractor_admin.user.pk, world["side"].client_admin.user.pk} <= told
    subject = f"ledgers.takeoutrequest:{takeout.pk}"
    duty = Duty.objects.get(
        contract=world["contract"], obligation__key="12.1-takeout-overdue", subject=subject
    )
    assert duty.state == Duty.State.OPEN
    _record(world, item, "brought_back")
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


def test_a_take_out_back_in_time_is_not_overdue(world):
    from ledgers.services.takeouts import takeout_overdue_sweep

    item = _receive(world).item
    takeout = approved_takeout(world, item)
    _record(world, item, "taken_out", destination="会議室", takeout=takeout)
    _record(world, item, "brought_back")
    assert takeout_overdue_sweep(now=takeout.planned_return_at + timedelta(hours=1)) == []


def _device_update(world, device, **values):
    from ledgers.services.devices import device_update

    return device_update(device=device, note="持出し", **values, **_m(world["side"].contractor_admin))


def test_a_device_goes_out_only_under_its_approved_request_and_comes_back_under_it(db):
    """001 §18(2): media alone are approved inside the contractor, each take-out logged until its
    return is confirmed — the device ledger's versions name the request, the return meets it."""
    world = build_world("001-")
    device = _register(world, asset="USB-2", kind="usb_memory", antivirus_product="", patched_on=None).device
    staff, manager = world["side"].contractor_staff, world["side"].contractor_admin
    with pytest.raises(ValidationError) as exc:
        _device_update(world, device, status="taken_out")
    assert "takeout" in exc.value.message_dict
    request = takeout_request_create(
        contract=world["contract"], devices=[device], **_fields(world), **_m(staff)
    )
    request = takeout_request_act(request=request, action="submit", **_m(staff))
    with pytest.raises(ValidationError) as exc:
        _device_update(world, device, status="taken_out", takeout=request)
    assert exc.value.message_dict["takeout"] == ["選んだ申請は承認されていません。"]
    request = takeout_request_act(request=request, action="approve", **_m(manager))
    duty = Duty.objects.get(
        contract=world["contract"],
        obligation__key="18(2)-media-takeout-log",
        subject=f"ledgers.takeoutrequest:{request.pk}",
    )
    out = _device_update(world, device, status="taken_out", takeout=request)
    assert out.takeout == request
    back = _device_update(world, device, status="in_use")
    assert back.takeout == request  # the return names the take-out it ends
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "takeout.brought_back"
    with pytest.raises(ValidationError) as exc:
        _device_update(world, device, status="taken_out", takeout=request)
    assert "takeout" in exc.value.message_dict  # a new trip needs a new request


def test_a_device_not_back_by_the_planned_return_is_overdue(world):
    from ledgers.services.takeouts import takeout_overdue_sweep

    device = _register(world, asset="USB-3", kind="usb_memory", antivirus_product="", patched_on=None).device
    manager, approver = world["side"].contractor_admin, world["side"].client_staff
    request = takeout_request_create(
        contract=world["contract"], devices=[device], **_fields(world), **_m(manager)
    )
    takeout_request_act(request=request, action="submit", **_m(manager))
    request = takeout_request_act(request=request, action="approve", **_m(approver))
    _device_update(world, device, status="taken_out", takeout=request)
    assert takeout_overdue_sweep(now=request.planned_return_at + timedelta(minutes=5)) == [request.pk]
    duty = Duty.objects.get(
        contract=world["contract"],
        obligation__key="12.1-takeout-overdue",
        subject=f"ledgers.takeoutrequest:{request.pk}",
    )
    _device_update(world, device, status="in_use")
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


def test_a_device_is_not_registered_as_taken_out_where_take_outs_need_approval(world):
    with pytest.raises(ValidationError) as exc:
        _register(
            world, asset="USB-4", kind="usb_memory", antivirus_product="", patched_on=None, status="taken_out"
        )
    assert "status" in exc.value.message_dict


def test_the_request_page_records_the_device_take_out_and_its_return(client, db):
    from django.urls import reverse

    world = build_world("001-")
    device = _register(world, asset="USB-5", kind="usb_memory", antivirus_product="", patched_on=None).device
    staff, manager = world["side"].contractor_staff, world["side"].contractor_admin
    request = takeout_request_create(
        contract=world["contract"], devices=[device], **_fields(world), **_m(staff)
    )
    takeout_request_act(request=request, action="submit", **_m(staff))
    takeout_request_act(request=request, action="approve", **_m(manager))
    client.force_login(manager.user)
    detail = reverse("ledgers:takeout_detail", args=[request.pk])
    change = reverse("ledgers:device_update", args=[device.pk])
    page = client.get(detail).content.decode()
    assert f"{change}?status=taken_out&amp;takeout={request.pk}" in page
    form = client.get(f"{change}?status=taken_out&takeout={request.pk}").context["form"]
    assert form["status"].value() == "taken_out" and form["takeout"].value() == request.pk
    assert list(form.fields["takeout"].queryset) == [request]
    data = {
        "kind": "usb_memory",
        "owner": "company",
        "holder": world["worker"].pk,
        "worksite": world["office"].pk,
        "storage_place": "書庫A",
        "status": "taken_out",
        "takeout": request.pk,
        "effective_on": timezone.localdate().isoformat(),
        "note": "説明会へ持出し",
    }
    assert client.post(change, data).status_code == 302
    page = client.get(detail).content.decode()
    assert f"{change}?status=in_use" in page and "持出し中" in page
    data.pop("takeout")
    assert client.post(change, {**data, "status": "in_use", "note": "返却"}).status_code == 302
    assert list(device.versions.order_by("number").values_list("status", "takeout")) == [
        ("in_use", None),
        ("taken_out", request.pk),
        ("in_use", request.pk),
    ]
    assert "この申請のもとで機器台帳に記録された内容" in client.get(detail).content.decode()

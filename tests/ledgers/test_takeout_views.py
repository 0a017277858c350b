"""The take-out requests' pages (持出し申請, 000 §5.2, 001 §18, 002 §12.1): drafted and submitted by
the contractor, waiting on the public body's home page and approved on its page (the contractor
offered no decision and refused one); under 001 a request of media alone decided by the
contractor's manager, never by its drafter; the custody form offering only approved requests
not yet used; drafts and other bodies' requests 404; a list whose queries do not grow."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.approvables import pending_for
from ledgers.forms.information import JST
from ledgers.models import TakeoutRequest
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests.ledgers.conftest import build_ledger, m
from tests.ledgers.test_device_services import _register, build_world
from tests.ledgers.test_information_views import _receive, _record, approved_takeout

DESTINATION = "所沢市役所 会議室"


@pytest.fixture
def ledger(db):
    """所沢市's contract (002 §12.1: the public body approves each take-out of information)."""
    return SimpleNamespace(**build_world("002-"))


def _moment(hours: float) -> str:
    return (timezone.now() + timedelta(hours=hours)).astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def _form_data(ledger, item=None, **overrides) -> dict:
    return {
        "items": [item.pk] if item else [],
        "person": ledger.worker.pk,
        "purpose": "市民税課での説明",
        "destination": DESTINATION,
        "planned_out_at": _moment(1),
        "planned_return_at": _moment(4),
        "protection": "施錠できるケースに入れて運ぶ",
        **overrides,
    }


def _draft(ledger, item=None, devices=(), membership=None) -> TakeoutRequest:
    return takeout_request_create(
        contract=ledger.contract,
        items=[item] if item else [],
        devices=devices,
        person=ledger.worker,
        purpose="市民税課での説明",
        destination=DESTINATION,
        planned_out_at=timezone.now() + timedelta(hours=1),
        planned_return_at=timezone.now() + timedelta(hours=4),
        protection="施錠できるケースに入れて運ぶ",
        **m(membership or ledger.side.contractor_admin),
    )


def _submitted(ledger, item=None, **kwargs) -> TakeoutRequest:
    request = _draft(ledger, item, **kwargs)
    membership = kwargs.get("membership") or ledger.side.contractor_admin
    return takeout_request_act(request=request, action="submit", **m(membership))


def _act(client, takeout, action, reason=""):
    return client.post(
        reverse("ledgers:takeout_act", args=[takeout.pk]), {"action": action, "reason": reason}
    )


def test_the_contractor_requests_and_the_public_body_approves_from_its_home_page(client, ledger):
    item = _receive(ledger)
    manager, staff = ledger.side.contractor_admin, ledger.side.client_staff
    client.force_login(manager.user)
    # From the item's page: the request is offered beside the take-out, with the item ticked.
    detail = client.get(reverse("ledgers:information_detail", args=[item.pk])).content.decode()
    create = reverse("ledgers:takeout_create", args=[ledger.contract.pk])
    assert f"{create}?item={item.pk}" in detail and "持出しを申請" in detail
    page = client.get(create, {"item": item.pk})
    assert page.context["form"]["items"].value() == [item.pk]
    html = page.content.decode()
    for label in ("持出し者", "目的", "持出し先", "持出し予定日時", "返却予定日時", "保護の方法"):
        assert label in html, label
    assert 'type="datetime-local"' in html
    response = client.post(create, _form_data(ledger, item))
    takeout = TakeoutRequest.objects.get()
    url = reverse("ledgers:takeout_detail", args=[takeout.pk])
    assert response.status_code == 302 and response.url == url
    assert (takeout.approver, takeout.approval_state, list(takeout.items.all())) == (
        "client",
        "draft",
        [item],
    )
    # Typed in Japan's time: an hour from now, to the minute.
    assert abs(takeout.planned_out_at - (timezone.now() + timedelta(hours=1))) < timedelta(minutes=2)
    page = client.get(url).content.decode()
    assert (
        "申請する" in page
        and "承認する" not in page
        and reverse("ledgers:takeout_update", args=[takeout.pk]) in page
    )
    assert _act(client, takeout, "submit").status_code == 302
    takeout.refresh_from_db()
    assert takeout.approval_state == "submitted"
    # The contractor is offered no decision, and one posted is 404.
    page = client.get(url).content.decode()
    assert "承認する" not in page and "差し戻す" not in page
    assert _act(client, takeout, "approve").status_code == 404
    # The public body's staff finds it on the home page's list of what waits for approval.
    client.force_login(staff.user)
    home = client.get(reverse("core:home")).content.decode()
    assert url in home and "持出し申請 #1" in home
    page = client.get(url).content.decode()
    assert "承認する" in page and "差し戻す" in page and "却下する" in page and item.title in page
    # A return needs its reason, said at the field.
    response = _act(client, takeout, "return")
    assert response.status_code == 200 and "reason" in response.context["decision_form"].errors
    assert _act(client, takeout, "approve").status_code == 302
    takeout.refresh_from_db()
    assert takeout.approval_state == "approved" and takeout.decided_by == staff.user
    page = client.get(url).content.decode()
    assert "持出し申請 #1を承認しました。" in page
    history = [e.kind for e in client.get(url).context["history"]]
    assert history == ["takeout.drafted", "takeout.submitted", "takeout.approved"]
    assert url not in client.get(reverse("core:home")).content.decode()


def test_a_returned_request_is_corrected_and_submitted_again(client, ledger):
    item = _receive(ledger)
    takeout = _submitted(ledger, item)
    client.force_login(ledger.side.client_staff.user)
    assert _act(client, takeout, "return", "返却予定が遅すぎます").status_code == 302
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:takeout_detail", args=[takeout.pk])
    page = client.get(url).content.decode()
    assert "返却予定が遅すぎます" in page and "差戻し" in page
    edit = reverse("ledgers:takeout_update", args=[takeout.pk])
    assert client.get(edit).context["form"]["destination"].value() == DESTINATION
    response = client.post(edit, _form_data(ledger, item, destination="所沢市役所 第二会議室"))
    assert response.status_code == 302 and response.url == url
    takeout.refresh_from_db()
    assert takeout.destination == "所沢市役所 第二会議室"
    _act(client, takeout, "submit")
    # Submitted: not changed any more until withdrawn.
    response = client.get(edit)
    assert response.status_code == 302 and response.url == url


def test_the_services_refusals_come_back_at_their_fields(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.contractor_admin.user)
    create = reverse("ledgers:takeout_create", args=[ledger.contract.pk])
    response = client.post(
        create,
        _form_data(ledger, None, planned_out_at=_moment(-48), planned_return_at=_moment(-50)),
    )
    assert response.status_code == 200
    assert {"items", "planned_out_at", "planned_return_at"} <= set(response.context["form"].errors)
    response = client.post(create, _form_data(ledger, item, person=ledger.newcomer.pk))
    assert "person" in response.context["form"].errors
    assert not TakeoutRequest.objects.exists()


def test_under_001_media_alone_are_decided_by_the_contractors_manager_not_the_drafter(client, db):
    world = SimpleNamespace(**build_world("001-"))
    device = _register(
        vars(world), asset="USB-1", kind="usb_memory", antivirus_product="", patched_on=None
    ).device
    staff, manager = world.side.contractor_staff, world.side.contractor_admin
    client.force_login(staff.user)
    create = reverse("ledgers:takeout_create", args=[world.contract.pk])
    assert "USB-1" in client.get(create).content.decode()
    response = client.post(create, {**_form_data(world), "devices": [device.pk]})
    takeout = TakeoutRequest.objects.get()
    assert response.status_code == 302 and takeout.approver == "contractor"
    _act(client, takeout, "submit")
    url = reverse("ledgers:takeout_detail", args=[takeout.pk])
    assert "承認する" not in client.get(url).content.decode()  # the drafter does not decide
    assert _act(client, takeout, "approve").status_code == 404
    # The public body neither decides nor finds it waiting.
    assert takeout not in [
        row["object"] for row in pending_for(world.side.client_staff.user, world.side.client_staff)
    ]
    client.force_login(world.side.client_staff.user)
    assert _act(client, takeout, "approve").status_code == 404
    # The contractor's manager does, and finds it among what waits for a decision.
    assert [row["object"] for row in pending_for(manager.user, manager)] == [takeout]
    assert pending_for(staff.user, staff) == []
    client.force_login(manager.user)
    # … on its home page too, in the list of what waits for its decision.
    home = client.get(reverse("core:home")).content.decode()
    assert "承認待ち" in home and url in home
    assert "承認する" in client.get(url).content.decode()
    assert _act(client, takeout, "approve").status_code == 302
    # Nothing else waits for it: the home page's list is gone.
    assert "承認待ち" not in client.get(reverse("core:home")).content.decode()
    takeout.refresh_from_db()
    assert takeout.approval_state == "approved" and takeout.decided_by == manager.user


def test_a_manager_does_not_decide_a_media_request_of_its_own(db):
    world = SimpleNamespace(**build_world("001-"))
    device = _register(
        vars(world), asset="USB-2", kind="usb_memory", antivirus_product="", patched_on=None
    ).device
    manager = world.side.contractor_admin
    _submitted(world, devices=[device])
    assert pending_for(manager.user, manager) == []


def test_the_record_form_offers_only_approved_requests_not_yet_used(client, ledger):
    item = _receive(ledger)
    _draft(ledger, item)
    _submitted(ledger, item)
    used = approved_takeout(ledger, item)
    _record(ledger, item, "taken_out", destination=DESTINATION, takeout=used, occurred_at=timezone.now())
    _record(ledger, item, "brought_back", occurred_at=timezone.now())
    unused = approved_takeout(ledger, item)
    other = _receive(ledger, "委託先名簿")
    approved_takeout(ledger, other)  # approved, but for another item
    client.force_login(ledger.side.contractor_admin.user)
    record = reverse("ledgers:custody_record", args=[item.pk])
    form = client.get(record, {"kind": "taken_out"}).context["form"]
    assert list(form.fields["takeout"].queryset) == [unused]
    # Left empty where the clauses ask it: said at the field, before the service is asked.
    response = client.post(
        record,
        {
            "kind": "taken_out",
            "occurred_at": timezone.localdate().isoformat(),
            "occurred_time": timezone.localtime().strftime("%H:%M"),
            "person": ledger.worker.pk,
            "destination": DESTINATION,
        },
    )
    assert list(response.context["form"].errors) == ["takeout"]
    assert "承認された持出し申請" in response.context["form"].errors["takeout"][0]


def test_a_draft_is_404_for_the_public_body_and_left_off_its_list(client, ledger):
    item = _receive(ledger)
    draft = _draft(ledger, item)
    submitted = _submitted(ledger, _receive(ledger, "委託先名簿"))
    listing = reverse("ledgers:takeout_list", args=[ledger.contract.pk])
    for membership in (ledger.side.client_staff, ledger.side.client_admin, ledger.side.auditor):
        client.force_login(membership.user)
        assert client.get(reverse("ledgers:takeout_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("ledgers:takeout_detail", args=[submitted.pk])).status_code == 200
        assert [t.pk for t in client.get(listing).context["page"]] == [submitted.pk]
        assert client.get(reverse("ledgers:takeout_create", args=[ledger.contract.pk])).status_code == 404
        assert client.get(reverse("ledgers:takeout_update", args=[submitted.pk])).status_code == 404
    client.force_login(ledger.side.contractor_staff.user)
    assert [t.pk for t in client.get(listing).context["page"]] == [submitted.pk, draft.pk]


def test_another_public_bodys_people_get_404_on_every_page(client, ledger):
    item = _receive(ledger)
    takeout = _submitted(ledger, item)
    other = build_ledger("to", "他")
    urls = [
        reverse("ledgers:takeout_list", args=[ledger.contract.pk]),
        reverse("ledgers:takeout_create", args=[ledger.contract.pk]),
        reverse("ledgers:takeout_detail", args=[takeout.pk]),
        reverse("ledgers:takeout_update", args=[takeout.pk]),
    ]
    for membership in (other.side.client_staff, other.side.client_admin, other.side.contractor_admin):
        client.force_login(membership.user)
        for url in urls:
            assert client.get(url).status_code == 404, (membership.role, url)
        for action in ("approve", "withdraw"):
            assert _act(client, takeout, action).status_code == 404, (membership.role, action)
    takeout.refresh_from_db()
    assert takeout.approval_state == "submitted"


def test_the_information_ledger_links_to_the_take_out_requests(client, ledger):
    client.force_login(ledger.side.client_staff.user)
    page = client.get(reverse("ledgers:information_list", args=[ledger.contract.pk])).content.decode()
    assert f'href="{reverse("ledgers:takeout_list", args=[ledger.contract.pk])}"' in page


@pytest.mark.parametrize("membership", ["contractor_admin", "client_staff"])
def test_the_list_page_queries_do_not_grow_with_its_rows(client, ledger, membership):
    device = _register(
        vars(ledger), asset="USB-1", kind="usb_memory", antivirus_product="", patched_on=None
    ).device
    client.force_login(getattr(ledger.side, membership).user)
    url = reverse("ledgers:takeout_list", args=[ledger.contract.pk])

    def count() -> int:
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(3):
        _submitted(ledger, _receive(ledger, f"情報{n}"), devices=[device])
    three = count()
    for n in range(3, 8):
        _submitted(ledger, _receive(ledger, f"情報{n}"), devices=[device])
    page = client.get(url)
    assert len(page.context["page"].object_list) == 8 and "USB-1" in page.content.decode()
    assert count() == three

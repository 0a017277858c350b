"""The information ledger's writes (000 §5.6(4), 002 §10(3)): an item received, its custody
recorded event by event, the state derived from them, contradictions refused with the reason,
corrections that void and never edit, and the database refusing any edit or removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import InternalError
from django.utils import timezone

from core.models import Event
from ledgers.models import CustodyEvent, InformationItem
from ledgers.selectors.information import Status, item_history, item_state
from ledgers.services.information import custody_correct, custody_record, information_receive
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, build_world

NOW = timezone.now()


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市: approval before work, copies only with consent (§13)


def _receive(world, **overrides):
    values = {
        "title": "住民税課税台帳（抽出データ）",
        "source": "所沢市 市民税課 山田課長",
        "record_count": 1200,
        "classification": "personal",
        "medium": "paper",
        "person": world["worker"],
        "counterpart": "市民税課 山田",
        "worksite": world["office"],
        "storage_place": "書庫A",
        "occurred_at": NOW - timedelta(days=2),
        **overrides,
    }
    return information_receive(contract=world["contract"], **values, **_m(world["side"].contractor_admin))


def approved_takeout(world, item, **values):
    """A take-out request for `item`, submitted by the contractor and approved by the public body."""
    fields = {
        "person": world["worker"],
        "purpose": "市民税課での説明",
        "destination": "所沢市役所 会議室",
        "planned_out_at": timezone.now() + timedelta(minutes=1),
        "planned_return_at": timezone.now() + timedelta(hours=3),
        "protection": "施錠できるケースに入れて運ぶ",
        **values,
    }
    manager, approver = world["side"].contractor_admin, world["side"].client_staff
    request = takeout_request_create(contract=world["contract"], items=[item], **fields, **_m(manager))
    takeout_request_act(request=request, action="submit", **_m(manager))
    return takeout_request_act(request=request, action="approve", **_m(approver))


def _record(world, item, kind, **values):
    values.setdefault("person", world["worker"])
    return custody_record(item=item, kind=kind, **values, **_m(world["side"].contractor_admin))


def test_receiving_enters_the_item_with_its_first_event_and_who_may_use_it(world):
    event = _receive(world)
    item = event.item
    assert (item.number, event.sequence, event.kind) == (1, 1, "received")
    state = item_state(item)
    assert state.status == Status.HELD and state.users == {world["worker"].pk} and state.copies == 0
    audit = Event.objects.get(kind="information.received")
    assert audit.data["subject"] == f"ledgers.informationitem:{item.pk}"
    assert _receive(world).item.number == 2


def test_a_person_not_yet_approved_cannot_be_named_and_the_refusal_says_why(world):
    with pytest.raises(ValidationError) as exc:
        _receive(world, users=[world["worker"], world["newcomer"]])
    assert (
        "事前承認" in exc.value.message_dict["users"][0] or "approved" in exc.value.message_dict["users"][0]
    )
    assert not InformationItem.objects.exists()


def test_the_state_follows_take_out_and_return_and_contradictions_are_refused(world):
    item = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "brought_back")
    assert "kind" in exc.value.message_dict  # not taken out
    takeout = approved_takeout(world, item)
    out = _record(world, item, "taken_out", destination="所沢市役所 会議室", takeout=takeout)
    assert item_state(item).status == Status.TAKEN_OUT and out.takeout == takeout
    with pytest.raises(ValidationError):
        _record(world, item, "returned", counterpart="市民税課 山田")  # not at the site
    back = _record(world, item, "brought_back")
    state = item_state(item)
    assert state.status == Status.HELD and state.destination == "" and back.takeout == takeout
    # As of a moment between the two, the derived state is that of then.
    between = out.occurred_at + (back.occurred_at - out.occurred_at) / 2
    assert item_state(item, until=between).status == Status.TAKEN_OUT


def test_copies_need_the_consent_these_clauses_ask_and_must_be_gone_before_the_return(world):
    item = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "copied", copies=2)
    assert "request" in exc.value.message_dict
    # A typed consent no longer stands in for the public body's recorded approval.
    with pytest.raises(ValidationError):
        _record(world, item, "copied", copies=2, consent="市民税課長 令和8年12月1日 承諾")
    consent = application(world["side"], world["contract"], "copy", items=[item], copies=2)
    _record(world, item, "copied", copies=2, request=consent)
    assert item_state(item).copies == 2
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "returned", counterpart="市民税課 山田")
    assert "2" in exc.value.message_dict["kind"][0]
    # Working copies shredded after use are not the item's disposal: no application needed.
    _record(world, item, "destroyed", copies=2, method="シュレッダー（クロスカット）")
    _record(world, item, "returned", counterpart="市民税課 山田")
    assert item_state(item).status == Status.RETURNED
    with pytest.raises(ValidationError):
        _record(world, item, "used")  # nothing more after the return


def test_shipping_asks_encryption_of_data_and_a_tracking_number_for_important_paper(world):
    paper = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, paper, "shipped", destination="再委託先 本社", method="簡易書留")
    assert "tracking_number" in exc.value.message_dict
    data = _receive(world, medium="electronic").item
    with pytest.raises(ValidationError) as exc:
        _record(world, data, "shipped", destination="再委託先 本社", method="ファイル送信")
    assert "encrypted" in exc.value.message_dict
    _record(
        world,
        paper,
        "shipped",
        destination="再委託先 本社",
        method="簡易書留",
        tracking_number="1234-5678-9012",
    )
    assert item_state(paper).status == Status.SHIPPED


def test_a_correction_voids_the_wrong_entry_and_keeps_it_in_the_history(world):
    item = _receive(world).item
    wrong = _record(world, item, "taken_out", destination="誤記録", takeout=approved_takeout(world, item))
    correction = custody_correct(
        event=wrong, reason="別の台帳番号の持出しを誤って記録した", **_m(world["side"].contractor_admin)
    )
    assert correction.corrects == wrong and item_state(item).status == Status.HELD
    assert [e.kind for e in item_history(item)] == ["received", "taken_out", "correction"]
    with pytest.raises(ValidationError):
        custody_correct(event=wrong, reason="二重", **_m(world["side"].contractor_admin))


def test_a_correction_that_would_break_a_later_entry_is_refused(world):
    item = _receive(world).item
    out = _record(world, item, "taken_out", destination="会議室", takeout=approved_takeout(world, item))
    _record(world, item, "brought_back")
    with pytest.raises(ValidationError) as exc:
        custody_correct(event=out, reason="誤り", **_m(world["side"].contractor_admin))
    assert "#3" in str(exc.value)


def test_the_public_body_reads_but_does_not_record(world):
    item = _receive(world).item
    with pytest.raises(PermissionDenied):
        custody_record(item=item, kind="used", person=world["worker"], **_m(world["side"].client_staff))


def test_nobody_can_edit_or_delete_an_entry_not_even_through_raw_sql(world):
    event = _receive(world)
    for attempt in (
        lambda: CustodyEvent.objects.filter(pk=event.pk).update(kind="destroyed"),
        lambda: CustodyEvent.objects.filter(pk=event.pk).delete(),  # the ORM's PROTECT, or the trigger
        lambda: InformationItem.objects.filter(pk=event.item_id).update(record_count=1),
    ):
        with pytest.raises((InternalError, ProtectedError)), transaction.atomic():
            attempt()
    for sql in (
        "DELETE FROM ledgers_custodyuser",
        "DELETE FROM ledgers_custodyevent",
        "UPDATE ledgers_custodyevent SET note = 'x'",
    ):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    event.refresh_from_db()
    assert event.kind == "received" and item_state(event.item).users == {world["worker"].pk}

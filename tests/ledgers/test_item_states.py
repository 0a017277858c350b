"""The information ledger's projection (ledgers.models.states): each item's row is what the
replay of its events says, kept so by the custody services in the event's transaction (a
correction included), and rebuilt from the events by the repair command; the destination it
copies is encrypted under the item's key, as the event's is."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledgers.models import InformationItemState
from ledgers.selectors.information import Status, item_state
from ledgers.services.information import custody_correct
from ledgers.services.states import FIELDS, state_row
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, build_world
from tests.ledgers.test_information_services import _receive, _record, approved_takeout


@pytest.fixture
def world(db):
    return build_world("002-")  # take-outs and copies under the public body's approval


def _stored(item) -> dict:
    row = InformationItemState.objects.get(item=item)
    return {name: getattr(row, f"{name}_id" if name in ("worksite", "holder") else name) for name in FIELDS}


def _replayed(item) -> dict:
    row = state_row(item.pk, item_state(item))
    return {name: getattr(row, f"{name}_id" if name in ("worksite", "holder") else name) for name in FIELDS}


def test_the_projection_equals_the_replay_after_each_event_and_a_correction(world):
    item = _receive(world).item
    assert _stored(item) == _replayed(item) and _stored(item)["status"] == Status.HELD
    steps = [
        lambda: _record(world, item, "stored", worksite=world["office"], storage_place="金庫B"),
        lambda: _record(world, item, "users_changed", users=[world["worker"]]),
        lambda: _record(
            world, item, "taken_out", destination="会議室", takeout=approved_takeout(world, item)
        ),
        lambda: _record(world, item, "brought_back"),
    ]
    for n, step in enumerate(steps):
        step()
        assert _stored(item) == _replayed(item)
        if n == 2:  # taken out: the row reads the destination, the column holds only ciphertext
            assert _stored(item)["destination"] == "会議室"
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT destination FROM ledgers_informationitemstate WHERE item_id = %s", [item.pk]
                )
                assert cursor.fetchone()[0].startswith("enc1:")
    consent = application(world["side"], world["contract"], "copy", items=[item], copies=2)
    copy = _record(world, item, "copied", copies=2, request=consent, occurred_at=timezone.now())
    assert _stored(item)["copies"] == 2 and _stored(item)["last_sequence"] == copy.sequence
    custody_correct(
        event=copy, reason="別の台帳番号の複製を誤って記録した", **_m(world["side"].contractor_admin)
    )
    # The voided copy no longer counts: the row goes back to the state before it.
    assert _stored(item) == _replayed(item)
    assert (_stored(item)["copies"], _stored(item)["status"], _stored(item)["storage_place"]) == (
        0,
        Status.HELD,
        "金庫B",
    )


def test_the_command_and_the_migration_rebuild_the_rows_from_the_events(world):
    item = _receive(world).item
    other = _receive(world, title="委託先名簿", occurred_at=timezone.now() - timedelta(hours=1)).item
    InformationItemState.objects.filter(item=item).update(status=Status.DESTROYED, copies=9)
    InformationItemState.objects.filter(item=other).delete()
    out = StringIO()
    call_command("ledgers_rebuild_states", contract=world["contract"].pk, stdout=out)
    assert "2" in out.getvalue()
    assert _stored(item) == _replayed(item) and _stored(other) == _replayed(other)
    # (The migration's first filling, 0013, replayed the same way over its historical models: the
    # rows had no data key before 0014, so it cannot run over today's models any more.)

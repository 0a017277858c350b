"""003 §12: the information passes between the public body's designated staff and 受注者の
管理責任者 — the ledger records a receipt, a return or a shipment only by the responsible
person on that day's roster, and the standing duty's condition reads the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clauses import api as clauses_api
from ledgers.selectors.information import handlers_missing
from ledgers.services.information import information_receive
from tests.ledgers.test_device_services import _m, build_world

NOW = timezone.now()


def _receive(world, person):
    return information_receive(
        contract=world["contract"],
        title="市民課 住民記録（抽出）",
        source="川崎市 市民課",
        record_count=300,
        classification="personal",
        medium="paper",
        person=person,
        users=[world["worker"]],
        counterpart="市民課 指定職員",
        worksite=world["office"],
        storage_place="書庫A",
        occurred_at=NOW - timedelta(days=1),
        **_m(world["side"].contractor_admin),
    )


@pytest.fixture
def kawasaki(db):
    return build_world("003-")


def test_only_the_responsible_person_receives_under_003(kawasaki):
    rule = clauses_api.handler_rule(kawasaki["contract"])
    assert rule is not None and rule.roles == {"responsible"} and rule.clauses == ("12",)
    with pytest.raises(ValidationError) as refused:
        _receive(kawasaki, kawasaki["worker"])
    message = refused.value.message_dict["person"][0]
    assert "§12" in message and "佐藤 花子" in message
    received = _receive(kawasaki, kawasaki["responsible"])
    assert received.person == kawasaki["responsible"]
    assert handlers_missing(kawasaki["contract"], ["responsible"]) == []


def test_other_clauses_let_any_approved_person_receive(db):
    tokorozawa = build_world("002-")
    assert clauses_api.handler_rule(tokorozawa["contract"]) is None
    assert _receive(tokorozawa, tokorozawa["worker"]).person == tokorozawa["worker"]


def test_the_condition_counts_handovers_by_someone_outside_the_role(kawasaki):
    _receive(kawasaki, kawasaki["responsible"])
    # Asked of another role, the receipt by the responsible person is one entry outside it.
    assert handlers_missing(kawasaki["contract"], ["security_officer"]) == [
        "情報台帳の1件の記録に、受渡しを担うと条項が定める役割以外の人が記録されています。"
    ]
    assert handlers_missing(kawasaki["contract"], ["responsible"]) == []

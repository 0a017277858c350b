"""The incident services: the first report by any tier (also after the contract ended), the
timeline's allowed transitions and refusals at the field, who may act, and the database keeping
the record append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from contracts.models import Contract
from contracts.services import contract_end
from core.models import Event
from incidents.models import EntryKind, Incident, IncidentEntry
from incidents.selectors.incidents import (
    Status,
    incident_visible_to,
    incidents_visible_to,
    state_of,
    with_state,
)
from incidents.services import incidents as services
from tests.incidents.conftest import SUMMARY, m, report


def _state(incident) -> str:
    return state_of(with_state(Incident.objects.filter(pk=incident.pk)).get())


def _fresh(incident):
    return Incident.objects.select_related("contract").get(pk=incident.pk)


def test_a_sub_subcontractor_reports_and_the_event_carries_no_summary(side, subs, contract, chain):
    incident = report(subs.staff["y"], contract, suspected=True, category="leak")
    assert (incident.number, incident.organisation_id, incident.suspected) == (1, subs.orgs["y"].pk, True)
    assert [e.kind for e in incident.entries.all()] == [EntryKind.FIRST_REPORT]
    event = Event.objects.get(kind="incident.reported")
    assert event.object_id == str(incident.pk) and event.contract_id == contract.pk
    assert event.data["category"] == "leak" and event.data["suspected"] is True
    assert SUMMARY not in str(event.data)
    # The summary is encrypted under the contract's key in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM incidents_incident WHERE id = %s", [incident.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert report(side.contractor_staff, contract).number == 2


def test_the_timeline_follows_its_transitions(side, subs, contract, chain):
    incident = report(subs.admins["y"], contract)
    staff = side.client_staff
    with pytest.raises(ValidationError) as caught:
        services.incident_instruct(incident=_fresh(incident), text="原因を調査せよ", **m(staff))
    assert "受領" in caught.value.message_dict["text"][0]
    with pytest.raises(ValidationError):
        services.incident_close(incident=_fresh(incident), **m(staff))
    services.incident_acknowledge(incident=_fresh(incident), **m(staff))
    assert _state(incident) == Status.ACKNOWLEDGED
    with pytest.raises(ValidationError) as caught:
        services.incident_acknowledge(incident=_fresh(incident), **m(side.client_admin))
    assert "既に" in caught.value.messages[0]
    instruction = services.incident_instruct(incident=_fresh(incident), text="影響範囲を報告せよ", **m(staff))
    assert _state(incident) == Status.INSTRUCTED
    with pytest.raises(ValidationError) as caught:
        services.incident_close(incident=_fresh(incident), **m(staff))
    assert "指示" in caught.value.message_dict["text"][0]
    # The tier above answers too (the contractor answers for its subcontractors).
    services.incident_update(
        incident=_fresh(incident), kind=EntryKind.CAUSE_ANALYSIS, text="施錠忘れ", **m(subs.admins["x"])
    )
    services.incident_instruction_acknowledge(
        instruction=instruction, text="了解しました", **m(subs.staff["y"])
    )
    with pytest.raises(ValidationError):
        services.incident_instruction_acknowledge(instruction=instruction, **m(subs.staff["y"]))
    assert _state(incident) == Status.ACKNOWLEDGED
    services.incident_close(incident=_fresh(incident), text="再発防止策の実施を確認", **m(staff))
    assert _state(incident) == Status.CLOSED
    with pytest.raises(ValidationError) as caught:
        services.incident_update(incident=_fresh(incident), text="追記", **m(subs.admins["y"]))
    assert "終結" in caught.value.message_dict["text"][0]
    kinds = list(
        IncidentEntry.objects.filter(incident=incident).order_by("sequence").values_list("kind", flat=True)
    )
    assert kinds == [
        "first_report",
        "acknowledgement",
        "instruction",
        "cause_analysis",
        "instruction_ack",
        "closure",
    ]
    recorded = list(
        Event.objects.filter(kind__startswith="incident.").order_by("pk").values_list("kind", flat=True)
    )
    assert recorded == [
        "incident.reported",
        "incident.acknowledged",
        "incident.instructions_given",
        "incident.updated",
        "incident.instruction_acknowledged",
        "incident.closed",
    ]


def test_who_may_act(side, subs, contract, chain, sibling_admin):
    incident = report(subs.admins["y"], contract)
    for membership in (side.auditor, side.contractor_admin, subs.admins["y"]):
        with pytest.raises(PermissionDenied):
            services.incident_acknowledge(incident=_fresh(incident), **m(membership))
    for membership in (sibling_admin, side.client_staff, side.auditor):
        with pytest.raises(PermissionDenied):
            services.incident_update(incident=_fresh(incident), text="追記", **m(membership))
    with pytest.raises(PermissionDenied):  # the public body does not report for the contractor
        report(side.client_staff, contract)
    with pytest.raises(PermissionDenied):  # a subcontractor of no link on the contract
        report(subs.admins["z"], contract)


def test_the_report_refuses_at_the_field(side, subs, contract, chain):
    now = timezone.now()
    cases = [
        ({"found_at": now + timedelta(hours=1)}, "found_at", "未来"),
        (
            {"occurred_at": now - timedelta(minutes=1), "found_at": now - timedelta(hours=1)},
            "occurred_at",
            "把握",
        ),
        ({"summary": "  "}, "summary", "何が"),
        ({"category": "flood"}, "category", "選んで"),
    ]
    for overrides, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            report(side.contractor_admin, contract, **overrides)
        assert words in " ".join(caught.value.message_dict[field]), (overrides, caught.value.message_dict)
    assert not Incident.objects.exists()


def test_a_report_after_the_contract_ended_is_taken_until_it_is_closed(side, subs, contract, chain):
    contract_end(contract=contract, **m(side.client_admin))
    ended = Contract.objects.get(pk=contract.pk)
    assert ended.status == Contract.Status.ENDED
    assert report(subs.admins["y"], ended).number == 1  # 003 §17: the duty outlives the work
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.CLOSED)
    with pytest.raises(PermissionDenied):
        report(side.contractor_admin, Contract.objects.get(pk=contract.pk))


def test_the_reporter_and_every_tier_above_see_it_a_sibling_does_not(
    side, subs, contract, chain, sibling_admin
):
    incident = report(subs.admins["y"], contract)
    for membership in (
        subs.admins["y"],
        subs.staff["x"],
        side.contractor_staff,
        side.auditor,
        side.client_staff,
    ):
        assert incident_visible_to(membership.user, membership, incident.pk) is not None, membership
        assert list(incidents_visible_to(membership.user, membership, contract)) == [incident]
    for membership in (sibling_admin, subs.admins["z"]):
        assert incident_visible_to(membership.user, membership, incident.pk) is None
        assert not incidents_visible_to(membership.user, membership, contract).exists()
    # x's own incident is not y's to see: a tier sees its own part and below, never above.
    own = report(subs.admins["x"], contract)
    assert incident_visible_to(subs.admins["y"].user, subs.admins["y"], own.pk) is None


def test_the_database_refuses_to_change_or_remove_the_record(side, contract, chain):
    incident = report(side.contractor_admin, contract)
    for sql in (
        "UPDATE incidents_incident SET suspected = true WHERE id = %s",
        "DELETE FROM incidents_incidententry WHERE incident_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [incident.pk])

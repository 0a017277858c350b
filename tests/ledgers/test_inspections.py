"""Backups and inspections (000 §5.6(6)): an inspection meets the periodic duty of inspecting,
each finding opens a corrective duty due on its own day which its correction meets; the
service's refusals at their fields; nothing of it can be changed; the pages (a list whose
queries do not grow, recording one with a finding, recording the correction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import Duty
from core.models import Event, Notification
from ledgers.models import FindingCorrection, Inspection, InspectionFinding
from ledgers.services.inspections import finding_correct, finding_subject, inspection_record
from tests.ledgers.conftest import m

TODAY = timezone.localdate()
OK = {"storage_result": "ok", "accuracy_result": "ok", "backup_result": "ok", "restore_result": "ok"}
FINDING = {
    "found_in": "storage",
    "what": "書庫Aの施錠が一時外れていた",
    "action": "鍵の管理簿を作り、終業時に確認する",
    "due_date": TODAY + timedelta(days=14),
}


def _record(ledger, membership=None, **overrides) -> Inspection:
    values = {"inspected_on": TODAY, "inspector": ledger.worker, **OK, **overrides}
    return inspection_record(
        contract=ledger.contract, **values, **m(membership or ledger.side.contractor_admin)
    )


def _duty(ledger, key: str, subject: str = "") -> Duty:
    return Duty.objects.get(contract=ledger.contract, obligation__key=key, subject=subject)


def test_an_inspection_meets_the_periodic_duty(ledger):
    duty = _duty(ledger, "5.6(6)-backup-inspection")
    assert duty.state == Duty.State.OPEN
    inspection = _record(ledger, storage_note="書庫A・Bとも施錠を確認")
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.on_time
    assert duty.evidence_event.kind == "inspection.recorded"
    assert inspection.result == "ok"
    # The note is stored encrypted and never copied into the event (events outlive the key).
    with connection.cursor() as cursor:
        cursor.execute("SELECT storage_note FROM ledgers_inspection WHERE id = %s", [inspection.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert "書庫" not in str(duty.evidence_event.data)


def test_a_finding_opens_a_duty_due_on_its_day_that_its_correction_meets(ledger):
    inspection = _record(ledger, storage_result="finding", findings=[FINDING])
    assert inspection.result == "findings"
    finding = inspection.findings.get()
    duty = _duty(ledger, "5.6(6)-inspection-correction", finding_subject(finding))
    assert (duty.state, duty.due_date) == (Duty.State.OPEN, FINDING["due_date"])
    correction = finding_correct(
        finding=finding,
        corrected_on=TODAY,
        corrected_by=ledger.worker,
        note="管理簿を作成",
        **m(ledger.side.contractor_staff),
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.on_time
    assert duty.evidence_event.kind == "inspection.finding_corrected"
    assert correction.finding_id == finding.pk
    # Once: a second correction of the same finding is refused at its field.
    with pytest.raises(ValidationError) as refused:
        finding_correct(
            finding=finding, corrected_on=TODAY, corrected_by=ledger.worker, **m(ledger.side.contractor_admin)
        )
    assert "corrected_on" in refused.value.message_dict


REFUSED = [
    ({"storage_result": "not_checked"}, "storage_result"),
    ({"accuracy_result": "finding"}, "accuracy_result"),  # a finding result needs its finding
    ({"inspected_on": TODAY + timedelta(days=1)}, "inspected_on"),
    (
        {"findings": [{**FINDING, "due_date": TODAY - timedelta(days=1)}], "storage_result": "finding"},
        "findings",
    ),
    ({"findings": [FINDING]}, "findings"),  # the finding's check says no problem
    ({"inspector": "newcomer"}, "inspector"),  # on no roster in force
]


def test_refusals_at_the_field(ledger):
    for overrides, field in REFUSED:
        if overrides.get("inspector") == "newcomer":
            overrides = {"inspector": ledger.newcomer}
        with pytest.raises(ValidationError) as refused:
            _record(ledger, **overrides)
        assert field in refused.value.message_dict, overrides
    with pytest.raises(PermissionDenied):
        _record(ledger, membership=ledger.side.client_staff)
    assert not Inspection.objects.exists()


def test_an_inspection_and_its_findings_are_never_changed(ledger):
    inspection = _record(ledger, storage_result="finding", findings=[FINDING])
    for query in (
        Inspection.objects.filter(pk=inspection.pk),
        InspectionFinding.objects.filter(inspection=inspection),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            query.update(inspected_on=TODAY) if query.model is Inspection else query.update(number=9)


# --- the pages ----------------------------------------------------------------------------------


def test_the_list_queries_do_not_grow(client, ledger):
    client.force_login(ledger.side.client_staff.user)
    url = reverse("ledgers:inspection_list", args=[ledger.contract.pk])

    def count() -> int:
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _record(ledger)
    one = count()
    for _n in range(4):
        _record(ledger, storage_result="finding", findings=[FINDING])
    response = client.get(url)
    assert [i.open_findings for i in response.context["page"].object_list] == [1, 1, 1, 1, 0]
    # Session, user, membership, contract, its visibility; the paginator's count; the read on
    # the record (savepoint, lock, last hash, insert, release); the unread notifications; the
    # page's inspections with inspector, party and open findings (one query); the session saved
    # (savepoint, update, release). Sixteen whatever the number of inspections.
    assert count() == one == 16


def test_recording_an_inspection_with_a_finding_and_its_correction(client, ledger):
    client.force_login(ledger.side.contractor_staff.user)
    url = reverse("ledgers:inspection_record", args=[ledger.contract.pk])
    assert client.get(url).status_code == 200
    data = {
        "inspected_on": TODAY.isoformat(),
        "inspector": ledger.worker.pk,
        **OK,
        "storage_result": "finding",
        "findings-TOTAL_FORMS": "3",
        "findings-INITIAL_FORMS": "0",
        "findings-0-found_in": "storage",
        "findings-0-what": FINDING["what"],
        "findings-0-action": FINDING["action"],
        "findings-0-due_date": FINDING["due_date"].isoformat(),
    }
    refused = client.post(url, {**data, "findings-0-what": ""})
    assert refused.status_code == 200 and refused.context["findings_errors"]
    response = client.post(url, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ledgers:inspection_detail", args=[inspection.pk]
    )
    finding = inspection.findings.get()
    # The manager is told what is to be corrected (the staff recorded it).
    told = Notification.objects.filter(user=ledger.side.contractor_admin.user, url=response["Location"])
    assert told.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert FINDING["what"] in page and reverse("ledgers:finding_correct", args=[finding.pk]) in page
    correct = reverse("ledgers:finding_correct", args=[finding.pk])
    posted = client.post(correct, {"corrected_on": TODAY.isoformat(), "corrected_by": ledger.worker.pk})
    assert posted.status_code == 302 and FindingCorrection.objects.filter(finding=finding).exists()
    assert Event.objects.filter(kind="inspection.finding_corrected", object_id=str(finding.pk)).exists()
    # The public body reads the inspection, and is offered no correction; the corrective duty's
    # page leads to the inspection.
    client.force_login(ledger.side.client_staff.user)
    assert client.get(response["Location"]).status_code == 200
    assert client.get(correct).status_code == 404
    duty = _duty(ledger, "5.6(6)-inspection-correction", finding_subject(finding))
    assert duty.state == Duty.State.FULFILLED
    duty_page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert response["Location"] in duty_page


def test_a_subcontractors_inspection_is_recorded_but_does_not_meet_the_contractors_duty(ledger):
    """000 §5.6(6) asks the contractor to inspect: the engine has no duty per tier, so an approved
    subcontractor's inspection of its own part is recorded (naming its party) and leaves the
    contractor's periodic duty open until the contractor's own inspection meets it."""
    from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
    from contracts.services.subcontracts import subcontract_act, subcontract_create
    from core.models import Role
    from core.services.organisations import organisation_grant_visibility
    from tests import factories
    from tests.contracts.test_subcontracts import FIELDS
    from tests.ledgers.conftest import START

    side, contract = ledger.side, ledger.contract
    org = factories.contractor("点検再委託株式会社")
    organisation_grant_visibility(actor=None, organisation=org, to=side.body)
    sub = factories.member(org, Role.CONTRACTOR_ADMIN, email="inspect-sub@example.jp")
    link = subcontract_create(
        contract=contract,
        subcontractor=org,
        start_date=START,
        end_date=contract.end_date,
        **FIELDS,
        **m(side.contractor_admin),
    )
    subcontract_act(subcontract=link, action="submit", **m(side.contractor_admin))
    subcontract_act(subcontract=link, action="approve", **m(side.client_staff))
    change = roster_change_open(contract=contract, **m(side.contractor_admin))
    worker = roster_person_add(
        change=change,
        full_name="再委託 点検",
        affiliation="作業部",
        employer=org,
        employment="subcontractor",
        start_date=START + timedelta(days=6),
        **m(side.contractor_admin),
    ).person
    roster_change_act(change=change, action="submit", **m(side.contractor_admin))  # 000: notice
    duty = _duty(ledger, "5.6(6)-backup-inspection")
    theirs = _record(ledger, sub, inspector=worker)
    event = Event.objects.get(kind="inspection.recorded", object_id=str(theirs.pk))
    assert event.data["organisation"] == org.pk
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    _record(ledger)
    duty.refresh_from_db()
    assert (
        duty.state == Duty.State.FULFILLED
        and duty.evidence_event.data["organisation"] == contract.contractor_id
    )

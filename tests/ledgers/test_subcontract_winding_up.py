"""A subcontractor whose link has ended keeps its own part of the ledgers until it has certified
its return or disposal, and nothing else: it reads it, records the disposal with the person who
held the device, issues the certificate (which names the link), and then loses the ledgers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.subcontract_end import subcontract_end
from contracts.services.subcontracts import subcontract_act, subcontract_create
from core.approvals import ApprovalAction as A
from core.models import Event, Role
from core.services.organisations import organisation_grant_visibility
from ledgers.permissions import keeping_parties
from ledgers.selectors.devices import device_visible_to, parties_in_scope
from ledgers.services.devices import device_register, device_update
from ledgers.services.requests import disposal_certificate_issue, request_act, request_create
from tests import factories
from tests.contracts.conftest import MINIMAL_PDF
from tests.contracts.test_subcontracts import FIELDS as SUBCONTRACT_FIELDS
from tests.ledgers.conftest import START, TODAY, m


@pytest.fixture
def ended(ledger, monkeypatch):
    """The contractor's subcontractor with one worker (notified on the roster) holding a USB
    memory at the office, a disposal of it applied for and approved, then the link terminated."""
    monkeypatch.setattr("core.pdf.render_form", lambda form_id, context: MINIMAL_PDF)
    side, contract = ledger.side, ledger.contract
    org = factories.contractor("終了株式会社")
    organisation_grant_visibility(actor=None, organisation=org, to=side.body)
    sub = factories.member(org, Role.CONTRACTOR_ADMIN, email="ended-sub@example.jp")
    link = subcontract_create(
        contract=contract,
        subcontractor=org,
        start_date=START,
        end_date=contract.end_date,
        **SUBCONTRACT_FIELDS,
        **m(side.contractor_admin),
    )
    subcontract_act(subcontract=link, action=A.SUBMIT, **m(side.contractor_admin))
    link = subcontract_act(subcontract=link, action=A.APPROVE, **m(side.client_staff))
    change = roster_change_open(contract=contract, **m(side.contractor_admin))
    worker = roster_person_add(
        change=change,
        full_name="再委託 五郎",
        affiliation="作業部",
        employer=org,
        employment="subcontractor",
        start_date=START + timedelta(days=6),
        **m(side.contractor_admin),
    ).person
    roster_change_act(change=change, action=A.SUBMIT, **m(side.contractor_admin))  # 000: notice
    usb = device_register(
        contract=contract,
        asset_number="SUB-USB-1",
        kind="usb_memory",
        worksite=ledger.office,
        holder=worker,
        **m(sub),
    ).device
    disposal = request_create(
        contract=contract,
        kind="disposal",
        devices=[usb],
        method="destroy",
        purpose="再委託の終了に伴う廃棄",
        planned_on=TODAY + timedelta(days=1),
        **m(sub),
    )
    request_act(request=disposal, action=A.SUBMIT, **m(sub))
    disposal = request_act(request=disposal, action=A.APPROVE, **m(side.client_staff))
    subcontract_end(
        link=link, ended_on=TODAY, reason="契約解除", kind="terminated", **m(side.contractor_admin)
    )
    return {"org": org, "sub": sub, "link": link, "usb": usb, "worker": worker, "disposal": disposal}


def test_an_ended_subcontractor_keeps_its_own_part_until_it_certifies(ledger, ended):
    sub, usb, org = ended["sub"], ended["usb"], ended["org"]
    assert parties_in_scope(sub.user, sub, ledger.contract) == {org.pk}
    assert device_visible_to(sub.user, sub, usb.pk) is not None
    # Nothing but the winding up: its worker is no longer approved for anything else.
    with pytest.raises(ValidationError) as exc:
        device_update(device=usb, storage_place="書庫A", note="保管場所の変更", **m(sub))
    assert "holder" in exc.value.message_dict
    # The person who held it records its destruction, and the certificate names the link.
    device_update(device=usb, status="disposed", note="物理破壊により廃棄", **m(sub))
    disposal_certificate_issue(request=ended["disposal"], **m(sub))
    issued = Event.objects.get(kind="disposal.certificate_issued")
    assert f"contracts.subcontract:{ended['link'].pk}" in issued.data["subjects"]
    # Certified: its hold on the ledgers ends.
    assert parties_in_scope(sub.user, sub, ledger.contract) == set()
    assert device_visible_to(sub.user, sub, usb.pk) is None
    assert org.pk not in keeping_parties(ledger.contract)
    with pytest.raises(PermissionDenied):
        disposal_certificate_issue(request=ended["disposal"], **m(sub))


def test_the_contracts_close_waits_for_the_subcontractors_own_certificate(ledger, ended):
    from contracts.selectors.closing import close_gaps

    sub, usb, org = ended["sub"], ended["usb"], ended["org"]
    gaps = close_gaps(ledger.contract)
    assert {(g.kind, org.name in g.what) for g in gaps if g.kind in ("device", "subcontract")} == {
        ("device", True),
        ("subcontract", True),
    }
    device_update(device=usb, status="disposed", note="物理破壊により廃棄", **m(sub))
    assert [g.kind for g in close_gaps(ledger.contract) if org.name in g.what] == ["subcontract"]
    disposal_certificate_issue(request=ended["disposal"], **m(sub))
    assert [g for g in close_gaps(ledger.contract) if org.name in g.what] == []

"""Duties of the shipped templates that belong to each subcontract, to the end of the contract and
to the public body's acceptance (issue "duty fidelity": the remaining data classes).

The scenario of the acceptance tables (tests/compliance/expected/README.md): signed 2026-04-01,
work from Wed 2026-04-15, ending Wed 2027-03-31; a subcontractor starting Thu 2026-05-07.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from compliance.services.submissions import duty_document_submit, duty_submission_act
from contracts.services import contract_activate, contract_create
from contracts.services import subcontracts as subcontract_services
from core.audit import record_event
from core.models import Role
from core.services.organisations import organisation_grant_visibility
from tests import factories

SIGNED, WORK_START, END = date(2026, 4, 1), date(2026, 4, 15), date(2027, 3, 31)
SUB_START = date(2026, 5, 7)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FIELDS = {
    "extent": "part",
    "reason": "繁忙期の要員不足",
    "scope": "データ入力",
    "information_handled": "申請者の氏名・住所",
    "handles_personal_info": True,
    "security_measures": "施錠された作業室のみで作業",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}
# The standing duties about subcontracts, one per approved subcontract, without a date.
SUPERVISION = {
    "001-": ["16.2-supervise-subcontractor", "24.2-subcontractor-incidents"],
    "003-": ["6.3-subcontract-responsibility"],
    "004-": ["2.4-subcontractor-procedures"],
}


def _shipped(prefix):
    return clause_template_load(path=next(LIBRARY_DIR.glob(f"{prefix}*.yaml")))[0]


def _contract(side, template, **overrides):
    admin = side.client_admin
    fields = {
        "contractor": side.contractor,
        "department": side.dept,
        "number": f"R8-{factories.next_number()}",
        "title": "再委託の義務の確認業務",
        "start_date": SIGNED,
        "end_date": END,
        "work_start_date": WORK_START,
        "clause_template": template,
        "handles_personal_info": True,
        "subcontracting": True,
        "on_premises": True,
        **overrides,
    }
    created = contract_create(actor=admin.user, actor_membership=admin, **fields)
    return contract_activate(actor=admin.user, actor_membership=admin, contract=created, signed_on=SIGNED)


def _sub_org(side, label):
    org = factories.contractor(f"再委託{label}株式会社")
    organisation_grant_visibility(actor=None, organisation=org, to=side.body)
    return org, factories.member(org, Role.CONTRACTOR_ADMIN, email=f"subduty-{label}@example.jp")


def _apply(membership, contract, org, start, parent=None):
    link = subcontract_services.subcontract_create(
        actor=membership.user,
        actor_membership=membership,
        contract=contract,
        subcontractor=org,
        parent=parent,
        start_date=start,
        end_date=parent.end_date if parent else contract.end_date,
        **FIELDS,
    )
    subcontract_services.subcontract_act(
        actor=membership.user, actor_membership=membership, subcontract=link, action="submit"
    )
    return link


def _approve(side, link):
    link = subcontract_services.subcontract_act(
        actor=side.client_staff.user, actor_membership=side.client_staff, subcontract=link, action="approve"
    )
    link.refresh_from_db()
    return link


def _duties(contract, key):
    return {d.subject: d for d in Duty.objects.filter(contract=contract, obligation__key=key)}


def _as(membership):
    return {"actor": membership.user, "actor_membership": membership}


# --- standing duties about subcontracts: one per approved subcontract ----------------------------


@pytest.mark.parametrize(("prefix", "keys"), sorted(SUPERVISION.items()))
def test_supervising_a_subcontractor_is_a_duty_of_each_approved_subcontract(side, prefix, keys):
    contract = _contract(side, _shipped(prefix))
    # Nothing contract-wide at activation: the duty belongs to a subcontract that does not exist yet.
    for key in keys:
        assert _duties(contract, key) == {}
    org, _ = _sub_org(side, "x")
    link = _apply(side.contractor_admin, contract, org, SUB_START)
    for key in keys:
        assert _duties(contract, key) == {}  # applied for, not approved: nothing to supervise yet
    _approve(side, link)
    subject = f"contracts.subcontract:{link.pk}"
    for key in keys:
        duties = _duties(contract, key)
        assert list(duties) == [subject]
        assert duties[subject].state == Duty.State.OPEN and duties[subject].due_date is None


def test_the_contract_wide_prohibitions_of_subcontracting_are_gone_but_the_main_part_ban_stays(side):
    for prefix, key in [
        ("001-", "15.1-no-unapproved-subcontract"),
        ("002-", "9-no-unapproved-subcontract"),
        ("004-", "2.1-no-unapproved-subcontract"),
    ]:
        contract = _contract(side, _shipped(prefix))
        assert not Duty.objects.filter(contract=contract, obligation__key=key).exists()
    # 003 §6.1 forbids the main part whatever is approved: a standing duty of the contract.
    contract = _contract(side, _shipped("003-"))
    assert _duties(contract, "6.1-no-unapproved-subcontract")[""].due_date is None


def test_a_further_tier_owes_its_upstream_notice_and_the_first_tier_does_not(side):
    contract = _contract(side, _shipped("001-"))
    x, x_admin = _sub_org(side, "x")
    y, _ = _sub_org(side, "y")
    first = _approve(side, _apply(side.contractor_admin, contract, x, SUB_START))
    assert _duties(contract, "15.3(3)-chain-upstream-notice") == {}
    second = _apply(x_admin, contract, y, date(2026, 6, 1), parent=first)
    notice = _duties(contract, "15.3(3)-chain-upstream-notice")
    subject = f"contracts.subcontract:{second.pk}"
    assert list(notice) == [subject]
    # The portal tells every party above when the further tier is applied for: met that day.
    assert notice[subject].state == Duty.State.FULFILLED and notice[subject].on_time
    # The approval and the pre-check of 15.3(1)(2) are those of each tier (15.1, 15.2), dated from
    # the further tier's own start (Mon 2026-06-01 -> Fri 2026-05-29).
    assert _duties(contract, "15.1-subcontract-approval")[subject].due_date == date(2026, 5, 29)
    assert _duties(contract, "15.2-subcontract-precheck")[subject].state == Duty.State.FULFILLED
    for key in ("15.3(1)-chain-approval", "15.3(2)-chain-precheck"):
        assert not Duty.objects.filter(contract=contract, obligation__key=key).exists()


# --- the end of the contract ------------------------------------------------------------------


def test_002_end_duties_include_the_method_and_the_report_of_the_disposal(side):
    contract = _contract(side, _shipped("002-"))
    due = {
        key: d[""].due_date
        for key in ("15.4-irrecoverable-disposal", "15.5-disposal-report-at-end")
        if (d := _duties(contract, key))
    }
    assert due == {"15.4-irrecoverable-disposal": END, "15.5-disposal-report-at-end": END}


def test_004_end_duties_the_disposal_method_is_approved_the_business_day_before_the_end(side):
    contract = _contract(side, _shipped("004-"))
    due = {
        key: _duties(contract, key)[""].due_date
        for key in (
            "5.5-disposal-method-approval",
            "5.5-disposal-at-end",
            "5.7-return-at-end",
            "5.8-disposal-of-client-owned-documents",
        )
    }
    assert due == {
        "5.5-disposal-method-approval": date(2027, 3, 30),
        "5.5-disposal-at-end": END,
        "5.7-return-at-end": END,
        "5.8-disposal-of-client-owned-documents": END,
    }
    # Keeping the business materials until the end is in place before any incident (12.4).
    assert _duties(contract, "12.4-keep-records")[""].due_date is None


# --- 004 §5.3: the public body approves how the information is managed -------------------------


def _pdf(content=PDF):
    return SimpleUploadedFile("管理方法.pdf", content, content_type="application/pdf")


def test_004_management_method_is_met_when_the_public_body_accepts_it(side):
    contract = _contract(side, _shipped("004-"))
    duty = _duties(contract, "5.3-management-method")[""]
    assert duty.due_date == date(2026, 4, 14)
    submission = duty_document_submit(duty=duty, files=[_pdf()], **_as(side.contractor_admin))
    assert submission.needs_acceptance
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN  # submitted, not yet approved
    duty_submission_act(submission=submission, action="approve", **_as(side.client_admin))
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "document.accepted"


def test_004_management_method_returned_stays_open(side):
    contract = _contract(side, _shipped("004-"))
    duty = _duties(contract, "5.3-management-method")[""]
    submission = duty_document_submit(duty=duty, files=[_pdf()], **_as(side.contractor_admin))
    duty_submission_act(
        submission=submission, action="return", reason="持出しの管理が未記載", **_as(side.client_admin)
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    # Put right by a new version, which the public body then accepts.
    again = duty_document_submit(duty=duty, files=[_pdf(PDF + b"% 2\n")], **_as(side.contractor_admin))
    assert again.version == 2
    duty_submission_act(submission=again, action="approve", **_as(side.client_admin))
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


# --- 001 §18(2), §21.2: a duty per take-out and per outsourced disposal ---------------------------


def test_001_a_media_take_out_stays_open_until_its_return_is_confirmed(side):
    contract = _contract(side, _shipped("001-"))
    assert _duties(contract, "18(2)-media-takeout-log") == {}  # no contract-wide attestation
    taken = {"subject": "ledgers.takeoutrequest:1"}
    record_event(kind="takeout.approved", contract_id=contract.pk, data=taken)
    duty = _duties(contract, "18(2)-media-takeout-log")["ledgers.takeoutrequest:1"]
    assert duty.state == Duty.State.OPEN and duty.due_date is None
    record_event(
        kind="takeout.brought_back", contract_id=contract.pk, data={"subject": "ledgers.takeoutrequest:2"}
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN  # another medium's return
    record_event(kind="takeout.brought_back", contract_id=contract.pk, data=taken)
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


def test_001_an_outsourced_disposal_waits_for_the_public_bodys_approval(side):
    contract = _contract(side, _shipped("001-"))
    assert _duties(contract, "21.2-outsourcing-approval") == {}
    applied = {"subject": "ledgers.disposal:1"}
    record_event(kind="disposal.submitted", contract_id=contract.pk, data=applied)
    duty = _duties(contract, "21.2-outsourcing-approval")["ledgers.disposal:1"]
    assert duty.state == Duty.State.OPEN
    record_event(kind="disposal.approved", contract_id=contract.pk, data=applied)
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED

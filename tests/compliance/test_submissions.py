"""compliance.services.submissions: a document (or report) submitted for a duty — the evidence
of an `upload` or `report` obligation, accepted through the shared approval workflow where the
clause asks for it, re-submitted as a new version when it changes; and the public body meeting
its own duties."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clauses.services import clause_template_load
from compliance.models import Duty, DutySubmission
from compliance.services.duties import duty_attest, duty_request
from compliance.services.submissions import duty_document_submit, duty_submission_act
from contracts.services import contract_activate, contract_create
from core.models import Event, Notification, OutboundMessage, StoredFile

DATA = Path(__file__).parent / "data"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PDF2 = PDF + b"% version 2\n"


def _pdf(name="管理方法.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _as(membership):
    return {"actor": membership.user, "actor_membership": membership}


@pytest.fixture
def contract(side):
    template = clause_template_load(path=DATA / "submissions.yaml")[0]
    membership = side.client_admin
    created = contract_create(
        actor=membership.user,
        actor_membership=membership,
        contractor=side.contractor,
        number="R7-900",
        title="住民情報システム運用保守業務委託",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        work_start_date=date(2025, 4, 14),
        clause_template=template,
        handles_personal_info=False,
    )
    return contract_activate(
        actor=membership.user, actor_membership=membership, contract=created, signed_on=date(2025, 4, 1)
    )


def _duty(contract, key):
    return Duty.objects.get(contract=contract, obligation__key=key, state=Duty.State.OPEN)


def test_an_upload_meets_exactly_its_duty_and_its_event_holds_the_files_digests(side, contract):
    duty = _duty(contract, "1.1-management-method")
    other = _duty(contract, "2.1-client-audit-result")  # also met by document.submitted
    submission = duty_document_submit(
        duty=duty, comment=" 第1版です。 ", files=[_pdf()], **_as(side.contractor_staff)
    )
    duty.refresh_from_db()
    other.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event == submission.event
    assert other.state == Duty.State.OPEN  # the obligation key narrows the engine to this duty
    assert submission.event.kind == "document.submitted" and submission.version == 1
    assert submission.comment == "第1版です。" and not submission.needs_acceptance
    data = submission.event.data
    assert data["obligation"] == "1.1-management-method" and data["subject"] == ""
    assert data["files"] == [hashlib.sha256(PDF).hexdigest()]
    assert "管理方法.pdf" not in str(data)
    # A notice to the public body: nobody decides it, and it is not on anyone's approval list.
    assert submission.approval_state == "submitted"
    assert Notification.objects.filter(user=side.client_admin.user).exists()


def test_a_document_needs_a_file_and_is_the_acting_sides(side, contract):
    duty = _duty(contract, "1.1-management-method")
    with pytest.raises(ValidationError) as exc:
        duty_document_submit(duty=duty, files=[], **_as(side.contractor_admin))
    assert list(exc.value.message_dict) == ["files"]
    with pytest.raises(PermissionDenied):
        duty_document_submit(duty=duty, files=[_pdf()], **_as(side.client_admin))
    with pytest.raises(ValidationError) as exc:
        bad = SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/pdf")
        duty_document_submit(duty=duty, files=[bad], **_as(side.contractor_admin))
    assert list(exc.value.message_dict) == ["files"] and "a.exe" in exc.value.messages[0]
    assert not DutySubmission.objects.exists() and not StoredFile.objects.exists()


def test_acceptance_flow_return_then_a_new_version_accepted_meets_the_duty(side, contract):
    duty = _duty(contract, "1.2-processing-schedule")
    first = duty_document_submit(duty=duty, files=[_pdf("計画.pdf")], **_as(side.contractor_admin))
    assert first.needs_acceptance and first.approval_state == "submitted"
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN  # the upload alone does not meet it
    # The public body is asked to decide (the shared workflow's notice), in the portal and by mail.
    assert Notification.objects.filter(user=side.client_admin.user).exists()
    mail = OutboundMessage.objects.get(to=[side.client_admin.user.email])
    assert "処理計画書" in mail.subject
    with pytest.raises(ValidationError):  # one pending version at a time
        duty_document_submit(duty=duty, files=[_pdf()], **_as(side.contractor_admin))
    with pytest.raises(PermissionDenied):  # the contractor does not accept its own document
        duty_submission_act(submission=first, action="approve", **_as(side.contractor_admin))
    with pytest.raises(ValidationError) as exc:
        duty_submission_act(submission=first, action="return", reason="", **_as(side.client_admin))
    assert "reason" in exc.value.message_dict
    duty_submission_act(submission=first, action="return", reason="日程が不足", **_as(side.client_admin))
    first.refresh_from_db()
    assert first.approval_state == "returned" and first.decision_reason == "日程が不足"
    second = duty_document_submit(
        duty=duty, comment="日程を追記", files=[_pdf("計画v2.pdf", PDF2)], **_as(side.contractor_admin)
    )
    assert second.version == 2
    duty_submission_act(submission=second, action="approve", **_as(side.client_admin))
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "document.accepted"
    assert duty.evidence_event.data["version"] == 2
    assert duty.evidence_event.data["files"] == [hashlib.sha256(PDF2).hexdigest()]
    assert Event.objects.filter(kind="duty_submission.approved").count() == 1


def test_a_changed_document_is_a_new_version_that_closes_nothing(side, contract):
    duty = _duty(contract, "1.1-management-method")
    duty_document_submit(duty=duty, files=[_pdf()], **_as(side.contractor_admin))
    again = duty_document_submit(
        duty=duty, comment="規程改定", files=[_pdf("管理方法v2.pdf", PDF2)], **_as(side.contractor_admin)
    )
    duty.refresh_from_db()
    assert again.version == 2 and again.event.kind == "document.resubmitted"
    assert duty.evidence_event.data["version"] == 1  # still met by the first
    assert list(duty.submissions.values_list("version", flat=True)) == [2, 1]


def test_a_report_on_request_is_met_by_the_report(side, contract):
    duty_request(contract=contract, obligation_key="1.3-report-on-request", **_as(side.client_admin))
    duty = _duty(contract, "1.3-report-on-request")
    submission = duty_document_submit(duty=duty, files=[_pdf("報告.pdf")], **_as(side.contractor_admin))
    duty.refresh_from_db()
    assert submission.event.kind == "report.submitted" and duty.state == Duty.State.FULFILLED


def test_the_public_bodys_duties_are_met_by_the_body(side, contract):
    audit = _duty(contract, "2.1-client-audit-result")
    with pytest.raises(PermissionDenied):
        duty_document_submit(duty=audit, files=[_pdf()], **_as(side.contractor_admin))
    duty_document_submit(duty=audit, files=[_pdf("監査結果.pdf")], **_as(side.client_admin))
    audit.refresh_from_db()
    assert audit.state == Duty.State.FULFILLED
    check = _duty(contract, "2.2-client-check")
    with pytest.raises(PermissionDenied):
        duty_attest(duty=check, **_as(side.contractor_admin))
    duty_attest(duty=check, statement="確認しました", **_as(side.client_admin))
    check.refresh_from_db()
    assert check.state == Duty.State.FULFILLED


def test_a_duty_met_otherwise_takes_no_document(side, contract):
    check = _duty(contract, "2.2-client-check")
    with pytest.raises(ValidationError):
        duty_document_submit(duty=check, files=[_pdf()], **_as(side.client_admin))


def test_the_audit_trail_names_a_submission_in_words(side, contract):
    from core.describers import describe_objects

    duty = _duty(contract, "1.2-processing-schedule")
    submission = duty_document_submit(duty=duty, files=[_pdf()], **_as(side.contractor_admin))
    ref = ("compliance.dutysubmission", str(submission.pk))
    assert describe_objects([ref])[ref] == "処理計画書（第1版）"

"""compliance.services.duties.duty_attest: a confirmation with an optional comment and evidence
files, recorded in the event that fulfils the duty (the comment and the files' SHA-256)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import Attestation, AttestationEvidence, Duty
from compliance.services.duties import MAX_EVIDENCE_FILES, duty_attest
from contracts.services import contract_activate
from core.files import read_file
from core.models import Event, StoredFile

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _pdf(name="規程.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def duty(side, make_contract):
    contract = contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=make_contract(),
        signed_on=date(2025, 4, 1),
    )
    return Duty.objects.get(contract=contract, obligation__key="3.3-no-ai")


def _as(membership):
    return {"actor": membership.user, "actor_membership": membership}


def test_a_confirmation_keeps_its_comment_and_files_and_the_event_their_digests(side, duty):
    photo = SimpleUploadedFile("保管庫.png", PNG, content_type="image/png")
    attestation = duty_attest(
        duty=duty,
        statement="  生成AIの利用を規程で禁止しています。 ",
        evidence=[_pdf(), photo],
        **_as(side.contractor_admin),
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event == attestation.event
    assert attestation.statement == "生成AIの利用を規程で禁止しています。"
    assert attestation.attested_by == side.contractor_admin.user
    files = [e.file for e in attestation.evidence.select_related("file")]
    assert [f.original_name for f in files] == ["規程.pdf", "保管庫.png"]
    assert {f.purpose for f in files} == {"attestation"} and {f.contract_id for f in files} == {
        duty.contract_id
    }
    assert read_file(files[0]) == PDF  # encrypted under the contract's key, readable back
    data = attestation.event.data
    assert data["statement"] == "生成AIの利用を規程で禁止しています。"
    assert data["files"] == [hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()]
    assert "規程.pdf" not in str(data)  # names never go into the permanent event


def test_comment_and_files_are_optional(side, duty):
    attestation = duty_attest(duty=duty, **_as(side.contractor_staff))
    assert attestation.statement == "" and not attestation.evidence.exists()
    assert attestation.event.data["files"] == []


@pytest.mark.parametrize("statement", ["確" * 1001, "確認\x00済み"])
def test_a_comment_past_its_bound_is_refused_and_nothing_is_written(side, duty, statement):
    with pytest.raises(ValidationError) as exc:
        duty_attest(duty=duty, statement=statement, evidence=[_pdf()], **_as(side.contractor_admin))
    assert list(exc.value.message_dict) == ["statement"]
    assert not Attestation.objects.exists() and not StoredFile.objects.exists()
    assert not Event.objects.filter(kind="attestation.confirmed").exists()


def test_a_bad_file_is_said_at_the_evidence_and_nothing_is_recorded(side, duty):
    bad = SimpleUploadedFile("メモ.txt", b"plain text", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        duty_attest(duty=duty, evidence=[_pdf(), bad], **_as(side.contractor_admin))
    (message,) = exc.value.message_dict["evidence"]
    assert message.startswith("メモ.txt: ")
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    assert not AttestationEvidence.objects.exists() and not StoredFile.objects.exists()
    assert not Event.objects.filter(kind="attestation.confirmed").exists()


def test_too_many_files_are_refused(side, duty):
    with pytest.raises(ValidationError) as exc:
        duty_attest(
            duty=duty, evidence=[_pdf() for _ in range(MAX_EVIDENCE_FILES + 1)], **_as(side.contractor_admin)
        )
    assert list(exc.value.message_dict) == ["evidence"]
    assert not StoredFile.objects.exists()


def test_only_the_contractor_confirms_and_only_an_open_attested_duty(side, duty):
    for who in ("client_admin", "client_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            duty_attest(duty=duty, statement="x", **_as(getattr(side, who)))
    duty_attest(duty=duty, **_as(side.contractor_admin))
    with pytest.raises(ValidationError):
        duty_attest(duty=duty, **_as(side.contractor_admin))  # met already
    assert Attestation.objects.filter(duty=duty).count() == 1

"""The confirmation page of a duty (GET asks, POST records with a comment and files), the duty's
page that shows the confirmation to everyone who reads the contract, and its evidence download."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.models import Attestation, Duty
from compliance.services.duties import duty_attest
from contracts.services import contract_activate
from core.models import Event
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
COMMENT = "生成AIの利用は情報セキュリティ規程第12条で禁止しています。"


def _duty(side, make_contract, **kw) -> Duty:
    contract = contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=make_contract(**kw),
        signed_on=date(2025, 4, 1),
    )
    return Duty.objects.select_related("contract").get(contract=contract, obligation__key="3.3-no-ai")


@pytest.fixture
def duty(side, make_contract):
    # In the department of the body's staff member, so that every role of the body reads it.
    return _duty(side, make_contract, department=side.dept)


def _pdf(name="規程.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_get_shows_what_is_confirmed_and_records_nothing(client, side, duty):
    client.force_login(side.contractor_staff.user)
    response = client.get(reverse("compliance:duty_attest", args=[duty.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "生成AIへの入力" in page or "generative AI" in page  # the duty's kind in words
    assert "生成AIに入力しないことを確認する。" in page  # what the obligation asks
    assert "第3条 報告" in page and "第3条第3項" in page  # its article and clause
    assert duty.contract.number in page and duty.contract.title in page
    assert "令和" in page  # the due date in 和暦
    assert 'name="statement"' in page and 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "3.3-no-ai" not in page and "attestation.confirmed" not in page  # no raw codes
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN and not Event.objects.filter(kind="attestation.confirmed").exists()


def test_post_with_comment_and_file_records_it_and_shows_it_on_the_duty_page(client, side, duty):
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("compliance:duty_attest", args=[duty.pk]),
        {"statement": COMMENT, "evidence": [_pdf(), _pdf("写真.pdf")]},
    )
    assert response.status_code == 302
    assert response.url == reverse("compliance:duty_detail", args=[duty.pk])
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    attestation = Attestation.objects.get(duty=duty)
    assert attestation.statement == COMMENT and attestation.evidence.count() == 2
    page = client.get(response.url)
    shown = [str(m) for m in page.context["messages"]]
    assert shown and "第3条第3項" in shown[0] and "2" in shown[0]
    # Everyone who reads the contract sees the comment and the files, the auditor too.
    evidence = attestation.evidence.first()
    download = reverse("compliance:duty_evidence_file", args=[duty.pk, evidence.pk])
    for who in ("contractor_admin", "contractor_staff", "client_admin", "client_staff", "auditor"):
        client.force_login(getattr(side, who).user)
        body = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
        assert COMMENT in body and "規程.pdf" in body and "写真.pdf" in body and download in body, who
    client.force_login(side.auditor.user)
    response = client.get(download)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert Event.objects.filter(
        kind="file.downloaded", actor=side.auditor.user, object_id=str(evidence.file_id)
    ).exists()


def test_the_duty_page_links_to_the_confirmation_for_the_contractor_only(client, side, duty):
    confirm = reverse("compliance:duty_attest", args=[duty.pk])
    client.force_login(side.contractor_staff.user)
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert f'href="{confirm}"' in page and "確認する" in page
    client.force_login(side.client_admin.user)
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert f'href="{confirm}"' not in page


def test_a_refused_post_is_said_at_the_field_and_keeps_the_comment(client, side, duty):
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("compliance:duty_attest", args=[duty.pk]),
        {"statement": COMMENT, "evidence": [SimpleUploadedFile("メモ.txt", b"plain")]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"][0].startswith("メモ.txt: ")
    assert 'id="id_evidence_error"' in response.content.decode()
    assert response.context["form"]["statement"].value() == COMMENT
    response = client.post(reverse("compliance:duty_attest", args=[duty.pk]), {"statement": "確" * 1001})
    assert response.status_code == 200 and response.context["form"].errors["statement"]
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN and not Attestation.objects.exists()


def test_a_met_duty_is_not_confirmed_again(client, side, duty):
    duty_attest(actor=side.contractor_admin.user, actor_membership=side.contractor_admin, duty=duty)
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("compliance:duty_attest", args=[duty.pk]))
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    response = client.post(reverse("compliance:duty_attest", args=[duty.pk]), {"statement": "再度"})
    assert response.status_code == 200
    assert Attestation.objects.filter(duty=duty).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_contractors_people_of_that_contract_confirm(client, side, duty, method):
    url = reverse("compliance:duty_attest", args=[duty.pk])
    other = factories.side("e", "戊")
    for membership in (
        side.client_admin,
        side.client_staff,
        side.auditor,
        other.contractor_admin,
        other.client_admin,
    ):
        client.force_login(membership.user)
        response = getattr(client, method)(url, {"statement": "x"} if method == "post" else None)
        assert response.status_code == 404, membership
    client.force_login(factories.site_admin())
    assert getattr(client, method)(url).status_code == 404
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN and not Attestation.objects.exists()


def test_another_bodys_people_see_neither_the_duty_nor_its_evidence(client, side, duty):
    attestation = duty_attest(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        duty=duty,
        statement=COMMENT,
        evidence=[_pdf()],
    )
    evidence = attestation.evidence.get()
    other = factories.side("f", "己")
    for membership in (other.client_admin, other.auditor, other.contractor_admin):
        client.force_login(membership.user)
        assert client.get(reverse("compliance:duty_detail", args=[duty.pk])).status_code == 404
        assert (
            client.get(reverse("compliance:duty_evidence_file", args=[duty.pk, evidence.pk])).status_code
            == 404
        )
    # A file is found only under its own duty: another duty of the same reader does not serve it.
    own = Duty.objects.filter(contract=duty.contract).exclude(pk=duty.pk).first()
    client.force_login(side.auditor.user)
    assert client.get(reverse("compliance:duty_evidence_file", args=[own.pk, evidence.pk])).status_code == 404
    assert not Event.objects.filter(kind="file.downloaded").exists()

"""The pages of a duty's documents: the submission form (GET asks, POST records), the duty's page
listing every version with its files, the version's page with the public body's acceptance or
return, and the public body meeting its own duty on the same pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.services import clause_template_load
from compliance.models import Duty, DutySubmission
from contracts.services import contract_activate, contract_create

DATA = Path(__file__).parent / "data"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def contract(side):
    template = clause_template_load(path=DATA / "submissions.yaml")[0]
    admin = side.client_admin
    created = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-901",
        title="住民情報システム運用保守業務委託",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        work_start_date=date(2025, 4, 14),
        clause_template=template,
        handles_personal_info=False,
    )
    return contract_activate(
        actor=admin.user, actor_membership=admin, contract=created, signed_on=date(2025, 4, 1)
    )


def _duty(contract, key):
    return Duty.objects.get(contract=contract, obligation__key=key)


def _pdf(name="処理計画書.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_form_asks_in_words_and_a_missing_file_is_said_at_the_field(client, side, contract):
    duty = _duty(contract, "1.2-processing-schedule")
    client.force_login(side.contractor_staff.user)
    url = reverse("compliance:duty_submit", args=[duty.pk])
    page = client.get(url).content.decode()
    assert "処理計画書" in page and "令和" in page and 'type="file"' in page
    assert "受理" in page  # the clause asks for acceptance, and the page says so
    assert "1.2-processing-schedule" not in page and "document.accepted" not in page
    response = client.post(url, {"comment": "第1版"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "書類のファイルを1つ以上添付してください。" in page and 'aria-invalid="true"' in page
    assert not DutySubmission.objects.exists()


def test_submit_accept_and_the_duty_page_shows_it_met_with_the_file(client, side, contract):
    duty = _duty(contract, "1.2-processing-schedule")
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("compliance:duty_submit", args=[duty.pk]), {"comment": "第1版です", "files": [_pdf()]}
    )
    assert response.status_code == 302
    submission = DutySubmission.objects.get()
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "第1版" in page and "受理待ち" in page and "処理計画書.pdf" in page and "第1版です" in page
    # The public body's staff of the contract's department accepts it on the version's page.
    client.force_login(side.client_staff.user)
    page = client.get(reverse("compliance:duty_submission", args=[submission.pk])).content.decode()
    assert 'value="approve"' in page and 'value="return"' in page and "SHA-256" in page
    response = client.post(
        reverse("compliance:duty_submission_act", args=[submission.pk]), {"action": "approve", "reason": ""}
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "履行済み" in page and "受理済み" in page and "処理計画書.pdf" in page
    assert "document.accepted" not in page and "duty_submission" not in page
    # The file downloads for whoever reads the duty (the auditor too).
    client.force_login(side.auditor.user)
    file_pk = submission.files.get().pk
    response = client.get(reverse("compliance:duty_submission_file", args=[submission.pk, file_pk]))
    assert response.status_code == 200 and b"".join(response) == PDF


def test_a_return_without_a_reason_is_said_at_the_reason_field(client, side, contract):
    duty = _duty(contract, "1.2-processing-schedule")
    client.force_login(side.contractor_admin.user)
    client.post(reverse("compliance:duty_submit", args=[duty.pk]), {"files": [_pdf()]})
    submission = DutySubmission.objects.get()
    client.force_login(side.client_admin.user)
    response = client.post(
        reverse("compliance:duty_submission_act", args=[submission.pk]), {"action": "return", "reason": ""}
    )
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    response = client.post(
        reverse("compliance:duty_submission_act", args=[submission.pk]),
        {"action": "return", "reason": "日程がない"},
    )
    submission.refresh_from_db()
    assert submission.approval_state == "returned"
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "差戻し" in page and "日程がない" in page


def test_the_public_body_meets_its_own_duties_on_the_same_pages(client, side, contract):
    audit = _duty(contract, "2.1-client-audit-result")
    check = _duty(contract, "2.2-client-check")
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("compliance:duty_submit", args=[audit.pk])).status_code == 404
    assert client.get(reverse("compliance:duty_attest", args=[check.pk])).status_code == 404
    client.force_login(side.client_staff.user)
    page = client.get(reverse("compliance:duty_detail", args=[audit.pk])).content.decode()
    assert reverse("compliance:duty_submit", args=[audit.pk]) in page
    client.post(reverse("compliance:duty_submit", args=[audit.pk]), {"files": [_pdf("監査結果.pdf")]})
    client.post(reverse("compliance:duty_attest", args=[check.pk]), {"statement": "確認済み"})
    audit.refresh_from_db()
    check.refresh_from_db()
    assert audit.state == check.state == Duty.State.FULFILLED
    # The auditor reads it all and is offered nothing.
    client.force_login(side.auditor.user)
    page = client.get(reverse("compliance:duty_detail", args=[audit.pk])).content.decode()
    assert "監査結果.pdf" in page and reverse("compliance:duty_submit", args=[audit.pk]) not in page


def test_no_second_version_is_offered_while_one_waits_for_acceptance(client, side, contract):
    duty = _duty(contract, "1.2-processing-schedule")
    client.force_login(side.contractor_admin.user)
    url = reverse("compliance:duty_submit", args=[duty.pk])
    client.post(url, {"files": [_pdf()]})
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert url not in page and "受理待ち" in page
    page = client.get(url).content.decode()
    assert "前の版が受理を待っています" in page and 'type="file"' not in page
    client.post(url, {"files": [_pdf()]})
    assert DutySubmission.objects.count() == 1

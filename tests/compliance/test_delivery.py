import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse

from compliance.models import Duty
from compliance.services.reminders import reminder_sweep
from contracts.services import contract_activate
from core.audit import record_event
from core.models import Event

JST = ZoneInfo("Asia/Tokyo")


def _requested_report(side, make_contract):
    contract = make_contract(contractor_responsible=None)
    contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )
    record_event(
        kind="duty.requested",
        contract_id=contract.pk,
        data={"obligation": "3.2-report-on-request", "effective_date": "2025-05-12"},
    )
    return contract


def test_reminder_mail_attaches_the_prefilled_form(
    side, make_contract, django_capture_on_commit_callbacks, tmp_path
):
    contract = _requested_report(side, make_contract)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    [message] = [m for m in mail.outbox if m.attachments]
    [(name, data, mimetype)] = message.attachments
    duty = Duty.objects.get(contract=contract, obligation__key="3.2-report-on-request")
    assert (name, mimetype) == (f"compliance.duty_notice-{duty.pk}.pdf", "application/pdf")
    assert data.startswith(b"%PDF")
    assert "/duties/" in message.body and "form.pdf" in message.body  # the link to the form
    [(html, html_type)] = message.alternatives
    assert html_type == "text/html" and contract.number in html and "令和" in html
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert contract.number in text and "甲" in text and "乙" in text and "令和" in text


def test_form_download_is_permission_checked_and_audited(client, side, make_contract):
    contract = _requested_report(side, make_contract)
    duty = Duty.objects.get(contract=contract, obligation__key="3.2-report-on-request")
    client.force_login(side.contractor_admin.user)
    response = client.get(reverse("duty_form_pdf", args=[duty.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = Event.objects.filter(kind="form.downloaded", contract_id=contract.pk).get()
    assert len(event.data["sha256"]) == 64
    other = duty.contract.contractor
    assert other == side.contractor
    client.force_login(side.auditor.user)
    assert client.get(reverse("duty_form_pdf", args=[duty.pk])).status_code == 200

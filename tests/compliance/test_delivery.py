import dataclasses
import subprocess
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from compliance.models import Duty, Reminder
from compliance.services.reminders import reminder_sweep
from contracts.services import contract_activate
from core.audit import record_event
from core.models import Event, Notification, OutboundMessage

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
    response = client.get(reverse("compliance:duty_form_pdf", args=[duty.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = Event.objects.filter(kind="form.downloaded", contract_id=contract.pk).get()
    assert len(event.data["sha256"]) == 64
    other = duty.contract.contractor
    assert other == side.contractor
    client.force_login(side.auditor.user)
    assert client.get(reverse("compliance:duty_form_pdf", args=[duty.pk])).status_code == 200


# Delivery through the outbox (docs/outbox.md): one duty fails alone, a lost publish is caught up.


def _two_reports(side, make_contract, django_capture_on_commit_callbacks, monkeypatch):
    """Two requested reports for the same manager; the first one's form cannot be pre-filled."""
    from compliance.services import delivery
    from contracts.models import Person
    from core import pdf

    first = _requested_report(side, make_contract)
    second = _requested_report(side, make_contract)
    broken = Duty.objects.get(contract=first, obligation__key="3.2-report-on-request")
    form = pdf.get_form("compliance.duty_notice")
    real = form.prefill

    def prefill(duty):
        if duty.pk == broken.pk:  # as when a pledge duty's person is no longer on the contract
            Person.objects.get(pk=0)
        return real(duty)

    monkeypatch.setitem(pdf._registry, form.form_id, dataclasses.replace(form, prefill=prefill))
    monkeypatch.setattr(delivery, "MAX_ATTACHMENTS", 10)
    return first, second, broken


def test_a_duty_whose_form_cannot_be_prefilled_fails_alone_and_is_recorded(
    side, make_contract, django_capture_on_commit_callbacks, monkeypatch
):
    first, second, broken = _two_reports(side, make_contract, django_capture_on_commit_callbacks, monkeypatch)
    user = side.contractor_admin.user
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    mine = Reminder.objects.filter(recipient=user, duty__obligation__key="3.2-report-on-request")
    assert mine.count() == 2 and all(r.sent_at and r.notified_at for r in mine)
    failed = mine.get(duty=broken)
    assert failed.delivery_error.startswith("compliance.duty_notice: DoesNotExist")
    assert mine.exclude(duty=broken).get().delivery_error == ""
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    # Both duties are listed; only the one that could be pre-filled carries its form.
    assert first.number in message.body and second.number in message.body
    good = Duty.objects.get(contract=second, obligation__key="3.2-report-on-request")
    assert [name for name, *_ in message.attachments] == [f"compliance.duty_notice-{good.pk}.pdf"]
    assert _("The form for this duty could not be prepared. Open the contract to see what is needed.") in (
        message.body
    )
    assert f"/duties/{broken.pk}/form.pdf" not in message.body
    # The in-app notice says the same as the mail.
    [note] = Notification.objects.filter(user=user)
    assert note.body == message.body
    assert OutboundMessage.objects.get(to=[user.email]).state == OutboundMessage.State.SENT


def test_an_item_that_cannot_be_rendered_is_left_out_and_the_rest_go(
    side, make_contract, django_capture_on_commit_callbacks, monkeypatch
):
    from compliance.services import delivery

    first = _requested_report(side, make_contract)
    second = _requested_report(side, make_contract)
    real = delivery._item

    def item(reminder):
        if reminder.duty.contract_id == first.pk:
            raise AttributeError("gone")
        return real(reminder)

    monkeypatch.setattr(delivery, "_item", item)
    user = side.contractor_admin.user
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert second.number in message.body and first.number not in message.body
    failed = Reminder.objects.filter(recipient=user, duty__contract=first)
    assert failed and all(r.delivery_error == "item: AttributeError: gone" and r.sent_at for r in failed)


def test_a_lost_delivery_publish_is_caught_up_once(
    side, make_contract, django_capture_on_commit_callbacks, settings, caplog
):
    from compliance import tasks
    from compliance.services.delivery import reminders_deliver_pending

    settings.REMINDER_DELIVERY_GRACE_SECONDS = 0
    _requested_report(side, make_contract)
    down = mock.patch.object(tasks.deliver_reminders, "apply_async", side_effect=OperationalError("down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        recorded = reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    assert recorded and "Could not publish" in caplog.text
    assert mail.outbox == [] and not Reminder.objects.filter(sent_at__isnull=False).exists()
    recipients = set(Reminder.objects.values_list("recipient_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_deliver_pending() == len(recipients)
        assert reminders_deliver_pending() == 0
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    # One mail per person, each once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted({m.to[0] for m in mail.outbox})
    assert len(mail.outbox) == len(recipients) == Notification.objects.count()


def test_a_second_delivery_of_the_same_reminders_records_nothing(
    side, make_contract, django_capture_on_commit_callbacks
):
    from compliance.services.delivery import reminders_deliver

    _requested_report(side, make_contract)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    user = side.contractor_admin.user
    ids = list(Reminder.objects.filter(recipient=user).values_list("pk", flat=True))
    sent = len(mail.outbox)
    assert reminders_deliver(recipient_id=user.pk, reminder_ids=ids) == "skipped"
    assert len(mail.outbox) == sent and Notification.objects.filter(user=user).count() == 1


def test_digest_links_are_on_the_site_url(side, make_contract, django_capture_on_commit_callbacks, settings):
    from compliance.services.delivery import digests_send
    from core.models import User

    settings.SITE_URL = "https://portal.example.lg.jp"
    user = side.contractor_admin.user
    User.objects.filter(pk=user.pk).update(notification_mode=User.NotificationMode.DIGEST)
    _requested_report(side, make_contract)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=datetime(2025, 5, 12, 9, tzinfo=JST))
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    links = [line.strip() for line in message.body.splitlines() if "/" in line and "://" not in line]
    assert links == [], links
    assert "https://portal.example.lg.jp/" in message.body

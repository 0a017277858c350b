"""Delivering recorded reminders: an in-app notification always, e-mail now or in the digest."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from compliance.kinds import KINDS
from compliance.models import Reminder
from core import pdf
from core.models import Notification, User
from core.services.notifications import notification_create

log = logging.getLogger(__name__)


def _context(reminder: Reminder) -> dict:
    duty = reminder.duty
    contract = duty.contract
    kind = KINDS.get(duty.obligation.kind)
    return {
        "reminder": reminder,
        "duty": duty,
        "contract": contract,
        "obligation": duty.obligation,
        "kind_label": kind.label if kind else duty.obligation.kind,
        "overdue": reminder.window_key.startswith("overdue:"),
        "url": settings.SITE_URL.rstrip("/")
        + reverse("contract_detail", args=[contract.pk])
        + f"#duty-{duty.pk}",
        "form_url": settings.SITE_URL.rstrip("/") + reverse("duty_form_pdf", args=[duty.pk])
        if duty.obligation.form_id
        else "",
    }


def _attachment(reminder: Reminder) -> tuple[str, bytes] | None:
    form_id = reminder.duty.obligation.form_id
    if not form_id:
        return None
    try:
        data = pdf.render_form_for(form_id, reminder.duty)
    except (KeyError, ValueError):
        # A template may name a form whose app is not built yet: the reminder still goes out.
        log.warning("Form %s for duty %s cannot be pre-filled", form_id, reminder.duty_id)
        return None
    return f"{form_id}.pdf", data


def reminder_deliver(*, reminder_id: int) -> str:
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("duty", "duty__contract", "duty__obligation", "recipient", "recipient__data_key")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.sent_at is not None:
            return "skipped"
        user: User = reminder.recipient
        context = _context(reminder)
        with translation.override(user.language):
            subject = " ".join(render_to_string("emails/duty_reminder_subject.txt", context).split())
            body = render_to_string("emails/duty_reminder_body.txt", context)
        if reminder.notified_at is None:
            notification_create(user=user, title=subject, body=body, url=context["url"])
            reminder.notified_at = timezone.now()
            reminder.save(update_fields=["notified_at"])
    if user.notification_mode == User.NotificationMode.IMMEDIATE:
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        attachment = _attachment(reminder)
        if attachment:
            message.attach(attachment[0], attachment[1], "application/pdf")
        message.send()  # a mail error raises: the task retries with backoff
        outcome = "sent"
    else:
        outcome = "in-app"  # the daily digest carries it
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return outcome


def digests_send() -> int:
    """One e-mail per digest user with the notifications not yet sent in a digest."""
    sent = 0
    users = User.objects.filter(
        notification_mode=User.NotificationMode.DIGEST,
        is_active=True,
        notifications__digested_at__isnull=True,
    ).distinct()
    for user in users:
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update()
                .filter(user=user, digested_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=timezone.now())
            with translation.override(user.language):
                subject = " ".join(
                    render_to_string("emails/digest_subject.txt", {"count": len(items)}).split()
                )
                body = render_to_string("emails/digest_body.txt", {"items": items, "user": user})
            from core.tasks import send_email

            transaction.on_commit(
                lambda u=user, s=subject, b=body: send_email.delay(to=[u.email], subject=s, body=b)
            )
            sent += 1
    return sent

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


# A reminder message lists at most this many duties (the rest are counted, and all are on the
# person's home page) and carries at most this many pre-filled forms (the rest are linked).
MAX_LISTED = 50
MAX_ATTACHMENTS = 10


def _item(reminder: Reminder) -> dict:
    duty = reminder.duty
    contract = duty.contract
    kind = KINDS.get(duty.obligation.kind)
    site = settings.SITE_URL.rstrip("/")
    return {
        "reminder": reminder,
        "duty": duty,
        "contract": contract,
        "obligation": duty.obligation,
        "kind_label": kind.label if kind else duty.obligation.kind,
        "overdue": reminder.window_key.startswith("overdue:"),
        "url": f"{site}{reverse('contract_detail', args=[contract.pk])}#duty-{duty.pk}",
        "form_url": f"{site}{reverse('duty_form_pdf', args=[duty.pk])}" if duty.obligation.form_id else "",
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
    return f"{form_id}-{reminder.duty_id}.pdf", data


def reminders_deliver(*, recipient_id: int, reminder_ids: list[int]) -> str:
    """One notification and (immediate mode) one e-mail for a person's new reminders.

    The notification is created once; the e-mail is marked sent only after it left, so a retry
    after a mail error sends it again without a second notification.
    """
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk__in=reminder_ids, recipient_id=recipient_id, sent_at__isnull=True)
            .select_related(
                "duty",
                "duty__contract",
                "duty__obligation",
                "recipient",
            )
            .order_by("duty__due_date", "pk")
        )
        if not reminders:
            return "skipped"
        user: User = reminders[0].recipient
        items = [_item(r) for r in reminders]
        context = {
            "items": items,
            "count": len(items),
            "overdue": sum(i["overdue"] for i in items),
            "first": items[0],
            "list_url": settings.SITE_URL.rstrip("/") + reverse("notification_list"),
        }
        with translation.override(user.language):
            subject = " ".join(render_to_string("emails/duty_reminder_subject.txt", context).split())
            body = render_to_string("emails/duty_reminder_body.txt", context)
            html = render_to_string("emails/duty_reminder_body.html", context)
        fresh = [r.pk for r in reminders if r.notified_at is None]
        if fresh:
            notification_create(
                user=user,
                title=subject,
                body=body,
                url=items[0]["url"] if len(items) == 1 else reverse("home"),
            )
            Reminder.objects.filter(pk__in=fresh).update(notified_at=timezone.now())
    if user.notification_mode == User.NotificationMode.IMMEDIATE:
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        for reminder in reminders:
            if len(message.attachments) >= MAX_ATTACHMENTS:
                break
            attachment = _attachment(reminder)
            if attachment:
                message.attach(attachment[0], attachment[1], "application/pdf")
        message.send()  # a mail error raises: the task retries with backoff
        outcome = "sent"
    else:
        outcome = "in-app"  # the daily digest carries it
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=timezone.now())
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

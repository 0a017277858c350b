"""Delivering recorded reminders: an in-app notification always, e-mail now or in the digest."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clauses.kinds import KINDS
from compliance import events
from compliance.models import Duty, Reminder
from core import pdf
from core.models import Notification, User
from core.notifications import render_email, site_url
from core.services.notifications import notification_create
from core.services.outbox import message_enqueue, message_key

log = logging.getLogger(__name__)


# A reminder message lists at most this many duties (the rest are counted, and all are on the
# person's home page) and carries at most this many pre-filled forms (the rest are linked).
MAX_LISTED = 50
MAX_ATTACHMENTS = 10
# The outbox builds the pre-filled forms when it sends (registered in ComplianceConfig.ready).
ATTACHMENT_BUILDER = "compliance.duty_form"


def _item(reminder: Reminder) -> dict:
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
        "url": site_url(f"{reverse('contracts:contract_detail', args=[contract.pk])}#duty-{duty.pk}"),
        "form_url": site_url(reverse("compliance:duty_form_pdf", args=[duty.pk]))
        if duty.obligation.form_id
        else "",
        "form_error": "",
    }


def _form_error(duty) -> str:
    """Why the duty's form cannot be pre-filled ("" when it can, or when it names none)."""
    form_id = duty.obligation.form_id
    if not form_id:
        return ""
    try:
        # A savepoint: a failed query of the prefill must not abort the whole delivery.
        with transaction.atomic():
            form = pdf.get_form(form_id)
            if form.prefill is None:
                raise ValueError("the form has no prefill function")
            form.prefill(duty)
    except Exception as exc:  # any app's prefill: one duty never holds the others back
        log.warning("Form %s for duty %s cannot be pre-filled: %r", form_id, duty.pk, exc)
        return f"{form_id}: {type(exc).__name__}: {exc}"[:300]
    return ""


def _items(reminders: list[Reminder]) -> tuple[list[dict], dict[int, str]]:
    """The message's items and, per reminder, what could not be delivered of it."""
    items: list[dict] = []
    errors: dict[int, str] = {}
    for reminder in reminders:
        try:
            with transaction.atomic():
                item = _item(reminder)
        except Exception as exc:
            log.exception("Reminder %s cannot be rendered", reminder.pk)
            errors[reminder.pk] = f"item: {type(exc).__name__}: {exc}"[:300]
            continue
        error = _form_error(reminder.duty)
        if error:
            # Listed without its form: the text says the form could not be prepared.
            item["form_url"] = ""
            item["form_error"] = error
            errors[reminder.pk] = error
        items.append(item)
    return items, errors


def duty_form_attachment(spec: dict) -> tuple[str, bytes, str] | None:
    """Outbox attachment builder: a duty's pre-filled form, rendered when the mail is sent."""
    duty = Duty.objects.select_related("contract", "obligation").filter(pk=spec["duty_id"]).first()
    if duty is None or not duty.obligation.form_id:
        return None
    data = pdf.render_form_for(duty.obligation.form_id, duty)
    return f"{duty.obligation.form_id}-{duty.pk}.pdf", data, "application/pdf"


def _notification_path(items: list[dict]) -> str:
    """Where the in-app notice leads: the duty, the contract of all its duties, or the home page
    (which lists what is due). A path, not the e-mail's absolute URL: the portal's own link."""
    duties = [i["duty"] for i in items]
    contracts = {d.contract_id for d in duties}
    if len(contracts) != 1:
        return reverse("core:home")
    path = reverse("contracts:contract_detail", args=[duties[0].contract_id])
    return f"{path}#duty-{duties[0].pk}" if len(duties) == 1 else path


def reminders_deliver(*, recipient_id: int, reminder_ids: list[int]) -> str:
    """One notification and (immediate mode) one e-mail for a person's new reminders.

    Both are recorded in one transaction with the reminders marked handed over, so a person gets
    both or neither and a second delivery finds nothing to do; the outbox sends the e-mail after
    commit. A duty that cannot be rendered or whose form cannot be pre-filled is recorded on its
    reminder (delivery_error) and the message goes out with the rest.
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
        now = timezone.now()
        items, errors = _items(reminders)
        for pk, error in errors.items():
            Reminder.objects.filter(pk=pk).update(delivery_error=error)
        handled = [r.pk for r in reminders]
        if not items:
            Reminder.objects.filter(pk__in=handled).update(sent_at=now)
            return "failed"
        listed = items[:MAX_LISTED]
        context = {
            "items": listed,
            "count": len(items),
            "overdue": sum(i["overdue"] for i in items),
            "first": items[0],
            "more": len(items) - len(listed),
            "home_url": site_url(reverse("core:home")),
            "list_url": site_url(reverse("core:notification_list")),
        }
        subject, body, html = render_email(template="duty_reminder", context=context, language=user.language)
        fresh = [r.pk for r in reminders if r.notified_at is None]
        if fresh:
            notification_create(
                user=user,
                title=subject,
                body=body,
                url=_notification_path(items),
            )
            Reminder.objects.filter(pk__in=fresh).update(notified_at=now)
        if user.notification_mode == User.NotificationMode.IMMEDIATE:
            with_forms = [i for i in listed if i["form_url"]][:MAX_ATTACHMENTS]
            message_enqueue(
                key=message_key(events.OUTBOUND_DUTY_REMINDER, user.pk, *sorted(handled)),
                kind=events.OUTBOUND_DUTY_REMINDER,
                to=[user.email],
                subject=subject,
                body=body,
                html=html,
                attachments=[{"builder": ATTACHMENT_BUILDER, "duty_id": i["duty"].pk} for i in with_forms],
            )
            outcome = "queued"
        else:
            outcome = "in-app"  # the daily digest carries it
        Reminder.objects.filter(pk__in=handled).update(sent_at=now)
    return outcome


def reminders_deliver_pending(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver reminders whose delivery task was lost (publish failed, worker died); per person.

    Reminders younger than the grace period are left to their own delivery task.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.REMINDER_DELIVERY_GRACE_SECONDS)
    batches: dict[int, list[int]] = defaultdict(list)
    for pk, recipient_id in (
        Reminder.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", "recipient_id")[:limit]
    ):
        batches[recipient_id].append(pk)
    delivered = 0
    for recipient_id, ids in batches.items():
        try:
            outcome = reminders_deliver(recipient_id=recipient_id, reminder_ids=ids)
        except Exception:
            # One person's failure is logged and retried next minute; the others go on.
            log.exception("Delivery of reminders %s to user %s failed", ids, recipient_id)
            continue
        delivered += outcome != "skipped"
    return delivered


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
            for note in items:
                # In-app links are paths; a mail needs them on the configured site URL.
                note.mail_url = site_url(note.url) if note.url.startswith("/") else note.url
            with translation.override(user.language):
                subject = " ".join(
                    render_to_string("emails/digest_subject.txt", {"count": len(items)}).split()
                )
                body = render_to_string("emails/digest_body.txt", {"items": items, "user": user})
            message_enqueue(
                key=message_key(events.OUTBOUND_DIGEST, user.pk, items[0].pk, items[-1].pk),
                kind=events.OUTBOUND_DIGEST,
                to=[user.email],
                subject=subject,
                body=body,
            )
            sent += 1
    return sent

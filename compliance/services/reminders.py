"""Reminders: a sweep finds duties entering a reminder window and records each reminder under a
unique key before anything is sent, so a re-run or a second worker never sends twice, and a
missed run catches up (windows, not equality on dates). Delivery: compliance.services.delivery."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from compliance.models import Duty, Reminder
from contracts.models import Contract
from core.models import Membership, Role
from core.services.outbox import publish


def offsets() -> list[int]:
    return sorted(set(settings.REMINDER_OFFSETS_DAYS), reverse=True)


def window_for(due: date, today: date) -> str | None:
    """The reminder window a due date is in today: 'before:N' (the nearest offset not yet passed)
    or 'overdue:<day>' (one escalation a day)."""
    days_left = (due - today).days
    if days_left < 0:
        return f"overdue:{today.isoformat()}"
    for offset in sorted(offsets()):
        if days_left <= offset:
            return f"before:{offset}"
    return None


def _insert_new(rows: list[tuple[int, str, int]], now) -> list[tuple[int, int]]:
    """Insert reminders that do not exist yet; returns (id, recipient) of those this call inserted."""
    if not rows:
        return []
    table = Reminder._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params: list = []
    for duty_id, window, user_id in rows:
        params += [duty_id, window, user_id, now]
    sql = (
        f"INSERT INTO {table} (duty_id, window_key, recipient_id, created_at) VALUES {values} "  # noqa: S608 — only placeholders are interpolated
        "ON CONFLICT (duty_id, window_key, recipient_id) DO NOTHING RETURNING id, recipient_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _recipients(duties: list[Duty]) -> dict[int, set[int]]:
    contractor_ids = {d.contract.contractor_id for d in duties}
    body_ids = {d.contract.public_body_id for d in duties}
    named = {d.contract.contractor_responsible_id for d in duties} | {
        d.contract.client_responsible_id for d in duties
    }
    named.discard(None)
    admins: dict[int, set[int]] = defaultdict(set)
    members: dict[int, set[int]] = defaultdict(set)
    # One query: the managers of every party, and whether each named responsible person is still
    # an active member of the party that named them. A person who left (or who was never that
    # party's: contracts made before the form checked it) hears nothing of the contract.
    for org_id, user_id, role in Membership.objects.filter(
        Q(role__in=(Role.CONTRACTOR_ADMIN, Role.CLIENT_ADMIN)) | Q(user_id__in=named),
        organisation_id__in=contractor_ids | body_ids,
        is_active=True,
        user__is_active=True,
    ).values_list("organisation_id", "user_id", "role"):
        members[org_id].add(user_id)
        if role in (Role.CONTRACTOR_ADMIN, Role.CLIENT_ADMIN):
            admins[org_id].add(user_id)
    result: dict[int, set[int]] = {}
    for duty in duties:
        contract: Contract = duty.contract
        contractor_side = set(admins[contract.contractor_id])
        if contract.contractor_responsible_id in members[contract.contractor_id]:
            contractor_side.add(contract.contractor_responsible_id)
        client_side = (
            {contract.client_responsible_id}
            if contract.client_responsible_id in members[contract.public_body_id]
            else set(admins[contract.public_body_id])
        )
        if duty.window.startswith("overdue:"):
            # Escalation: both the contractor's managers and the responsible public-body staff.
            result[duty.pk] = contractor_side | client_side
        else:
            # A subcontractor's duty reaches the contractor, who answers for it (001 §16).
            result[duty.pk] = client_side if duty.obligation.actor == "client" else contractor_side
    return result


@transaction.atomic
def reminder_sweep(*, now=None) -> list[int]:
    """Record the reminders due now; deliveries are queued after commit. Returns new reminder ids."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=max(offsets()))
    duties = list(
        Duty.objects.filter(
            state=Duty.State.OPEN,
            due_date__isnull=False,
            due_date__lte=horizon,
            contract__status=Contract.Status.ACTIVE,
        ).select_related("contract", "obligation")
    )
    for duty in duties:
        duty.window = window_for(duty.due_date, today)
    duties = [d for d in duties if d.window]
    recipients = _recipients(duties)
    rows = [(d.pk, d.window, user_id) for d in duties for user_id in sorted(recipients[d.pk])]
    inserted = _insert_new(rows, now)
    # One delivery per person per sweep: a manager with many duties gets one message listing them.
    batches: dict[int, list[int]] = defaultdict(list)
    for reminder_id, recipient_id in inserted:
        batches[recipient_id].append(reminder_id)
    if batches:
        from compliance.tasks import deliver_reminders

        # The reminder rows are the outbox of their delivery: a publish that fails (broker down,
        # process killed) is logged, and deliver_pending_reminders catches the rows up.
        transaction.on_commit(
            lambda: [
                publish(deliver_reminders, recipient_id=r, reminder_ids=ids) for r, ids in batches.items()
            ]
        )
    return [reminder_id for reminder_id, _ in inserted]

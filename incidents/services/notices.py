"""Who is told about an incident, in the portal and by e-mail, and the escalation of a report
the public body has not acknowledged in time.

Every entry of a timeline is told, after its COMMIT, by a Celery task (tasks.notify_entry) to
the other side and to the rest of its own (never to the one who recorded it):

* the public body's staff of the contract (its responsible person, the staff of its department;
  the body's administrators when it has neither), for what the reporting side records;
* the managers of the reporting tier and of every tier above it — the contractor included —
  for everything (001 §24.2: a subcontractor's incident reaches the party above it as well as
  the public body). A sibling tier, or one below the reporter, is never told.

A person is told once per entry: the `IncidentNotice` row under its unique key is written first,
in the same transaction as the notification and the mail (the outbox sends it after COMMIT), so
a re-run or a second worker tells nobody twice. The mail names the incident, never its summary.

The escalation (escalation_sweep, on beat): a report not acknowledged within INCIDENT_ACK_HOURS,
counted only on the public body's business days (core.business_days), is told to the body's
administrators — once per incident and administrator, under the same kind of key. The sweep
also tells what a lost publish left untold (entries of the last day with no notice yet).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.selectors.contracts import organisation_people
from core.business_days import calendar_for
from core.models import Membership, Role, User
from core.notifications import render_email, site_url
from core.services.notifications import notification_create
from core.services.outbox import message_enqueue
from incidents.models import CONTRACTOR_KINDS, EntryKind, Incident, IncidentEntry, IncidentNotice
from incidents.selectors.incidents import REPORTING_STATUSES, upstream_of, with_state

MAIL_TEMPLATE = "incident"
# Entries the reporting side records: the public body is told of them.
_TO_THE_BODY = (EntryKind.FIRST_REPORT, *CONTRACTOR_KINDS, EntryKind.INSTRUCTION_ACKNOWLEDGEMENT)


def body_staff(contract) -> list[User]:
    """The public body's people for the contract: the staff of its department and its
    responsible person, else the body's administrators."""
    staff = [
        m.user
        for m in Membership.objects.filter(
            organisation_id=contract.public_body_id,
            role=Role.CLIENT_STAFF,
            is_active=True,
            department_id=contract.department_id,
        ).select_related("user")
    ]
    if contract.client_responsible_id and all(u.pk != contract.client_responsible_id for u in staff):
        staff.append(contract.client_responsible)
    return staff or organisation_people([contract.public_body_id], Role.CLIENT_ADMIN)


def contractor_side(incident: Incident) -> list[User]:
    """The managers of the reporting tier and of every tier above it."""
    parties = [incident.organisation_id, *upstream_of(incident.contract, incident.organisation_id)]
    return organisation_people(parties, Role.CONTRACTOR_ADMIN)


def entry_recipients(entry: IncidentEntry) -> list[User]:
    incident = entry.incident
    people = list(contractor_side(incident))
    if entry.kind in _TO_THE_BODY:
        people += body_staff(incident.contract)
    unique = {u.pk: u for u in people if u.pk != entry.actor_id and u.is_active}
    return [unique[pk] for pk in sorted(unique)]


def _title(incident: Incident, what: str) -> str:
    return _("%(what)s: incident #%(n)s of %(contract)s (%(category)s), %(org)s") % {
        "what": what,
        "n": incident.number,
        "contract": incident.contract.number,
        "category": incident.get_category_display(),
        "org": incident.organisation.name,
    }


def _tell(*, key: str, incident: Incident, entry: IncidentEntry | None, user: User, what: str) -> bool:
    """Tell one person once: the notice row, the notification and (for immediate mail) the mail,
    in one transaction; False when the key was told already."""
    path = reverse("incidents:incident_detail", args=[incident.pk])
    try:
        with transaction.atomic():
            IncidentNotice.objects.create(key=key, incident=incident, entry=entry, user=user)
            with translation.override(user.language):
                title = _title(incident, what)
                notification_create(user=user, title=title, url=path)
                if user.notification_mode == User.NotificationMode.IMMEDIATE:
                    context = {
                        "recipient": str(user),
                        "title": title,
                        "url": site_url(path),
                        "profile_url": site_url(reverse("core:profile")),
                    }
                    subject, body, _html = render_email(
                        template=MAIL_TEMPLATE, context=context, language=user.language
                    )
                    message_enqueue(key=key, kind=MAIL_TEMPLATE, to=[user.email], subject=subject, body=body)
    except IntegrityError:
        return False
    return True


def _what(entry: IncidentEntry) -> str:
    if entry.kind == EntryKind.FIRST_REPORT:
        return _("Incident reported")
    return str(entry.get_kind_display())


def entry_notify(*, entry_id: int) -> int:
    """Tell everyone concerned about one entry; the number of people told now."""
    entry = (
        IncidentEntry.objects.select_related(
            "incident",
            "incident__contract",
            "incident__contract__client_responsible",
            "incident__organisation",
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return 0
    told = 0
    for user in entry_recipients(entry):
        with translation.override(user.language):
            what = _what(entry)
        told += _tell(
            key=f"incident:{entry.pk}:{user.pk}", incident=entry.incident, entry=entry, user=user, what=what
        )
    return told


def business_hours_between(start: datetime, end: datetime, calendar) -> float:
    """Hours from start to end that fall on the calendar's business days (Japan time): a report
    made on a Friday evening waits over the weekend, as the body's offices do."""
    tz = timezone.get_default_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    if end <= start:
        return 0.0
    hours = 0.0
    day = start.date()
    while day <= end.date():
        if calendar.is_business_day(day):
            day_start = datetime(day.year, day.month, day.day, tzinfo=tz)
            lo, hi = max(start, day_start), min(end, day_start + timedelta(days=1))
            if hi > lo:
                hours += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return hours


def escalation_sweep(*, now: datetime | None = None) -> list[int]:
    """Tell the public body's administrators, once, of each report not acknowledged within
    INCIDENT_ACK_HOURS business hours; then catch up entries of the last day nobody was told of.
    The ids of the incidents escalated by this run."""
    now = now or timezone.now()
    limit = settings.INCIDENT_ACK_HOURS
    waiting = (
        with_state(
            Incident.objects.filter(
                contract__status__in=REPORTING_STATUSES,
                # Wall-clock hours are at least the business hours: a cheap first filter.
                reported_at__lte=now - timedelta(hours=limit),
            )
        )
        .filter(acknowledged_at__isnull=True, closed_at__isnull=True)
        .select_related("contract", "contract__public_body", "organisation")
    )
    escalated = []
    for incident in waiting:
        if (
            business_hours_between(incident.reported_at, now, calendar_for(incident.contract.public_body))
            < limit
        ):
            continue
        told = 0
        for user in organisation_people([incident.contract.public_body_id], Role.CLIENT_ADMIN):
            with translation.override(user.language):
                what = _("Not acknowledged within %(hours)s business hours") % {"hours": limit}
            told += _tell(
                key=f"incident-escalation:{incident.pk}:{user.pk}",
                incident=incident,
                entry=None,
                user=user,
                what=what,
            )
        if told:
            escalated.append(incident.pk)
    untold = IncidentEntry.objects.filter(recorded_at__gte=now - timedelta(days=1)).exclude(
        pk__in=IncidentNotice.objects.filter(entry__isnull=False).values("entry_id")
    )
    for entry_id in untold.values_list("pk", flat=True):
        entry_notify(entry_id=entry_id)
    return escalated

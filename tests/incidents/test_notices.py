"""Who is told of an incident (001 §24.2: a subcontractor's incident reaches the public body and
every party above it, never a sibling), told once however often the task runs, and the
escalation of a report the public body has not acknowledged within INCIDENT_ACK_HOURS business
hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.business_days import BusinessCalendar
from core.models import Notification, OutboundMessage
from incidents.models import IncidentEntry, IncidentNotice
from incidents.services import incidents as services
from incidents.services.notices import business_hours_between, entry_notify, escalation_sweep
from tests.incidents.conftest import SUMMARY, m, report

JST = ZoneInfo("Asia/Tokyo")


def _told(membership) -> list[str]:
    # The chain's own notices (its approvals) are not the incident's.
    mine = Notification.objects.filter(user=membership.user, title__contains="事故")
    return list(mine.values_list("title", flat=True))


def test_a_sub_subcontractors_report_reaches_every_tier_above_and_the_public_body(
    side, subs, contract, chain, sibling_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly on commit
        incident = report(subs.staff["y"], contract)
    for membership in (subs.admins["y"], subs.admins["x"], side.contractor_admin, side.client_staff):
        titles = _told(membership)
        assert len(titles) == 1 and "事故" in titles[0] and contract.number in titles[0], membership
        assert SUMMARY not in titles[0]
    # Not the sibling tier, not the reporter itself, not the workers, not the auditor.
    for membership in (sibling_admin, subs.staff["y"], subs.staff["x"], side.contractor_staff, side.auditor):
        assert _told(membership) == [], membership
    mails = OutboundMessage.objects.filter(kind="incident")
    assert mails.count() == 4 and all(SUMMARY not in m.body for m in mails)
    # The task again (a re-delivery, a second worker): nobody is told twice.
    entry = IncidentEntry.objects.get(incident=incident)
    assert entry_notify(entry_id=entry.pk) == 0
    assert Notification.objects.filter(title__contains="事故").count() == 4 and mails.count() == 4


def test_the_public_bodys_answer_goes_to_the_reporting_side(
    side, subs, contract, chain, django_capture_on_commit_callbacks
):
    incident = report(subs.admins["y"], contract)
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_acknowledge(incident=incident, **m(side.client_staff))
    assert len(_told(subs.admins["y"])) == 1 and len(_told(side.contractor_admin)) == 1
    assert _told(side.client_staff) == [] and _told(side.client_admin) == []


def test_business_hours_skip_the_days_the_offices_are_closed():
    calendar = BusinessCalendar()
    friday_night = datetime(2025, 3, 7, 23, 0, tzinfo=JST)
    assert business_hours_between(friday_night, datetime(2025, 3, 10, 0, 30, tzinfo=JST), calendar) == 1.5
    assert business_hours_between(friday_night, datetime(2025, 3, 10, 1, 30, tzinfo=JST), calendar) == 2.5
    # 2025-03-20 is a national holiday (春分の日): none of its hours count.
    holiday = datetime(2025, 3, 20, 9, 0, tzinfo=JST)
    assert business_hours_between(holiday, holiday + timedelta(hours=8), calendar) == 0


def test_an_unacknowledged_report_is_escalated_to_the_bodys_administrators_once(
    side, contract, chain, settings
):
    settings.INCIDENT_ACK_HOURS = 2
    incident = report(side.contractor_staff, contract)
    admin = side.client_admin
    assert escalation_sweep(now=incident.reported_at + timedelta(hours=1)) == []
    # Two weeks on, whatever the calendar, more than two business hours have passed.
    later = incident.reported_at + timedelta(days=14)
    assert escalation_sweep(now=later) == [incident.pk]
    escalated = [t for t in _told(admin) if "受領確認がありません" in t]
    assert len(escalated) == 1
    assert escalation_sweep(now=later + timedelta(hours=1)) == []
    assert len([t for t in _told(admin) if "受領確認がありません" in t]) == 1
    # The sweep also told what the lost publish left untold (the report itself, here).
    assert IncidentNotice.objects.filter(entry__isnull=False).exists()
    # An acknowledged report is not escalated.
    other = report(side.contractor_staff, contract)
    services.incident_acknowledge(incident=other, **m(side.client_staff))
    assert escalation_sweep(now=other.reported_at + timedelta(days=14)) == []

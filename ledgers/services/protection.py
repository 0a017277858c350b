"""Whether each computer's anti-virus pattern and updates are current (001 §18(4)d・e, 002 §10,
004 §8): the daily sweep records when one falls out of date, and recording a newer version that
brings it up to date records that too. The clauses' duty of keeping them current opens on the
first event (one duty per device) and is met by the second, through the duty engine.

The sweep is idempotent: a device already reported out of date since its latest version is not
reported again, so a re-run or two workers never open a second duty for the same lapse.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.audit import record_event, record_events
from core.models import Event
from ledgers import events
from ledgers.models import DeviceVersion
from ledgers.models.devices import COMPUTERS, DeviceStatus
from ledgers.selectors.devices import protection_of


def max_ages() -> tuple[int, int]:
    """The allowed age in days of the anti-virus pattern and of the last update."""
    return (
        getattr(settings, "LEDGER_ANTIVIRUS_MAX_AGE_DAYS", 30),
        getattr(settings, "LEDGER_PATCH_MAX_AGE_DAYS", 90),
    )


def _subject(device_id: int) -> str:
    return f"ledgers.device:{device_id}"


def _reported_stale_since(device_id: int, since) -> bool:
    return Event.objects.filter(
        kind=events.DEVICE_PROTECTION_STALE, data__subject=_subject(device_id), occurred_at__gte=since
    ).exists()


@transaction.atomic
def device_protection_sweep(*, today: date | None = None) -> list[int]:
    """Record DEVICE_PROTECTION_STALE for every computer in use whose latest version's dates are
    older than allowed and that has not been reported since that version; returns the devices.
    Three queries whatever the number of devices."""
    today = today or timezone.localdate()
    latest = DeviceVersion.objects.filter(device=OuterRef("device")).order_by("-number").values("pk")[:1]
    candidates = list(
        DeviceVersion.objects.filter(
            pk=Subquery(latest),
            kind__in=COMPUTERS,
            status=DeviceStatus.IN_USE,
            device__contract__status="active",
        ).select_related("device")
    )
    ages = max_ages()
    stale = [v for v in candidates if protection_of(v, today=today, max_ages=ages).stale]
    if not stale:
        return []
    reported = set(
        Event.objects.filter(
            kind=events.DEVICE_PROTECTION_STALE,
            data__subject__in=[_subject(v.device_id) for v in stale],
        ).values_list("data__subject", "occurred_at")
    )
    last_report: dict[str, object] = {}
    for subject, occurred_at in reported:
        if subject not in last_report or occurred_at > last_report[subject]:
            last_report[subject] = occurred_at
    batch = []
    for version in stale:
        subject = _subject(version.device_id)
        if subject in last_report and last_report[subject] >= version.recorded_at:
            continue  # already reported since this version: the open duty covers it
        protection = protection_of(version, today=today, max_ages=ages)
        batch.append(
            {
                "kind": events.DEVICE_PROTECTION_STALE,
                "obj": version.device,
                "contract_id": version.device.contract_id,
                "data": {
                    "subject": subject,
                    "antivirus": protection.antivirus_stale,
                    "patches": protection.patches_stale,
                    "version": version.number,
                },
            }
        )
    if batch:
        record_events(batch)
    return [entry["obj"].pk for entry in batch]


def record_renewal_if_any(*, actor, previous: DeviceVersion, version: DeviceVersion) -> None:
    """Called by device_update in its transaction: a new version that brings a computer reported
    out of date back within the allowed ages records DEVICE_PROTECTION_RENEWED."""
    today = timezone.localdate()
    ages = max_ages()
    if not protection_of(previous, today=today, max_ages=ages).stale:
        return
    if protection_of(version, today=today, max_ages=ages).stale:
        return
    if version.kind not in COMPUTERS or version.status != DeviceStatus.IN_USE:
        return
    if not _reported_stale_since(version.device_id, previous.recorded_at):
        return
    record_event(
        kind=events.DEVICE_PROTECTION_RENEWED,
        actor=actor,
        obj=version.device,
        contract_id=version.device.contract_id,
        data={"subject": _subject(version.device_id), "version": version.number},
    )

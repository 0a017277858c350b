"""Writes of the inspections (000 §5.6(6), 002 §10(2)): recording an inspection with its
findings, and recording a finding's correction — never editing either (models.inspections).

`inspection_record` records `inspection.recorded`, which the shipped templates' periodic duty of
inspecting is met by, and one `inspection.finding_opened` per finding, which opens that finding's
corrective duty (its subject the finding, due on the finding's date: the deadline rule
`event_due_date`); `finding_correct` records `inspection.finding_corrected`, which meets it. The
events carry codes and dates only, never the notes: events outlive the contract's data key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, Person
from contracts.selectors.contracts import organisation_people
from core.audit import record_event
from core.models import Membership, Role
from core.services.notifications import notification_create
from core.validators import NOTE, SHORT_NOTE, check_input
from ledgers import events, permissions
from ledgers.models import (
    Check,
    CheckResult,
    Device,
    FindingCorrection,
    InformationItem,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from ledgers.services.people import person_refusal

# The checks the clauses themselves name (保管状況, データの正確性): never left unchecked.
REQUIRED_CHECKS = (Check.STORAGE, Check.ACCURACY)


def finding_subject(finding: InspectionFinding) -> str:
    return f"ledgers.inspectionfinding:{finding.pk}"


def _check_day(
    day: date, contract: Contract, field: str, errors: dict[str, str], *, after: date | None = None
) -> None:
    if day > timezone.localdate():
        errors[field] = _("Record what has been done, not what is planned.")
    elif day < contract.start_date:
        errors[field] = _("The day is before the contract started.")
    elif after is not None and day < after:
        errors[field] = _("The day is before the inspection that found it.")


def _clean_findings(findings: list[dict], checks: dict[str, str], inspected_on: date) -> dict[str, str]:
    """Each finding says what, the corrective action and a due date on or after the inspection;
    a check marked as a finding has at least one, and a finding belongs to such a check."""
    errors: dict[str, str] = {}
    for n, finding in enumerate(findings, start=1):
        for text in (finding.get("what"), finding.get("action")):
            check_input(texts={"findings": (text, SHORT_NOTE)})
        why = None
        if not (finding.get("what") or "").strip() or not (finding.get("action") or "").strip():
            why = _("Say what was found and how it will be corrected.")
        elif finding.get("due_date") is None:
            why = _("Give the day by which the finding is to be corrected.")
        elif finding["due_date"] < inspected_on:
            why = _("The day to correct it by is before the inspection.")
        elif checks.get(finding.get("found_in")) != CheckResult.FINDING:
            why = _("A finding belongs to a check whose result is 'Finding'.")
        if why and "findings" not in errors:
            # Which row: the form offers several.
            errors["findings"] = _("Finding %(n)s: %(why)s") % {"n": n, "why": why}
    found_in = {f.get("found_in") for f in findings}
    for check, result in checks.items():
        if result == CheckResult.FINDING and check not in found_in:
            errors[f"{check}_result"] = _(
                "Record the finding below: what was found and how it will be corrected."
            )
    return errors


def inspection_record(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    inspected_on: date,
    inspector: Person,
    storage_result: str,
    accuracy_result: str,
    backup_result: str,
    restore_result: str,
    storage_note: str = "",
    accuracy_note: str = "",
    backup_note: str = "",
    restore_note: str = "",
    items: Iterable[InformationItem] = (),
    devices: Iterable[Device] = (),
    findings: Iterable[dict] = (),
) -> Inspection:
    """Record an inspection by the actor's party of what it keeps, with its findings (each a dict
    of found_in, what, action, due_date)."""
    if not permissions.can_keep_devices(actor, actor_membership, contract):
        raise PermissionDenied
    organisation_id = actor_membership.organisation_id
    checks = {
        Check.STORAGE: storage_result,
        Check.ACCURACY: accuracy_result,
        Check.BACKUP: backup_result,
        Check.RESTORE: restore_result,
    }
    notes = {
        "storage_note": (storage_note or "").strip(),
        "accuracy_note": (accuracy_note or "").strip(),
        "backup_note": (backup_note or "").strip(),
        "restore_note": (restore_note or "").strip(),
    }
    check_input(
        texts={name: (value, NOTE) for name, value in notes.items()}, dates={"inspected_on": inspected_on}
    )
    findings = [
        {**f, "what": (f.get("what") or "").strip(), "action": (f.get("action") or "").strip()}
        for f in findings
    ]
    items, devices = list(items), list(devices)
    errors: dict[str, str] = {}
    _check_day(inspected_on, contract, "inspected_on", errors)
    if "inspected_on" not in errors:
        why = person_refusal(contract, organisation_id, inspector, inspected_on)
        if why:
            errors["inspector"] = why
    for check in REQUIRED_CHECKS:
        if checks[check] == CheckResult.NOT_CHECKED:
            errors[f"{check}_result"] = _("The clauses ask this check at every inspection.")
    if any(i.contract_id != contract.pk or i.organisation_id != organisation_id for i in items):
        errors["items"] = _("Choose information your party holds under this contract.")
    if any(d.contract_id != contract.pk or d.organisation_id != organisation_id for d in devices):
        errors["devices"] = _("Choose devices or media your party keeps under this contract.")
    for name, error in _clean_findings(findings, checks, inspected_on).items():
        errors.setdefault(name, error)
    if errors:
        raise ValidationError(errors)
    ok = not findings and all(r != CheckResult.FINDING for r in checks.values())
    contract = Contract.objects.select_related("data_key").get(pk=contract.pk)
    with transaction.atomic():
        inspection = Inspection(
            contract=contract,
            organisation_id=organisation_id,
            inspected_on=inspected_on,
            inspector=inspector,
            storage_result=storage_result,
            accuracy_result=accuracy_result,
            backup_result=backup_result,
            restore_result=restore_result,
            result=InspectionResult.OK if ok else InspectionResult.FINDINGS,
            data_key=contract.data_key,
            recorded_by=actor,
            **notes,
        )
        inspection.full_clean()
        inspection.save()
        if items:
            inspection.items.set(items)
        if devices:
            inspection.devices.set(devices)
        made = [
            InspectionFinding(
                inspection=inspection,
                number=n,
                found_in=f["found_in"],
                what=f["what"],
                action=f["action"],
                due_date=f["due_date"],
                data_key=contract.data_key,
            )
            for n, f in enumerate(findings, start=1)
        ]
        for finding in made:
            finding.full_clean(exclude=["inspection"])
        InspectionFinding.objects.bulk_create(made)
        record_event(
            kind=events.INSPECTION_RECORDED,
            actor=actor,
            obj=inspection,
            contract_id=contract.pk,
            data={
                "effective_date": inspected_on.isoformat(),
                "organisation": organisation_id,
                "checks": {str(k): str(v) for k, v in checks.items()},
                "result": inspection.result,
                "findings": len(made),
                "items": [i.pk for i in items],
                "devices": [d.pk for d in devices],
            },
        )
        for finding in made:
            record_event(
                kind=events.INSPECTION_FINDING_OPENED,
                actor=actor,
                obj=finding,
                contract_id=contract.pk,
                data={
                    "inspection": inspection.pk,
                    "found_in": finding.found_in,
                    # The corrective duty falls due on this day (deadline rule event_due_date).
                    "due_date": finding.due_date.isoformat(),
                },
            )
        if made:
            _tell_managers(actor, contract, organisation_id, inspection, len(made))
    return inspection


def _tell_managers(
    actor, contract: Contract, organisation_id: int, inspection: Inspection, count: int
) -> None:
    """The party's managers are told what is to be corrected: they answer for the corrections."""
    url = reverse("ledgers:inspection_detail", args=[inspection.pk])
    title = _("Inspection of %(day)s: %(n)s finding(s) to correct (%(number)s)") % {
        "day": inspection.inspected_on.isoformat(),
        "n": count,
        "number": contract.number,
    }
    for user in organisation_people(organisation_id, Role.CONTRACTOR_ADMIN):
        if user.pk != actor.pk:
            notification_create(user=user, title=title, url=url)


def finding_correct(
    *,
    actor,
    actor_membership: Membership,
    finding: InspectionFinding,
    corrected_on: date,
    corrected_by: Person,
    note: str = "",
) -> FindingCorrection:
    """Record that a finding was put right: once, by the party whose inspection found it."""
    inspection = finding.inspection
    contract = inspection.contract
    if not (
        permissions.can_keep_devices(actor, actor_membership, contract)
        and actor_membership.organisation_id == inspection.organisation_id
    ):
        raise PermissionDenied
    note = (note or "").strip()
    check_input(texts={"note": (note, NOTE)}, dates={"corrected_on": corrected_on})
    errors: dict[str, str] = {}
    _check_day(corrected_on, contract, "corrected_on", errors, after=inspection.inspected_on)
    if "corrected_on" not in errors:
        why = person_refusal(contract, inspection.organisation_id, corrected_by, corrected_on)
        if why:
            errors["corrected_by"] = why
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The finding's row is the lock: two people correcting it at once record one correction.
        InspectionFinding.objects.select_for_update().filter(pk=finding.pk).first()
        if FindingCorrection.objects.filter(finding=finding).exists():
            raise ValidationError({"corrected_on": _("This finding's correction is already recorded.")})
        correction = FindingCorrection(
            finding=finding,
            corrected_on=corrected_on,
            corrected_by=corrected_by,
            note=note,
            data_key_id=contract.data_key_id,
            recorded_by=actor,
        )
        correction.full_clean()
        correction.save()
        record_event(
            kind=events.INSPECTION_FINDING_CORRECTED,
            actor=actor,
            obj=finding,
            contract_id=contract.pk,
            data={
                "effective_date": corrected_on.isoformat(),
                "inspection": inspection.pk,
                "due_date": finding.due_date.isoformat(),
            },
        )
    return correction

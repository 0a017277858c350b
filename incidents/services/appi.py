"""The public body's APPI judgement of an incident and the reports it sent to the Personal
Information Protection Commission (個人情報保護委員会).

The statutory template (clauses/clause_library/statutory-appi.yaml) opens the body's duties on
the judgement's event, dated from the day the body became aware (`effective_date`), in calendar
days: the preliminary report (速報) and the final report (確報) in 30 days, or in 60 when the
breach may have been done for an unlawful purpose. The reports sent meet them.

The duties' subject is the incident's APPI clock (`appi_subject`), not the incident: the
contractor templates name the same report kinds for the contractor's own written report to the
body (001 §24.1(4), 003 §17.2 …), and the body's report to the Commission must never meet those.

A judgement is revised by a newer one; the latest counts. The engine opens a duty once while it
is open (a re-recorded opening event changes nothing), so a revision that changes the clock
(reportable or not, the awareness day, the unlawful-purpose category) first records the
judgement with the clock's subject as ended (its open duties close as no longer needed, those
met stay met), then the opening event of the new clock.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.models import Membership
from core.validators import check_input
from incidents import appi, events, permissions
from incidents.models import AppiJudgement, AppiReport, Incident

REPORT_EVENTS = {
    AppiReport.Stage.PRELIMINARY: events.INCIDENT_PRELIMINARY_REPORTED,
    AppiReport.Stage.FINAL: events.INCIDENT_FINAL_REPORTED,
}


def appi_subject(incident: Incident) -> str:
    return f"incidents.incident:{incident.pk}:appi"


def _clock(judgement: AppiJudgement | None) -> tuple | None:
    """What the duties are counted from: None when nothing is reportable."""
    if judgement is None or not judgement.reportable:
        return None
    return (judgement.aware_on, appi.UNLAWFUL_PURPOSE in judgement.categories)


def appi_judge(
    *,
    actor,
    actor_membership: Membership,
    incident: Incident,
    categories: list[str],
    persons_affected: int | None,
    aware_on: date,
) -> AppiJudgement:
    """The public body judges whether the breach is to be reported to the Commission: the
    categories that hold, how many people, and the day it became aware (the clocks' start)."""
    if not permissions.can_judge_appi(actor, actor_membership, incident):
        raise PermissionDenied
    check_input(dates={"aware_on": aware_on})
    if aware_on > timezone.localdate():
        raise ValidationError({"aware_on": _("The day the public body became aware is in the future.")})
    unknown = set(categories) - {c.code for c in appi.CATEGORIES}
    if unknown:
        raise ValidationError({"categories": _("Choose among the categories shown.")})
    held = appi.judged_categories(ticked=categories, persons=persons_affected)
    with transaction.atomic():
        # The incident's row is the lock: two judgements at once are taken one after the other.
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        previous = AppiJudgement.objects.filter(incident=incident).order_by("-pk").first()
        judgement = AppiJudgement(
            incident=incident,
            categories=held,
            persons_affected=persons_affected,
            threshold=appi.THRESHOLDS[appi.BODY_KIND],
            aware_on=aware_on,
            reportable=bool(held),
            actor=actor,
            organisation_id=actor_membership.organisation_id,
        )
        judgement.full_clean()
        judgement.save()
        subject = appi_subject(incident)
        before, after = _clock(previous), _clock(judgement)
        data = {
            "subject": subject,
            "number": incident.number,
            "reportable": judgement.reportable,
            "categories": held,
            "persons_affected": persons_affected,
            "threshold": judgement.threshold,
            "effective_date": aware_on.isoformat(),
            "revises": previous.pk if previous else None,
        }
        if before is not None and before != after:
            data["ended_subjects"] = [subject]  # the earlier clock's open duties no longer apply
        record_event(
            kind=events.INCIDENT_APPI_JUDGED,
            actor=actor,
            obj=judgement,
            organisation_id=actor_membership.organisation_id,
            contract_id=incident.contract_id,
            data=data,
        )
        if after is not None and before != after:
            # One opening kind per clock: the template's 速報 opens on either, its 30-day final
            # report on the first and its 60-day one on the second.
            record_event(
                kind=events.INCIDENT_APPI_UNLAWFUL_PURPOSE if after[1] else events.INCIDENT_APPI_REPORTABLE,
                actor=actor,
                obj=judgement,
                organisation_id=actor_membership.organisation_id,
                contract_id=incident.contract_id,
                data={"subject": subject, "number": incident.number, "effective_date": aware_on.isoformat()},
            )
    return judgement


def appi_report_record(
    *,
    actor,
    actor_membership: Membership,
    incident: Incident,
    stage: str,
    sent_on: date,
    method: str,
    reference: str = "",
) -> AppiReport:
    """The public body records a report it sent to the Commission: which, when, how and the
    reference number it got. It meets the duty of that report (its day is the report's)."""
    if not permissions.can_judge_appi(actor, actor_membership, incident):
        raise PermissionDenied
    reference = (reference or "").strip()
    check_input(texts={"reference": (reference, 100)}, dates={"sent_on": sent_on})
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        judgement = AppiJudgement.objects.filter(incident=incident).order_by("-pk").first()
        if judgement is None or not judgement.reportable:
            raise ValidationError({"stage": _("Record a judgement that the breach is reportable first.")})
        if AppiReport.objects.filter(incident=incident, stage=stage).exists():
            raise ValidationError({"stage": _("This report is already recorded as sent.")})
        if sent_on > timezone.localdate():
            raise ValidationError({"sent_on": _("The day it was sent is in the future.")})
        if sent_on < judgement.aware_on:
            raise ValidationError(
                {"sent_on": _("It cannot have been sent before the public body became aware.")}
            )
        report = AppiReport(
            incident=incident,
            stage=stage,
            sent_on=sent_on,
            method=method,
            reference=reference,
            actor=actor,
            organisation_id=actor_membership.organisation_id,
        )
        report.full_clean()
        report.save()
        record_event(
            kind=REPORT_EVENTS[stage],
            actor=actor,
            obj=report,
            organisation_id=actor_membership.organisation_id,
            contract_id=incident.contract_id,
            data={
                "subject": appi_subject(incident),
                "number": incident.number,
                "method": method,
                "effective_date": sent_on.isoformat(),
            },
        )
    return report

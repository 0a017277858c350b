"""Reads of training (教育・研修): plans, sessions and attendance, reports, and who on the roster
has no training in a period. Callers pass a contract they already obtained through the access
helper (contracts.access), so everything here is scoped to a contract the user may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from contracts.models import (
    Attendance,
    Contract,
    RosterEntry,
    TrainingPlan,
    TrainingReport,
    TrainingSession,
)
from contracts.selectors.roster import current_entries, roster_in_force
from core.approvals import ApprovalState

OPEN_STATES = (ApprovalState.DRAFT, ApprovalState.RETURNED, ApprovalState.SUBMITTED)
# A report in these states speaks for its period: the sessions in it are no longer changed.
REPORTED_STATES = (ApprovalState.SUBMITTED, ApprovalState.APPROVED)


def training_plans(contract: Contract) -> QuerySet[TrainingPlan]:
    return (
        TrainingPlan.objects.filter(contract=contract)
        .select_related("submitted_by", "decided_by", "created_by")
        .order_by("-number")
    )


def open_plan(contract: Contract) -> TrainingPlan | None:
    """The plan being drafted, corrected or waiting for the public body's decision."""
    return TrainingPlan.objects.filter(contract=contract, approval_state__in=OPEN_STATES).first()


def approved_plan(contract: Contract) -> TrainingPlan | None:
    """The plan in force: the latest one the public body approved."""
    return (
        TrainingPlan.objects.filter(contract=contract, approval_state=ApprovalState.APPROVED)
        .order_by("-number")
        .first()
    )


def latest_plan(contract: Contract) -> TrainingPlan | None:
    return TrainingPlan.objects.filter(contract=contract).order_by("-number").first()


def period_for(contract: Contract, plan: TrainingPlan | None) -> tuple[date, date]:
    """The period a plan covers; without one, the contract's period so far."""
    if plan is not None:
        return plan.period_start, plan.period_end
    today = timezone.localdate()
    return contract.start_date, max(contract.start_date, min(today, contract.end_date))


def default_period(contract: Contract) -> tuple[date, date]:
    """The period the overview looks at: the approved plan's, else the contract's so far."""
    return period_for(contract, approved_plan(contract))


def training_sessions(
    contract: Contract, *, start: date | None = None, end: date | None = None
) -> QuerySet[TrainingSession]:
    """Sessions of the contract (within [start, end] when given), newest first, with head counts."""
    sessions = TrainingSession.objects.filter(contract=contract)
    if start is not None:
        sessions = sessions.filter(held_on__gte=start)
    if end is not None:
        sessions = sessions.filter(held_on__lte=end)
    return (
        sessions.select_related("materials")
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "-pk")
    )


def session_attendances(session: TrainingSession) -> QuerySet[Attendance]:
    return Attendance.objects.filter(session=session).select_related("person").order_by("person_id")


def sessions_with_attendees(contract: Contract, *, start: date, end: date) -> list[TrainingSession]:
    """The sessions of a period, oldest first, each with its attendees (two queries in all)."""
    return list(
        TrainingSession.objects.filter(contract=contract, held_on__gte=start, held_on__lte=end)
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person").order_by("person_id"),
            )
        )
        .order_by("held_on", "pk")
    )


def trainable_on(contract: Contract, on: date) -> QuerySet[RosterEntry]:
    """Who may be recorded as attending a session on `on`: on the roster in force that day and not
    past the end of their period. Their period may start later: training comes before work (the
    clauses want it before work starts), so `people_on` would refuse the usual case."""
    return roster_in_force(contract, on).filter(
        Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=on)
    )


def _on_roster_during(contract: Contract, *, start: date, end: date) -> QuerySet[RosterEntry]:
    """ "On the roster during the period": the latest version of their entry in force at the end of
    the period (removals included: someone who left in the middle still worked in it) whose work
    period overlaps it."""
    return (
        current_entries(contract, on=end)
        .filter(start_date__lte=end)
        .filter(Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=start))
    )


def _attended(contract: Contract, *, start: date, end: date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        session__contract=contract, session__held_on__gte=start, session__held_on__lte=end
    )


def untrained_entries(contract: Contract, *, start: date, end: date) -> QuerySet[RosterEntry]:
    """People on the roster during [start, end] who attended no session held in it. One query
    whatever the number of people (no per-person query)."""
    attended = _attended(contract, start=start, end=end).values("person_id")
    return _on_roster_during(contract, start=start, end=end).exclude(person_id__in=attended)


@dataclass(frozen=True)
class RosterTraining:
    """Who on the roster of a period was trained. `on_roster` == 0 means nobody is on the roster
    yet: "everyone attended" would then be true of no one, and must not be shown as a success."""

    on_roster: int
    untrained: list[RosterEntry]

    @property
    def no_people(self) -> bool:
        return self.on_roster == 0

    @property
    def everyone_trained(self) -> bool:
        return self.on_roster > 0 and not self.untrained


def roster_training(contract: Contract, *, start: date, end: date) -> RosterTraining:
    """The people on the roster during [start, end] and those of them who attended no session in
    it, in one query (the same one query `untrained_entries` costs: the trained are flagged, not
    left out, so that an empty roster can be told from a fully trained one)."""
    entries = list(
        _on_roster_during(contract, start=start, end=end).annotate(
            trained=Exists(_attended(contract, start=start, end=end).filter(person_id=OuterRef("person_id")))
        )
    )
    return RosterTraining(on_roster=len(entries), untrained=[e for e in entries if not e.trained])


def training_reports(contract: Contract) -> QuerySet[TrainingReport]:
    return (
        TrainingReport.objects.filter(contract=contract)
        .select_related("submitted_by", "decided_by", "created_by")
        .order_by("-number")
    )


def report_covering(contract: Contract, on: date) -> TrainingReport | None:
    """A submitted or accepted report whose period includes `on` (its sessions are on record)."""
    return (
        TrainingReport.objects.filter(
            contract=contract,
            approval_state__in=REPORTED_STATES,
            period_start__lte=on,
            period_end__gte=on,
        )
        .order_by("-number")
        .first()
    )

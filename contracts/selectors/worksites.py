"""Reads of the work sites: which were approved on any date, the open change, the history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from clauses import api as clauses_api
from contracts.models import (
    Contract,
    Person,
    SecureAreaRulesAcknowledgement,
    WorksiteAssignment,
    WorksiteChange,
    WorksiteEntry,
)
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.roster import roster_in_force
from core.approvals import ApprovalState

OPEN_STATES = (ApprovalState.DRAFT, ApprovalState.RETURNED, ApprovalState.SUBMITTED)


def _cutoff(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))


def _with_details(entries: QuerySet[WorksiteEntry]) -> QuerySet[WorksiteEntry]:
    """Storage places and the people who work there, in two queries for any number of sites."""
    return entries.select_related("change").prefetch_related(
        "storage_places",
        Prefetch(
            "assignments",
            queryset=WorksiteAssignment.objects.select_related("person").order_by("person_id"),
        ),
    )


def _latest(in_force: Q, contract: Contract) -> QuerySet[WorksiteEntry]:
    latest = (
        WorksiteEntry.objects.filter(in_force, worksite=OuterRef("worksite"))
        .order_by("-change__number")
        .values("pk")[:1]
    )
    return WorksiteEntry.objects.filter(change__contract=contract, pk=Subquery(latest)).order_by(
        "worksite_id"
    )


def current_entries(
    contract: Contract, *, on: date | None = None, pending: bool = False
) -> QuerySet[WorksiteEntry]:
    """The latest version of each site in force at the end of `on` (today), removals included
    (so a change can be drafted against them). pending=True counts the open change too."""
    on = on or timezone.localdate()
    in_force = Q(change__effective_at__lt=_cutoff(on))
    if pending:
        in_force |= Q(change__effective_at__isnull=True, change__approval_state__in=OPEN_STATES)
    return _latest(in_force, contract)


def sites_in_force(
    contract: Contract, on: date | None = None, *, pending: bool = False
) -> QuerySet[WorksiteEntry]:
    """The work sites approved at the end of `on`, with their storage places and people."""
    entries = current_entries(contract, on=on, pending=pending).exclude(action=WorksiteEntry.Action.REMOVE)
    return _with_details(entries)


def sites_with_change(change: WorksiteChange) -> QuerySet[WorksiteEntry]:
    """The sites as they become with `change`: what was approved before it, and the change itself."""
    in_force = Q(change__effective_at__isnull=False, change__number__lt=change.number) | Q(change=change)
    entries = _latest(in_force, change.contract).exclude(action=WorksiteEntry.Action.REMOVE)
    return _with_details(entries)


def change_entries(change: WorksiteChange) -> QuerySet[WorksiteEntry]:
    return _with_details(WorksiteEntry.objects.filter(change=change)).order_by("action", "pk")


def draft_or_current_entry(change: WorksiteChange, worksite_pk: int) -> WorksiteEntry | None:
    """What the edit form starts from: the version drafted in this change, else the approved one."""
    drafted = (
        WorksiteEntry.objects.filter(change=change, worksite_id=worksite_pk)
        .exclude(action=WorksiteEntry.Action.REMOVE)  # a drafted removal: edit the approved version
        .first()
    )
    if drafted is not None:
        return drafted
    return (
        current_entries(change.contract)
        .filter(worksite_id=worksite_pk)
        .exclude(action=WorksiteEntry.Action.REMOVE)
        .first()
    )


def worksite_changes(contract: Contract) -> QuerySet[WorksiteChange]:
    return (
        WorksiteChange.objects.filter(contract=contract)
        .select_related("submitted_by", "decided_by", "created_by")
        .order_by("-number")
    )


def worksites_need_prior_approval(contract: Contract) -> bool:
    """Whether the adopted clauses demand approval of a work site before use (所沢市 §5) or only
    its notice."""
    return clauses_api.worksites_need_prior_approval(contract)


def open_change(contract: Contract) -> WorksiteChange | None:
    """The change being drafted or waiting for the decision (one at a time). A change notified
    under notice-only clauses is already in force: it does not block the next."""
    return (
        WorksiteChange.objects.filter(contract=contract, approval_state__in=OPEN_STATES)
        .exclude(approval_state=ApprovalState.SUBMITTED, effective_at__isnull=False)
        .first()
    )


def previously_approved(change: WorksiteChange) -> bool:
    return WorksiteChange.objects.filter(
        contract_id=change.contract_id, number__lt=change.number, effective_at__isnull=False
    ).exists()


def assignable_people(contract: Contract) -> QuerySet[Person]:
    """People who may be declared at a site: on the roster, or in its open change."""
    on_roster = roster_in_force(contract, pending=True).values("person_id")
    return Person.objects.filter(contract=contract, pk__in=on_roster).order_by("pk")


def rules_acknowledgements(contract: Contract) -> QuerySet[SecureAreaRulesAcknowledgement]:
    return SecureAreaRulesAcknowledgement.objects.filter(contract=contract).select_related("acknowledged_by")


def worksite_change_visible_to(user, membership, pk: int) -> WorksiteChange | None:
    """The change if its contract is one this person may read; None otherwise (404 for the view)."""
    change = (
        WorksiteChange.objects.select_related("contract", "contract__clause_template", "submitted_pdf")
        .defer("contract__clause_template__content")
        .filter(pk=pk)
        .first()
    )
    if change is None or not contracts_visible_to(user, membership).filter(pk=change.contract_id).exists():
        return None
    return change

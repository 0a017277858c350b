"""The contracts app's approvables (core.approvables) and its own panel on the home pages
(core.panels). The pending-approvals and returned-to-me lists are core's: they find these
through the registry, as they will find the next apps'."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from contracts import events
from contracts.models import RosterChange, Subcontract, TrainingPlan, TrainingReport, WorksiteChange
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.subcontracts import subcontracts_held
from core.approvables import Where
from core.models import Role

RELATED = ("contract", "contract__contractor")


def _where(obj) -> Where:
    contract = obj.contract
    return Where(
        contract.number, reverse("contracts:contract_detail", args=[contract.pk]), contract.contractor.name
    )


def _on_visible_contracts(user, membership, qs):
    """What waits for a decision on the contracts this person reads (as the list always showed).
    The public body decides every one of these (a subcontract at any tier too): never the
    contractor's side, whose managers now see the list for what is theirs to decide elsewhere."""
    if membership is not None and membership.is_contractor_side:
        return qs.none()
    return qs.filter(contract__in=contracts_visible_to(user, membership))


def _contractors_own(user, membership, qs):
    """Returned to the contractor's manager, who corrects it (permissions.can_edit_roster)."""
    if membership is None or membership.role != Role.CONTRACTOR_ADMIN:
        return qs.none()
    return qs.filter(contract__contractor_id=membership.organisation_id)


def _entrusting_partys_own(user, membership, qs):
    """A subcontract is corrected by the entrusting party's manager (can_edit_subcontract)."""
    if membership is None or membership.role != Role.CONTRACTOR_ADMIN:
        return qs.none()
    return qs.filter(upstream_id=membership.organisation_id)


def register_approvables() -> None:
    from contracts.services import roster, subcontracts, training, worksites
    from core.approvables import register_approvable

    register_approvable(
        model=RosterChange,
        event_prefix=events.ROSTER_PREFIX,
        policy=roster.policy,
        # A change notified under notice-only clauses is in force: nobody decides it.
        decidable=lambda user, membership, qs: _on_visible_contracts(user, membership, qs).filter(
            needs_approval=True
        ),
        returned=_contractors_own,
        title=lambda c: _("Roster change #%(n)s") % {"n": c.number},
        url=lambda c: reverse("contracts:roster_change", args=[c.pk]),
        where=_where,
        related=RELATED,
    )
    register_approvable(
        model=WorksiteChange,
        event_prefix=events.WORKSITE_PREFIX,
        policy=worksites.policy,
        # As the roster's: a change notified under notice-only clauses is in force, undecided.
        decidable=lambda user, membership, qs: _on_visible_contracts(user, membership, qs).filter(
            needs_approval=True
        ),
        returned=_contractors_own,
        title=lambda c: _("Work-site change #%(n)s") % {"n": c.number},
        url=lambda c: reverse("contracts:worksite_change", args=[c.pk]),
        where=_where,
        related=RELATED,
    )
    register_approvable(
        model=TrainingPlan,
        event_prefix=events.TRAINING_PLAN_PREFIX,
        policy=training.plan_policy,
        decidable=_on_visible_contracts,
        returned=_contractors_own,
        title=lambda p: _("Training plan #%(n)s") % {"n": p.number},
        url=lambda p: reverse("contracts:training_plan", args=[p.pk]),
        where=_where,
        related=RELATED,
    )
    register_approvable(
        model=TrainingReport,
        event_prefix=events.TRAINING_REPORT_PREFIX,
        policy=training.report_policy,
        decidable=_on_visible_contracts,
        returned=_contractors_own,
        title=lambda r: _("Training report #%(n)s") % {"n": r.number},
        url=lambda r: reverse("contracts:training_report", args=[r.pk]),
        where=_where,
        related=RELATED,
    )
    register_approvable(
        model=Subcontract,
        event_prefix=events.SUBCONTRACT_PREFIX,
        policy=subcontracts.policy,
        decidable=_on_visible_contracts,
        returned=_entrusting_partys_own,
        title=lambda s: (
            _("Subcontract to %(org)s (tier %(n)s)") % {"org": s.subcontractor.name, "n": s.depth}
        ),
        url=lambda s: reverse("contracts:subcontract", args=[s.pk]),
        where=_where,
        related=(*RELATED, "subcontractor"),
    )


def held_subcontracts(request) -> dict | None:
    """The work a contractor holds as a subcontractor: its own way into those contracts."""
    held = list(subcontracts_held(request.membership)[:20])
    return {"held": held} if held else None


def register() -> None:
    from core.panels import register_panel

    register_panel(
        template="contracts/panels/held_subcontracts.html",
        roles={Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF},
        provider=held_subcontracts,
    )

"""The contracts app's panels on the home pages (core.panels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.models import RosterChange, Subcontract, TrainingPlan, TrainingReport, WorksiteChange
from contracts.selectors import contracts_visible_to
from contracts.selectors_subcontracts import subcontracts_held
from core.approvals import ApprovalState
from core.models import Role


def pending_approvals(request) -> dict:
    """What waits for this person's decision: roster and work-site changes, training plans and
    reports submitted to the public body (one query per kind, oldest first)."""
    contracts = contracts_visible_to(request.user, request.membership)
    submitted = {"contract__in": contracts, "approval_state": ApprovalState.SUBMITTED}
    related = ("contract", "contract__contractor")
    items = [
        (
            c.submitted_at,
            c.contract,
            _("Roster change #%(n)s") % {"n": c.number},
            reverse("roster_change", args=[c.pk]),
        )
        for c in RosterChange.objects.filter(needs_approval=True, **submitted).select_related(*related)[:30]
    ]
    items += [
        (
            c.submitted_at,
            c.contract,
            _("Work-site change #%(n)s") % {"n": c.number},
            reverse("worksite_change", args=[c.pk]),
        )
        for c in WorksiteChange.objects.filter(**submitted).select_related(*related)[:30]
    ]
    items += [
        (
            p.submitted_at,
            p.contract,
            _("Training plan #%(n)s") % {"n": p.number},
            reverse("training_plan", args=[p.pk]),
        )
        for p in TrainingPlan.objects.filter(**submitted).select_related(*related)[:30]
    ]
    items += [
        (
            r.submitted_at,
            r.contract,
            _("Training report #%(n)s") % {"n": r.number},
            reverse("training_report", args=[r.pk]),
        )
        for r in TrainingReport.objects.filter(**submitted).select_related(*related)[:30]
    ]
    items += [
        (
            s.submitted_at,
            s.contract,
            _("Subcontract to %(org)s (tier %(n)s)") % {"org": s.subcontractor.name, "n": s.depth},
            reverse("subcontract", args=[s.pk]),
        )
        for s in Subcontract.objects.filter(**submitted).select_related(*related, "subcontractor")[:30]
    ]
    items.sort(key=lambda item: item[0])
    return {
        "pending": [
            {"submitted_at": a, "contract": c, "label": label, "url": url} for a, c, label, url in items
        ]
    }


def held_subcontracts(request) -> dict | None:
    """The work a contractor holds as a subcontractor: its own way into those contracts."""
    held = list(subcontracts_held(request.membership)[:20])
    return {"held": held} if held else None


def register() -> None:
    from core.panels import register_panel

    register_panel(
        template="contracts/panels/pending_approvals.html",
        roles={Role.CLIENT_ADMIN, Role.CLIENT_STAFF},
        provider=pending_approvals,
    )
    register_panel(
        template="contracts/panels/held_subcontracts.html",
        roles={Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF},
        provider=held_subcontracts,
    )

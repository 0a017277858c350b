"""The contracts app's panels on the home pages (core.panels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.models import RosterChange, TrainingPlan, TrainingReport, WorksiteChange
from contracts.selectors import contracts_visible_to
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
    items.sort(key=lambda item: item[0])
    return {
        "pending": [
            {"submitted_at": a, "contract": c, "label": label, "url": url} for a, c, label, url in items
        ]
    }


def register() -> None:
    from core.panels import register_panel

    register_panel(
        template="contracts/panels/pending_approvals.html",
        roles={Role.CLIENT_ADMIN, Role.CLIENT_STAFF},
        provider=pending_approvals,
    )

"""The contracts app's panels on the home pages (core.panels)."""

from __future__ import annotations

from contracts.models import RosterChange
from contracts.selectors import contracts_visible_to
from core.approvals import ApprovalState
from core.models import Role


def pending_approvals(request) -> dict:
    """What waits for this person's decision: roster changes submitted for prior approval."""
    contracts = contracts_visible_to(request.user, request.membership)
    changes = (
        RosterChange.objects.filter(
            contract__in=contracts, approval_state=ApprovalState.SUBMITTED, needs_approval=True
        )
        .select_related("contract", "contract__contractor")
        .order_by("submitted_at")[:30]
    )
    return {"roster_changes": list(changes)}


def register() -> None:
    from core.panels import register_panel

    register_panel(
        template="contracts/panels/pending_approvals.html",
        roles={Role.CLIENT_ADMIN, Role.CLIENT_STAFF},
        provider=pending_approvals,
    )

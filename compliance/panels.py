"""The compliance panels on each role's home page."""

from __future__ import annotations

from compliance import selectors
from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to
from core.models import Role

CLIENT = {Role.CLIENT_ADMIN, Role.CLIENT_STAFF}
CONTRACTOR = {Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF}


def my_contracts(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).exclude(status=Contract.Status.ENDED)[
        :20
    ]
    counts = selectors.status_by_contract([c.pk for c in contracts])
    return {"rows": [(c, counts.get(c.pk, selectors.Status())) for c in contracts]}


def due_items(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).filter(status=Contract.Status.ACTIVE)
    actor = "contractor" if request.membership.is_contractor_side else None
    duties = list(selectors.open_duties_for(contracts, actor=actor).filter(due_date__isnull=False)[:15])
    today = selectors.today()
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
    return {"duties": duties}


def overview(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).filter(status=Contract.Status.ACTIVE)
    return {
        "total": selectors.status_total(contracts),
        "overdue": list(selectors.overdue_duties(contracts)[:20]),
    }


def register() -> None:
    from core.panels import register_panel

    register_panel(
        template="compliance/panels/overview.html", roles={Role.AUDITOR, Role.CLIENT_ADMIN}, provider=overview
    )
    register_panel(
        template="compliance/panels/my_contracts.html",
        roles=CLIENT | CONTRACTOR | {Role.AUDITOR},
        provider=my_contracts,
    )
    register_panel(template="compliance/panels/due_items.html", roles=CLIENT | CONTRACTOR, provider=due_items)

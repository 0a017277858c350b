"""The compliance panels: on each role's home page, and on the contract's pages (in contracts).

Both are core.panels registries filled from ComplianceConfig.ready() (register()), so neither
core nor contracts imports compliance.
"""

from __future__ import annotations

from itertools import groupby

from clauses.kinds import KINDS
from compliance import permissions, selectors
from compliance.forms import RequestForm
from contracts.models import Contract
from contracts.selectors.contracts import contracts_visible_to
from core.models import Role
from core.panels import ColumnSet

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


# --- what compliance shows on the contract's pages (core.panels slots) ---------------------------


def contract_list_columns(request, contracts: list) -> ColumnSet:
    """Overdue, due soon and fulfilled per contract of the list's page (one query)."""
    return ColumnSet(
        head="compliance/contract/list_head.html",
        cell="compliance/contract/list_cell.html",
        cells={pk: {"st": st} for pk, st in selectors.status_by_contract([c.pk for c in contracts]).items()},
        empty={"st": selectors.Status()},
    )


def contract_status_panel(request, contract) -> tuple[str, dict]:
    status = selectors.status_by_contract([contract.pk]).get(contract.pk, selectors.Status())
    return "compliance/contract/status.html", {"status": status}


def contract_duties_panel(request, contract) -> tuple[str, dict]:
    """The contract's clauses article by article, each obligation with its duties and actions."""
    today = selectors.today()
    duties = list(selectors.duties_of_contract(contract))
    by_obligation: dict[int, list] = {}
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
        by_obligation.setdefault(duty.obligation_id, []).append(duty)
    obligations = selectors.obligations_of_contract(contract)
    articles = []
    for article, obs in groupby(obligations, key=lambda ob: ob.article):
        items = [(ob, KINDS[ob.kind], by_obligation.get(ob.pk, [])) for ob in obs]
        articles.append((article, items))
    can_manage = permissions.can_waive_duty(request.user, request.membership, contract)
    return "compliance/contract/duties.html", {
        "articles": articles,
        "can_waive": can_manage,
        "is_contractor": permissions.can_act_as_contractor(request.user, request.membership, contract),
        "request_form": RequestForm(contract=contract)
        if can_manage and contract.status == "active"
        else None,
        "today": today,
    }


def register() -> None:
    from core.panels import register_panel, register_slot

    register_panel(
        template="compliance/panels/overview.html", roles={Role.AUDITOR, Role.CLIENT_ADMIN}, provider=overview
    )
    register_panel(
        template="compliance/panels/my_contracts.html",
        roles=CLIENT | CONTRACTOR | {Role.AUDITOR},
        provider=my_contracts,
    )
    register_panel(template="compliance/panels/due_items.html", roles=CLIENT | CONTRACTOR, provider=due_items)
    register_slot("contract_list.columns", contract_list_columns)
    register_slot("contract_detail.status", contract_status_panel)
    register_slot("contract_detail.main", contract_duties_panel)

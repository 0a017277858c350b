"""Which events about a contract a membership may read (core.selectors.event_scope asks this).

An event about a contract belongs to that contract: its public body and its contractor read it
(the people `contracts_visible_to` lets read the contract), whichever organisation the actor
acted for. A subcontractor is a party only to its own links and what lies below them
(docs/subcontracts.md): on such a contract it reads the events its own organisation and the
organisations below it recorded, and the events about those links (the public body's decision
on its application), never the rest of the contract's log.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from contracts.models import Subcontract
from contracts.selectors.contracts import contracts_visible_to
from core.models import Membership

SUBCONTRACT_TYPE = Subcontract._meta.label_lower


def _chain_part(membership: Membership) -> Q | None:
    own_paths = list(
        Subcontract.objects.filter(subcontractor_id=membership.organisation_id).values_list("path", flat=True)
    )
    if not own_paths:
        return None
    below = Q()
    for path in own_paths:
        below |= Q(path__startswith=path)
    # Per contract, because an organisation below us on one contract may be above us on another.
    orgs: dict[int, set[int]] = defaultdict(set)
    links: dict[int, set[str]] = defaultdict(set)
    for contract_id, pk, org_id in Subcontract.objects.filter(below).values_list(
        "contract_id", "pk", "subcontractor_id"
    ):
        orgs[contract_id].add(org_id)
        links[contract_id].add(str(pk))
    q = Q()
    for contract_id in orgs:
        q |= Q(contract_id=contract_id) & (
            Q(organisation_id__in=orgs[contract_id])
            | Q(object_type=SUBCONTRACT_TYPE, object_id__in=links[contract_id])
        )
    return q


def contract_event_scope(membership: Membership) -> Q:
    """A Q over core.Event: the contract events this membership may read (see the module doc)."""
    q = Q(contract_id__in=contracts_visible_to(membership.user, membership).values("pk"))
    if membership.is_contractor_side:
        chain = _chain_part(membership)
        if chain is not None:
            q |= chain
    return q

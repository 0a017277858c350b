"""Reads of subcontract chains, and of what a subcontractor may see of a contract.

A subcontractor is a party to its own link and to everything below it (it entrusted that work
and answers for it, 001 §16), never to the contract as a whole: it does not read the
contractor's roster, work sites or training, only the people its own chain employs.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from contracts.models import Contract, Person, RosterEntry, Subcontract
from contracts.selectors.contracts import contracts_visible_to
from contracts.selectors.roster import roster_in_force
from core.approvals import ApprovalState
from core.models import Membership

APPROVED = ApprovalState.APPROVED


def _base() -> QuerySet[Subcontract]:
    # The template's frozen source (content) is large and never shown with a subcontract.
    return Subcontract.objects.select_related(
        "contract",
        "contract__public_body",
        "contract__contractor",
        "contract__clause_template",
        "upstream",
        "subcontractor",
        "submitted_pdf",
    ).defer("contract__clause_template__content")


def _own_paths(membership: Membership, *, approved_only: bool = False) -> list[str]:
    qs = Subcontract.objects.filter(subcontractor_id=membership.organisation_id)
    if approved_only:
        qs = qs.filter(approval_state=APPROVED)
    return list(qs.values_list("path", flat=True))


def _downstream(paths: list[str]) -> Q | None:
    q = None
    for path in paths:
        q = Q(path__startswith=path) if q is None else q | Q(path__startswith=path)
    return q


def subcontracts_visible_to(user, membership: Membership | None) -> QuerySet[Subcontract]:
    """Links of contracts the person reads whole, plus a subcontractor's own links and their
    downstream (in any state: it is a party to what is applied for about it)."""
    base = _base()
    if user.is_superuser:
        return base
    if membership is None:
        return base.none()
    q = Q(contract__in=contracts_visible_to(user, membership).values("pk"))
    if membership.is_contractor_side:
        downstream = _downstream(_own_paths(membership))
        if downstream is not None:
            q |= downstream
    return base.filter(q)


def subcontracts_held(membership: Membership | None) -> QuerySet[Subcontract]:
    """The links an organisation holds as subcontractor (its "contracts" in the portal)."""
    if membership is None or not membership.is_contractor_side:
        return Subcontract.objects.none()
    return _base().filter(subcontractor_id=membership.organisation_id).order_by("-created_at")


def chain_of(subcontract: Subcontract) -> list[Subcontract]:
    """The links from the top of the chain down to this one, in order."""
    ids = subcontract.chain_ids
    found = {
        s.pk: s for s in Subcontract.objects.select_related("upstream", "subcontractor").filter(pk__in=ids)
    }
    return [found[i] for i in ids if i in found]


def downstream_of(subcontract: Subcontract) -> QuerySet[Subcontract]:
    """The links below this one, at any depth."""
    return _base().filter(path__startswith=subcontract.path).exclude(pk=subcontract.pk).order_by("path")


def subcontracts_of(contract: Contract) -> QuerySet[Subcontract]:
    return _base().filter(contract=contract).order_by("path")


def approved_subcontractors(contract: Contract) -> QuerySet:
    """Organisations approved to work on the contract as subcontractors (at any tier)."""
    from core.models import Organisation

    return Organisation.objects.filter(
        subcontracts_held__contract=contract,
        subcontracts_held__approval_state=APPROVED,
        subcontracts_held__ended_on__isnull=True,
    ).order_by("name")


def chain_scope(
    user, membership: Membership | None, contract: Contract
) -> tuple[set[int] | None, dict[int, int]]:
    """Whose people and ledgers the person may see on the contract, and the ended links in its
    part: (None, {}) for a full party of the contract; else the organisations of the
    subcontractor's approved own links and their approved downstream while they last, and
    {link id: organisation} of those among them that have ended (their return or disposal is
    still owed: ledgers.selectors.devices.parties_in_scope). Three queries, as before the end."""
    if contracts_visible_to(user, membership).filter(pk=contract.pk).exists():
        return None, {}
    if membership is None or not membership.is_contractor_side:
        return set(), {}
    downstream = _downstream(_own_paths(membership, approved_only=True))
    if downstream is None:
        return set(), {}
    scope: set[int] = set()
    ended: dict[int, int] = {}
    for pk, organisation_id, ended_on in Subcontract.objects.filter(
        downstream, contract=contract, approval_state=APPROVED
    ).values_list("pk", "subcontractor_id", "ended_on"):
        if ended_on is None:
            scope.add(organisation_id)
        else:
            ended[pk] = organisation_id
    return scope, ended


def employer_ids_in_scope(user, membership: Membership | None, contract: Contract) -> set[int] | None:
    """Whose people the person may see on the contract: None for everyone (a full party), else
    the organisations of the subcontractor's approved own links and their approved downstream,
    while they last: from a link's end its subcontractor sees none of the contract's people."""
    return chain_scope(user, membership, contract)[0]


def ended_links(contract: Contract) -> dict[int, int]:
    """{link id: subcontractor} of the contract's approved links that have ended."""
    return dict(
        Subcontract.objects.filter(
            contract=contract, approval_state=APPROVED, ended_on__isnull=False
        ).values_list("pk", "subcontractor_id")
    )


def people_of_chain(subcontract: Subcontract, on: date | None = None) -> QuerySet[RosterEntry]:
    """The roster in force of the people employed by this link's subcontractor and those below it
    (approved links only: an unapproved subcontractor's workers are not approved to work)."""
    # roster_in_force leaves out the people of links ended by then.
    employers = Subcontract.objects.filter(
        path__startswith=subcontract.path, approval_state=APPROVED, contract_id=subcontract.contract_id
    ).values("subcontractor_id")
    return roster_in_force(subcontract.contract, on).filter(person__employer_id__in=employers)


def person_visible_to(user, membership: Membership | None, person: Person) -> bool:
    scope = employer_ids_in_scope(user, membership, person.contract)
    return scope is None or person.employer_id in scope


def pending_subcontracts(contract_ids) -> QuerySet[Subcontract]:
    return _base().filter(contract_id__in=contract_ids, approval_state=ApprovalState.SUBMITTED)


def subcontractor_yet_to_join(subcontract: Subcontract) -> bool:
    """Whether the subcontractor has nobody in the portal yet: a new organisation invited with
    the application, whose manager has not accepted the invitation."""
    return not Membership.objects.filter(
        organisation_id=subcontract.subcontractor_id, is_active=True
    ).exists()

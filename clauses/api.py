"""What a contract's clauses demand, for the domain apps (contracts, ledgers, incidents …).

Domain apps ask these questions instead of querying obligations by kind code, so the kind
vocabulary and the shape of the library's tables stay inside this app. Every function takes
the contract (anything with a `clause_template`) or the adopted `ClauseTemplate` itself; each
answer costs at most one query on top of loading the template, the same as reading the
relation by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from clauses.kinds import KINDS
from clauses.models import ClauseTemplate

# The kinds the domain apps ask about (codes of clauses.kinds.KINDS).
PERSONNEL_PRIOR_APPROVAL = "personnel-prior-approval"
PLEDGE = "pledge"
IDENTIFICATION = "identification"
SUBCONTRACT_MAIN_PART_FORBIDDEN = "subcontract-main-part-forbidden"
LOCKED_STORAGE = "locked-storage"


class HasClauses(Protocol):
    clause_template: ClauseTemplate


@dataclass(frozen=True)
class PartyWords:
    """The template's own words for the two parties (甲/乙, 発注者/受注者, 委託者/受託者)."""

    client: str
    contractor: str


def _template(of: ClauseTemplate | HasClauses) -> ClauseTemplate:
    return of if isinstance(of, ClauseTemplate) else of.clause_template


def requires(of: ClauseTemplate | HasClauses, kind: str, *, trigger: str | None = None) -> bool:
    """Whether the template has an obligation of this kind (and trigger, when given)."""
    if kind not in KINDS:
        # A typo would silently answer "no": refuse it, the vocabulary is closed.
        raise ValueError(f"unknown obligation kind {kind!r}")
    obligations = _template(of).obligations.filter(kind=kind)
    if trigger is not None:
        obligations = obligations.filter(trigger=trigger)
    return obligations.exists()


def personnel_need_prior_approval(of: ClauseTemplate | HasClauses) -> bool:
    """Whether people may work only after the public body approves the roster (e.g. 所沢市 §4),
    rather than after a notice."""
    return requires(of, PERSONNEL_PRIOR_APPROVAL)


def pledge_required_of_everyone(of: ClauseTemplate | HasClauses) -> bool:
    """Whether every person signs a pledge when joining (003 §5.2, 004 §3.3), not only on request."""
    return requires(of, PLEDGE, trigger="event")


def name_tags_required(of: ClauseTemplate | HasClauses) -> bool:
    """Whether people working on the public body's premises wear name tags and ID (002 §5.3, 003 §16)."""
    return requires(of, IDENTIFICATION)


def locked_storage_clauses(of: ClauseTemplate | HasClauses) -> list[str]:
    """The clause references ("10(1)") of the template's obligations to keep the information locked
    away (000 §5.6(1), 001 §18(6), 002 §10(1), 003 §13); empty when it asks nothing of the kind."""
    clauses = _template(of).obligations.filter(kind=LOCKED_STORAGE).order_by("position")
    return list(dict.fromkeys(clauses.values_list("clause", flat=True)))


def main_part_subcontract_forbidden_by(of: ClauseTemplate | HasClauses) -> str | None:
    """The clause ("6.1") that forbids subcontracting the whole or the main part of the work
    (003 §6.1: only a part that is not the main one, with approval), or None where the template
    lets the public body approve any part (001 §15, 002 §9, 004 §2)."""
    return (
        _template(of)
        .obligations.filter(kind=SUBCONTRACT_MAIN_PART_FORBIDDEN)
        .order_by("position")
        .values_list("clause", flat=True)
        .first()
    )


def party_words(of: ClauseTemplate | HasClauses) -> PartyWords:
    template = _template(of)
    return PartyWords(client=template.client_word, contractor=template.contractor_word)


def form_ids(of: ClauseTemplate | HasClauses) -> set[str]:
    """The PDF form ids the template's obligations name (core.pdf registry ids)."""
    return set(_template(of).obligations.exclude(form_id="").values_list("form_id", flat=True))

"""What a contract's clauses demand, for the domain apps (contracts, ledgers, incidents …).

Domain apps ask these questions instead of querying obligations by kind code, so the kind
vocabulary and the shape of the library's tables stay inside this app. Every function takes
the contract (anything with a `clause_template`) or the adopted `ClauseTemplate` itself; each
answer costs at most one query on top of loading the template, the same as reading the
relation by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils.translation import gettext as _

from clauses.kinds import KINDS
from clauses.library import EVIDENCE_CONDITIONS
from clauses.models import ClauseTemplate

# The kinds the domain apps ask about (codes of clauses.kinds.KINDS).
PERSONNEL_PRIOR_APPROVAL = "personnel-prior-approval"
PLEDGE = "pledge"
IDENTIFICATION = "identification"
SUBCONTRACT_MAIN_PART_FORBIDDEN = "subcontract-main-part-forbidden"
LOCKED_STORAGE = "locked-storage"
WORKSITE_APPROVAL = "worksite-approval"
NO_PRIVATE_DEVICES = "no-private-devices"
NO_GENERATIVE_AI = "no-generative-ai"


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


def private_devices_forbidden_by(of: ClauseTemplate | HasClauses) -> list[str]:
    """The clause references that forbid private PCs and media for the work (000 §5.4,
    001 §18(4)f, 002 §10(4)); empty where the template says nothing of them."""
    clauses = _template(of).obligations.filter(kind=NO_PRIVATE_DEVICES).order_by("position")
    return list(dict.fromkeys(clauses.values_list("clause", flat=True)))


TAKE_OUT = "take-out"
TAKEOUT_APPROVED = "takeout.approved"


def media_takeout_approved_internally(of: ClauseTemplate | HasClauses) -> bool:
    """Whether the clauses keep a log of media taken out with the contractor's own approver
    (001 §18(2): 承認者 is 乙's), so that a take-out of devices or media alone is decided inside
    the contractor; information itself is taken out only with the public body's approval."""
    return any(
        TAKEOUT_APPROVED in (ob.opens_on or [])
        for ob in _template(of).obligations.filter(kind=TAKE_OUT, trigger="event")
    )


def generative_ai_forbidden(of: ClauseTemplate | HasClauses) -> bool:
    """Whether the clauses forbid putting the information into a generative-AI service (002 §10(7))."""
    return requires(of, NO_GENERATIVE_AI)


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


def worksites_need_prior_approval(of: ClauseTemplate | HasClauses) -> bool:
    """Whether a work site may be used only after the public body approves it (002 §5: 申請し、
    その承認を得なければならない), rather than once it is notified."""
    return requires(of, WORKSITE_APPROVAL)


# --- facts about a contract (an obligation's applies_if) ------------------------------------------
# The vocabulary is clauses.library.CONTRACT_FLAGS; how each fact is answered belongs to the app
# that holds the records (contracts: its flags, the roster), registered from its AppConfig.ready().
# The duty engine asks here, so it never reads a domain app's tables for a condition itself.


class FactAnswer(Protocol):
    def __call__(self, contract: Any, *, on: date, subject: str) -> bool: ...


@dataclass(frozen=True)
class Fact:
    code: str
    holds: FactAnswer  # (contract, on=the day, subject="" or the duty's subject) -> bool
    changed_by: frozenset[str]  # event kinds after which the fact may hold where it did not


_facts: dict[str, Fact] = {}


def register_fact(code: str, holds: FactAnswer, *, changed_by: Iterable[str] = ()) -> None:
    from clauses.library import CONTRACT_FLAGS

    if code not in CONTRACT_FLAGS:
        # A fact no template may name would never be asked: the vocabulary is closed.
        raise ValueError(f"unknown contract fact {code!r} (clauses.library.CONTRACT_FLAGS)")
    _facts[code] = Fact(code, holds, frozenset(changed_by))


def registered_facts() -> dict[str, Fact]:
    return dict(_facts)


def fact_holds(contract: Any, code: str, *, on: date, subject: str = "") -> bool:
    """Whether the fact holds for the contract on `on`; for a duty per subject (a person), of
    that subject where the fact says so (dispatch_workers: the person is a dispatch worker)."""
    fact = _facts.get(code)
    if fact is None:
        raise ValueError(f"no app answers the contract fact {code!r} (clauses.api.register_fact)")
    return bool(fact.holds(contract, on=on, subject=subject))


def facts_changed_by(kind: str) -> frozenset[str]:
    """The facts an event of this kind may make true (a dispatch worker's roster in force)."""
    return frozenset(code for code, fact in _facts.items() if kind in fact.changed_by)


def declared_roster_roles(of: ClauseTemplate | HasClauses) -> dict[str, str]:
    """The roster roles the template declares beyond the built-in ones: code → its label
    (e.g. {"handover": "授受担当者"}), in the template's order; empty when it declares none."""
    roles = (_template(of).content or {}).get("roster_roles") or []
    return {role["code"]: role["label"] for role in roles}


def _conditions(of: ClauseTemplate | HasClauses) -> list[dict]:
    """The evidence conditions of the obligations that apply to `of` (a contract's flags count)."""
    rows = (
        _template(of)
        .obligations.exclude(evidence_conditions={})
        .values_list("evidence_conditions", "applies_if")
    )
    if isinstance(of, ClauseTemplate):
        return [conditions for conditions, _flags in rows]
    return [conditions for conditions, flags in rows if all(getattr(of, flag, False) for flag in flags)]


@dataclass(frozen=True)
class HandlerRule:
    """Who of the contractor's people may receive, hand over or carry the information (003 §12:
    授受及び搬送 between the public body's designated staff and 受注者の管理責任者)."""

    roles: frozenset[str]
    clauses: tuple[str, ...]


def handler_rule(of: ClauseTemplate | HasClauses) -> HandlerRule | None:
    """The roles the handler_roles conditions name and the clauses naming them; None when the
    clauses let anyone approved on the roster receive and hand over the information."""
    rows = (
        _template(of)
        .obligations.filter(evidence_conditions__has_key="handler_roles")
        .order_by("position")
        .values_list("evidence_conditions", "applies_if", "clause")
    )
    roles: set[str] = set()
    clauses: list[str] = []
    for conditions, flags, clause in rows:
        if not isinstance(of, ClauseTemplate) and not all(getattr(of, flag, False) for flag in flags):
            continue
        roles.update(conditions["handler_roles"])
        clauses.append(clause)
    if not roles:
        return None
    return HandlerRule(roles=frozenset(roles), clauses=tuple(dict.fromkeys(clauses)))


def required_roster_fields(of: ClauseTemplate | HasClauses) -> set[str]:
    """The roster-entry fields some obligation's evidence needs for every person (001 §7: 所属,
    従事期間): the union of its roster_fields conditions."""
    return {name for conditions in _conditions(of) for name in conditions.get("roster_fields", [])}


# Evidence conditions (an obligation's evidence_conditions) are checked by the app that owns the
# data, registered from its ready(): this app knows their names, not the roster's tables.
ConditionChecker = Callable[[Any, list[str], Any], list[str]]
_condition_checkers: dict[str, ConditionChecker] = {}


def register_condition_checker(name: str, checker: ConditionChecker) -> None:
    """Register ``checker(contract, values, event)`` for the condition ``name``: it returns what
    is missing, each in words for a person (empty when the condition holds). ``event`` is the
    event offered as evidence, or None for the state in force now (a duty's page)."""
    if name not in EVIDENCE_CONDITIONS:
        raise ValueError(f"unknown evidence condition {name!r} (one of {', '.join(EVIDENCE_CONDITIONS)})")
    _condition_checkers[name] = checker


def unmet_conditions(contract: HasClauses, conditions: dict, *, event: Any = None) -> list[str]:
    """What the evidence lacks under `conditions`, in words; empty when every condition holds.
    A condition no app checks counts as unmet: a duty is never closed on evidence nobody read."""
    missing: list[str] = []
    for name, values in conditions.items():
        checker = _condition_checkers.get(name)
        if checker is None:
            missing.append(_("This duty's condition cannot be checked yet."))
            continue
        missing.extend(checker(contract, values, event))
    return missing


def conditions_met(contract: HasClauses, conditions: dict, *, event: Any = None) -> bool:
    return not unmet_conditions(contract, conditions, event=event)

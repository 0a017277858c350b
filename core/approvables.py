"""The approvable kit: what every approvable thing of every app shares beyond the workflow
itself (core.approvals) — its registration, its numbering, the buttons a person is offered, and
the home-page lists of what waits for a decision and what was returned for correction.

An app registers each approvable model once, from its AppConfig.ready(), with
`register_approvable(...)`: the policy builder its services already use, and two queryset
filters only the app can write (core knows no contract): which submitted ones this membership
decides, and which returned ones are its to correct. The panels below then find every
approvable of every app through the registry, so no app imports another to appear on a home page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import models
from django.db.models import IntegerField, Max, QuerySet, Value

from core.approvals import (
    EDITABLE,
    SUBMITTER_ACTIONS,
    ApprovalAction,
    ApprovalPolicy,
    ApprovalState,
    allowed_actions,
)

# The home-page lists show the oldest this many: a longer backlog is worked from the app's pages.
PANEL_LIMIT = 30
EDIT = "edit"  # in actions_for's answer: the submitting side may still change the thing


class Where(NamedTuple):
    """What a list row says about where the thing belongs: its contract (or organisation)."""

    label: str
    url: str
    party: str  # the other side, e.g. the contractor's name


# (user, membership, queryset) -> the part of the queryset that concerns this membership
Scope = Callable[[Any, Any, QuerySet], QuerySet]


@dataclass(frozen=True)
class ApprovableKind:
    model: type[models.Model]
    event_prefix: str
    policy: Callable[[Any], ApprovalPolicy]  # (membership) -> the policy its services use
    decidable: Scope  # of the submitted ones: which this membership decides
    returned: Scope  # of the returned ones: which are this membership's to correct
    title: Callable[[Any], str]  # (obj) -> its label in a list: "Roster change #3"
    url: Callable[[Any], str]  # (obj) -> its page
    where: Callable[[Any], Where]
    related: tuple[str, ...] = ()  # select_related for what title and where read


_kinds: dict[str, ApprovableKind] = {}
_by_model: dict[type, ApprovableKind] = {}
# Narrows every kind's rows to the contracts still open to decisions, set by the contracts app
# (core knows no contract statuses): what a closed contract left pending waits for nobody.
_open_contracts: Callable[[QuerySet], QuerySet] | None = None


def register_open_contracts_filter(narrow: Callable[[QuerySet], QuerySet]) -> None:
    """``narrow(queryset)`` keeps the approvables whose contract may still be decided on."""
    global _open_contracts
    _open_contracts = narrow


def register_approvable(
    *,
    model: type[models.Model],
    event_prefix: str,
    policy: Callable[[Any], ApprovalPolicy],
    decidable: Scope,
    returned: Scope,
    title: Callable[[Any], str],
    url: Callable[[Any], str],
    where: Callable[[Any], Where],
    related: Iterable[str] = (),
) -> ApprovableKind:
    """Register one approvable model (idempotent: ready() may run twice in tests)."""
    existing = _kinds.get(event_prefix)
    if existing is not None and existing.model is not model:
        raise ValueError(f"The event prefix {event_prefix!r} is already registered for {existing.model}.")
    kind = ApprovableKind(
        model=model,
        event_prefix=event_prefix,
        policy=policy,
        decidable=decidable,
        returned=returned,
        title=title,
        url=url,
        where=where,
        related=tuple(related),
    )
    _kinds[event_prefix] = kind
    _by_model[model] = kind
    return kind


def approvable_kinds() -> list[ApprovableKind]:
    return list(_kinds.values())


def kind_of(obj_or_model) -> ApprovableKind:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    try:
        return _by_model[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered approvable (core.approvables).") from None


# --- numbering ----------------------------------------------------------------------------------


def next_number(model: type[models.Model], contract) -> int:
    """The next number of `model` on `contract` (1, 2, …). Call it under the lock the service
    takes on the contract's row: two requests then never read the same maximum (and the unique
    constraint on (contract, number) would refuse the second if they did)."""
    last = model._default_manager.filter(contract_id=contract.pk).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


# --- the buttons --------------------------------------------------------------------------------


def actions_for(user, membership, obj) -> set[str]:
    """What this person may do to `obj` now: the workflow's actions allowed from its state, by
    the side the registered policy says may take them, that the domain offers (policy.offers);
    and "edit" while the submitting side may still change it. Every page's buttons come from here
    (templates/components/approval_actions.html), so a button is shown exactly when the
    transition would be allowed."""
    policy = kind_of(obj).policy(membership)
    may_submit = policy.can_submit(user, obj)
    result = {EDIT} if may_submit and obj.approval_state in EDITABLE else set()
    may_decide = None
    for action in allowed_actions(obj.approval_state):
        if not policy.offers(obj, action):
            continue
        if action in SUBMITTER_ACTIONS:
            allowed = may_submit and (
                # Only the person who submitted withdraws (as approval_transition checks).
                action != ApprovalAction.WITHDRAW or obj.submitted_by_id in (None, user.pk)
            )
        else:
            if may_decide is None:
                may_decide = policy.can_decide(user, obj)
            allowed = may_decide
        if allowed:
            result.add(action)
    return result


# --- the home-page lists ------------------------------------------------------------------------


def _rows(
    user, membership, state: str, scope: str, date_field: str, contract_id: int | None = None
) -> list[dict]:
    """The oldest PANEL_LIMIT things of every registered kind in `state` that the kind's `scope`
    filter gives this membership: one UNION query for all kinds, then one query per kind that has
    any, so the cost does not grow with the number of apps that register approvables.
    `contract_id` narrows the lists to one contract (the contract's page): every approvable hangs
    off a contract (`contract_id`, design.md invariant 1), so core needs no knowledge of it."""
    parts, kinds = [], approvable_kinds()
    for i, kind in enumerate(kinds):
        base = kind.model._default_manager.filter(approval_state=state)
        if _open_contracts is not None:
            base = _open_contracts(base)
        if contract_id is not None:
            base = base.filter(contract_id=contract_id)
        qs = getattr(kind, scope)(user, membership, base)
        parts.append(
            qs.order_by()
            .annotate(_kind=Value(i, output_field=IntegerField()))
            .values_list("_kind", "pk", date_field)
        )
    if not parts:
        return []
    picked = list(parts[0].union(*parts[1:], all=True).order_by(date_field, "_kind", "pk")[:PANEL_LIMIT])
    by_kind: dict[int, list] = {}
    for i, pk, _date in picked:
        by_kind.setdefault(i, []).append(pk)
    objects = {
        (i, obj.pk): obj
        for i, pks in by_kind.items()
        for obj in kinds[i].model._default_manager.filter(pk__in=pks).select_related(*kinds[i].related)
    }
    rows = []
    for i, pk, _date in picked:
        obj, kind = objects[(i, pk)], kinds[i]
        where = kind.where(obj)
        rows.append(
            {
                "object": obj,
                date_field: getattr(obj, date_field),
                "label": kind.title(obj),
                "url": kind.url(obj),
                "where": where.label,
                "where_url": where.url,
                "party": where.party,
                "reason": obj.decision_reason,
            }
        )
    return rows


def pending_for(user, membership, *, contract_id: int | None = None) -> list[dict]:
    """What waits for this person's decision, oldest submission first (on one contract, if given)."""
    return _rows(user, membership, ApprovalState.SUBMITTED, "decidable", "submitted_at", contract_id)


def returned_to(user, membership, *, contract_id: int | None = None) -> list[dict]:
    """What was returned to this person's side for correction, oldest decision first (on one
    contract, if given)."""
    return _rows(user, membership, ApprovalState.RETURNED, "returned", "decided_at", contract_id)


def pending_panel(request) -> dict | None:
    pending = pending_for(request.user, request.membership)
    # The public body's people always see their list (its empty state included); a contractor's
    # manager only when something waits for its own decision (under 001 §18(2) a medium's
    # take-out is approved inside the contractor).
    membership = request.membership
    if not pending and membership is not None and membership.is_contractor_side:
        return None
    return {"pending": pending}


def returned_panel(request) -> dict | None:
    returned = returned_to(request.user, request.membership)
    return {"returned": returned} if returned else None


def register_panels() -> None:
    """The two lists on the home pages (core.panels), from CoreConfig.ready()."""
    from core.models import Role
    from core.panels import register_panel

    register_panel(
        template="core/home/pending_approvals.html",
        roles={Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.CONTRACTOR_ADMIN},
        provider=pending_panel,
    )
    register_panel(
        template="core/home/returned_to_me.html",
        roles={Role.CONTRACTOR_ADMIN},
        provider=returned_panel,
    )

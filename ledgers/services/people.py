"""Who may be named in the ledgers: one rule for the holder of a device, the people who receive,
use, take out or hand over information, and who may use an item — a person of the contract's
roster, of the party that keeps the ledger, approved on the roster on that day (where the clauses
ask only notice, notified within their period)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, Person, PersonRole, Subcontract
from contracts.selectors.roster import is_approved_to_work, people_on, roster_needs_prior_approval
from ledgers.selectors.information import holds_role_on


def _winding_up(contract: Contract, person: Person, on: date) -> bool:
    """Whether `person` may still be named on `on` on a return or disposal of their party's
    part: the party's link has ended by then, its return or disposal is not certified yet, and
    the person was on the roster when it ended (the people who held it, nobody new)."""
    from ledgers.selectors.devices import winding_up_parties

    ended_on = (
        Subcontract.objects.filter(contract=contract, subcontractor_id=person.employer_id, ended_on__lte=on)
        .order_by("-ended_on")  # engaged again and ended again: the latest end
        .values_list("ended_on", flat=True)
        .first()
    )
    return (
        ended_on is not None
        and person.employer_id in winding_up_parties(contract)
        and people_on(contract, ended_on, ended_too=True).filter(person=person).exists()
    )


def person_refusal(
    contract: Contract, organisation_id: int, person: Person, on: date, *, winding_up: bool = False
) -> str | None:
    """Why `person` may not be named by the party `organisation_id` on `on`, or None. With
    `winding_up` (a return or disposal), also a person of a subcontractor whose link has ended,
    until its return or disposal is certified."""
    if person.contract_id != contract.pk:
        return _("Choose a person on this contract's roster.")
    if person.employer_id != organisation_id:
        return _("Choose a person of the party that holds the information.")
    if is_approved_to_work(person, on):
        return None
    if winding_up and _winding_up(contract, person, on):
        return None
    if roster_needs_prior_approval(contract):
        return _(
            "%(name)s is not approved on the roster on that day: under these clauses a person "
            "may handle the information only once the public body has approved their addition."
        ) % {"name": person.full_name}
    return _("%(name)s is not on the roster in force on that day (notified, within their period).") % {
        "name": person.full_name
    }


def handler_refusal(contract: Contract, person: Person, on: date) -> str | None:
    """Why `person` may not receive, hand over or carry the information on `on` under the
    clauses' handler rule (003 §12: only 受注者の管理責任者), or None."""
    rule = clauses_api.handler_rule(contract)
    if rule is None or holds_role_on(person, rule.roles, on):
        return None
    words = {**dict(PersonRole.choices), **clauses_api.declared_roster_roles(contract)}
    return _(
        "Under §%(clauses)s the information is received, handed over and carried only by the "
        "%(roles)s: %(name)s is not %(roles)s on the roster on that day."
    ) % {
        "clauses": "、§".join(rule.clauses),
        "roles": "・".join(str(words.get(code, code)) for code in sorted(rule.roles)),
        "name": person.full_name,
    }

"""Who may be named in the ledgers: one rule for the holder of a device, the people who receive,
use, take out or hand over information, and who may use an item — a person of the contract's
roster, of the party that keeps the ledger, approved on the roster on that day (where the clauses
ask only notice, notified within their period)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, Person, PersonRole
from contracts.selectors.roster import is_approved_to_work, roster_needs_prior_approval
from ledgers.selectors.information import holds_role_on


def person_refusal(contract: Contract, organisation_id: int, person: Person, on: date) -> str | None:
    """Why `person` may not be named by the party `organisation_id` on `on`, or None."""
    if person.contract_id != contract.pk:
        return _("Choose a person on this contract's roster.")
    if person.employer_id != organisation_id:
        return _("Choose a person of the party that holds the information.")
    if is_approved_to_work(person, on):
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

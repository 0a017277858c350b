"""Who may be named in the ledgers: one rule for the holder of a device, the people who receive,
use, take out or hand over information, and who may use an item — a person of the contract's
roster, of the party that keeps the ledger, approved on the roster on that day (where the clauses
ask only notice, notified within their period)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from contracts.models import Contract, Person
from contracts.selectors.roster import is_approved_to_work, roster_needs_prior_approval


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

"""The pledge as a PDF form (誓約書), blank for a person or pre-filled for a pledge duty."""

from __future__ import annotations

from clauses import api as clauses_api
from core import pdf

PLEDGE_FORM = "contracts.pledge"


def pledge_context(person) -> dict:
    """No date in the context: the signer writes the date they sign on the paper (a pre-printed
    date would be the day the form was printed, not the day of the pledge)."""
    contract = person.contract
    template = contract.clause_template
    entry = person.entries.order_by("-change__number").first()
    return {
        "contract": contract,
        "person": person,
        "entry": entry,
        "template_title": template.title,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
    }


def pledge_for_duty(duty) -> dict:
    """The pledge of the person a per-person pledge duty is about ("contracts.person:17")."""
    from contracts.models import Person

    kind, _, pk = duty.subject.partition(":")
    if kind != "contracts.person" or not pk.isdigit():
        raise ValueError("This duty is not about one person.")
    return pledge_context(Person.objects.select_related("contract").get(pk=int(pk), contract=duty.contract))


def register() -> None:
    pdf.register_form(
        PLEDGE_FORM, template_name="pdf/contracts/pledge.html", title="誓約書", prefill=pledge_for_duty
    )

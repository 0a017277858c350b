"""The template's own party words in templates: {{ contract|client_word }}, {{ contract|contractor_word }}.

Pages of the domain apps ask the clause library's API (clauses.api.party_words) rather than
reading the adopted template's attributes, so the shape of the library's data stays in clauses.
"""

from django import template

from clauses import api

register = template.Library()


@register.filter
def client_word(contract) -> str:
    """発注者 / 委託者 / 甲 … as the contract's adopted template says it."""
    return api.party_words(contract).client


@register.filter
def contractor_word(contract) -> str:
    """受注者 / 受託者 / 乙 … as the contract's adopted template says it."""
    return api.party_words(contract).contractor

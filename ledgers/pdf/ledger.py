"""The information ledger as submitted (ledgers.information_ledger, 情報管理台帳): one party's
items as they stood at the end of a day, one row each, on landscape A4 (002 §10(3)).

Registered when the module is imported (services.submissions imports it), as core.pdf asks.
"""

from __future__ import annotations

from datetime import date

from clauses import api as clauses_api
from core import pdf

LEDGER_FORM = "ledgers.information_ledger"


def ledger_context(contract, organisation, as_of: date, rows: list[dict]) -> dict:
    """The form's context: the contract, the party (in the template's word for it), the day and
    the rows of services.submissions.ledger_rows."""
    words = clauses_api.party_words(contract)
    word = words.contractor if organisation.pk == contract.contractor_id else "再委託先"
    return {
        "contract": contract,
        "party_word": word,
        "party_name": organisation.name,
        "client_name": contract.public_body.name,
        "as_of": as_of,
        "rows": rows,
    }


pdf.register_form(LEDGER_FORM, template_name="pdf/ledgers/information_ledger.html", title="情報管理台帳")

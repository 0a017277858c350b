"""The device ledger as of a day (ledgers.device_ledger, パソコン等・記録媒体の管理台帳, 000 §5.3):
each device or medium as it stood at the end of the day, one row each, on landscape A4.

Registered when the module is imported (views.devices imports it), as core.pdf asks.
"""

from __future__ import annotations

from datetime import date

from core import pdf

DEVICE_LEDGER_FORM = "ledgers.device_ledger"


def device_ledger_context(contract, on: date, rows: list[dict]) -> dict:
    """The form's context: the contract, the day and the rows of spreadsheets.devices.device_rows
    (a subcontractor's devices name it: the ledger a reader sees holds every party in its scope)."""
    return {
        "contract": contract,
        "client_name": contract.public_body.name,
        "contractor_id": contract.contractor_id,
        "on": on,
        "rows": rows,
    }


pdf.register_form(
    DEVICE_LEDGER_FORM, template_name="pdf/ledgers/device_ledger.html", title="パソコン等・記録媒体の管理台帳"
)

"""Authorisation-matrix rows of the device ledger's downloads and of the ledgers' import from
Excel (ledgers:device_ledger_*, ledgers:*_import*): see tests/core/authorisation/__init__.py.

The device ledger as xlsx and as PDF is for everyone who reads the contract's device ledger (a
subcontractor its own part, as for the list).
"""

from __future__ import annotations


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


def rows(m) -> dict:
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for name in ("ledgers:device_ledger_xlsx", "ledgers:device_ledger_pdf"):
        SUBCONTRACTOR_OWN[(name, "contract_a")] = {"sub_admin": "200", "sub_staff": "200"}
    readers = m.CONTRACT_READERS.format(a="contract_a", b="contract_b")
    return {
        "ledgers:device_ledger_xlsx": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:device_ledger_pdf": m.Row(
            readers, targets=m.CONTRACTS, patches={"core.pdf.render_form": _fake_pdf}
        ),
    }

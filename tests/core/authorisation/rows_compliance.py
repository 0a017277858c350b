"""Authorisation-matrix rows of duties and the calendar (compliance:): see
tests/core/authorisation/__init__.py."""

from __future__ import annotations

from tests.core.authorisation.matrix import ALL_200, MANAGE_CONTRACT, POST, Row, everyone
from tests.core.authorisation.rows_contracts import contract_events
from tests.core.authorisation.world import CONTRACTS, DUTIES, ON_REQUEST, UNKNOWN_FEED

ROWS: dict[str, Row] = {
    "compliance:duty_request": Row(
        MANAGE_CONTRACT.format(ok="R"),
        method=POST,
        targets=CONTRACTS,
        data=lambda mw, user, label: {"obligation": ON_REQUEST, "note": "マトリクス"},
        state=contract_events("duty.requested"),
    ),
    "compliance:duty_waive": Row(
        MANAGE_CONTRACT.format(ok=200).replace("contract_a contract_b", "duty_a     duty_b"),
        targets=DUTIES,
    ),
    # compliance:duty_attest, duty_detail and duty_evidence_file: tests/core/matrix_duties.py.
    "compliance:duty_form_pdf": Row(
        """
                  duty_a duty_b
anonymous         L      L
site_admin        200    200
client_admin      200    404
client_staff      200    404
auditor           200    404
contractor_admin  200    404
contractor_staff  200    404
""",
        targets=DUTIES,
        # The matrix checks who gets the form, not WeasyPrint (tests/core/test_pdf.py does).
        patches={"core.pdf.render_form_for": lambda form_id, subject: b"%PDF-1.7 matrix"},
    ),
    "compliance:calendar_settings": Row(ALL_200),
    "compliance:calendar_feed": Row(everyone("404", column="unknown"), targets=UNKNOWN_FEED),
}


def rows(m) -> dict[str, Row]:
    return ROWS

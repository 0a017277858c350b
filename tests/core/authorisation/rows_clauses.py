"""Authorisation-matrix rows of the clause library (clauses:): see tests/core/authorisation/__init__.py."""

from __future__ import annotations

from tests.core.authorisation.matrix import Row
from tests.core.authorisation.world import SHARED_TEMPLATE

# The clause library is the public bodies' tool.
CLIENT_SIDE = """
                  {col}
anonymous         L
site_admin        200
client_admin      200
client_staff      200
auditor           200
contractor_admin  404
contractor_staff  404
"""

ROWS: dict[str, Row] = {
    "clauses:template_list": Row(CLIENT_SIDE.format(col="-")),
    "clauses:template_detail": Row(CLIENT_SIDE.format(col="shared"), targets=SHARED_TEMPLATE),
    "clauses:template_compare": Row(CLIENT_SIDE.format(col="-")),
}


def rows(m) -> dict[str, Row]:
    return ROWS

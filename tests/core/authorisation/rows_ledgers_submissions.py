"""Authorisation-matrix rows of the information ledger's submissions (ledgers:submission_*): see
tests/core/authorisation/__init__.py.

The list of a contract's submissions is for everyone who reads the contract (the public body's
side sees every party's, an approved subcontractor only its own); submitting is for the
contractor's managers and staff on their own running contract, everyone else getting the 404 of
a missing page. Per side the world holds one submission, made by the contractor's manager: its
PDF and its xlsx are for whoever reads the contract.

The list answers GET and POST: MATRIX holds its GET cells, post_rows its POST cells (with a state
snapshot: an R must have written, a refusal nothing).
"""

from __future__ import annotations

from unittest import mock

from django.utils import timezone

from ledgers.models import LedgerSubmission
from ledgers.services.submissions import ledger_submit

LABELS = ("a", "b")


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


def extend_world(mw) -> None:
    """One submission per side, as of today, by the contractor's manager."""
    found = {}
    with mock.patch("core.pdf.render_form", _fake_pdf):
        for label in LABELS:
            manager = getattr(mw.world, label).contractor_admin
            found[f"submission_{label}"] = ledger_submit(
                actor=manager.user,
                actor_membership=manager,
                contract=mw.contracts[f"contract_{label}"],
                as_of=timezone.localdate(),
            )
    mw.extra["submissions"] = found


SUBMISSIONS = {k: (lambda mw, k=k: {"pk": mw.extra["submissions"][f"submission_{k}"].pk}) for k in LABELS}
# The contractor's managers and staff, on their own contract; nobody else.
KEEPERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  R          404
contractor_staff  R          404
"""


def _submit_data(mw, user, label: str) -> dict:
    return {"as_of": timezone.localdate().isoformat(), "note": ""}


def _submissions_on(mw, label: str) -> int:
    return LedgerSubmission.objects.filter(contract=mw.contracts[label]).count()


def rows(m) -> dict:
    # An approved subcontractor of contract_a sees the list of its own part's submissions (and
    # submits its own), as it sees its part of the ledger: its cells join matrix_subcontracts'
    # table from here, so this feature keeps its rows in its own module.
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    SUBCONTRACTOR_OWN[("ledgers:submission_list", "contract_a")] = {"sub_admin": "200", "sub_staff": "200"}
    readers = m.CONTRACT_READERS.format(a="contract_a", b="contract_b")
    files = m.CONTRACT_READERS.format(a="a", b="b")
    return {
        "ledgers:submission_list": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:submission_pdf": m.Row(files, targets=SUBMISSIONS),
        "ledgers:submission_xlsx": m.Row(files, targets=SUBMISSIONS),
    }


def post_rows(m) -> dict:
    """The POST cells of the list, which submits (see the module's docstring)."""
    return {
        "ledgers:submission_list": m.Row(
            KEEPERS,
            method=m.POST,
            targets=m.CONTRACTS,
            data=_submit_data,
            state=_submissions_on,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
    }

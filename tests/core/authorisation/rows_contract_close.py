"""Authorisation-matrix rows of a contract's close and its certificates of erasure
(contracts:contract_close, contracts:erasure_*): see tests/core/authorisation/__init__.py.

The close page is for the public body's managers of the contract only (not the site
administrator, who decides no body's disposal): everyone else gets the 404 of a missing page.
The shared contracts are running, so a manager's POST is refused at the page (an ended contract
is closed) and changes nothing. The certificates of erasure are a closed contract's: per side the
world holds one contract ended and closed, with one certificate issued; its managers and its
auditor read them, only its managers issue one; a contract not closed has none (404).

The close page answers GET and POST: MATRIX holds its GET cells, post_rows its POST cells.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from contracts.models import Contract
from contracts.services import contract_activate, contract_create, contract_end
from contracts.services.closing import contract_close, erasure_certificate_issue
from core.models import Event

LABELS = ("a", "b")


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


def extend_world(mw) -> None:
    """Per side a contract with nothing held, ended, closed, and its certificate issued."""
    found, files = {}, {}
    with mock.patch("core.pdf.render_form", _fake_pdf):
        for label in LABELS:
            side = getattr(mw.world, label)
            shared = mw.contracts[f"contract_{label}"]
            who = {"actor": side.client_admin.user, "actor_membership": side.client_admin}
            contract = contract_create(
                contractor=shared.contractor,
                department=shared.department,
                number=f"R7-CLOSED-{label}",
                title="終了処理済みの業務",
                start_date=shared.start_date,
                end_date=shared.start_date + timedelta(days=30),
                work_start_date=shared.start_date,
                clause_template=shared.clause_template,
                handles_personal_info=True,
                **who,
            )
            contract_activate(contract=contract, signed_on=shared.start_date, **who)
            contract_end(contract=contract, **who)
            found[f"closed_{label}"] = contract_close(contract=contract, **who)
            files[f"closed_{label}"] = erasure_certificate_issue(contract=contract, **who)
    mw.extra["closed"] = found
    mw.extra["erasure_files"] = files


CLOSED = {f"closed_{k}": (lambda mw, k=k: {"pk": mw.extra["closed"][f"closed_{k}"].pk}) for k in LABELS}
CERTIFICATES = {
    f"closed_{k}": (
        lambda mw, k=k: {
            "pk": mw.extra["closed"][f"closed_{k}"].pk,
            "file_pk": mw.extra["erasure_files"][f"closed_{k}"].pk,
        }
    )
    for k in LABELS
}
# The public body's managers of the contract.
CLOSERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      {ok}       404
client_staff      {ok}       404
auditor           404        404
contractor_admin  404        404
contractor_staff  404        404
"""
# Its managers and its auditor read a closed contract's certificates.
READERS = """
                  closed_a closed_b
anonymous         L        L
site_admin        404      404
client_admin      200      404
client_staff      200      404
auditor           200      404
contractor_admin  404      404
contractor_staff  404      404
"""
ISSUERS = """
                  closed_a closed_b
anonymous         L        L
site_admin        404      404
client_admin      R        404
client_staff      R        404
auditor           404      404
contractor_admin  404      404
contractor_staff  404      404
"""


def _certificates(mw, label: str) -> int:
    return Event.objects.filter(
        kind="contract.erasure_certificate_issued", contract_id=mw.extra["closed"][label].pk
    ).count()


def _status(mw, label: str) -> str:
    return Contract.objects.values_list("status", flat=True).get(pk=mw.contracts[label].pk)


def rows(m) -> dict:
    return {
        "contracts:contract_close": m.Row(CLOSERS.format(ok="200"), targets=m.CONTRACTS),
        "contracts:erasure_certificates": m.Row(READERS, targets=CLOSED),
        "contracts:erasure_certificate_issue": m.Row(
            ISSUERS,
            method=m.POST,
            targets=CLOSED,
            data=lambda mw, user, label: {},
            state=_certificates,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
        "contracts:erasure_certificate_download": m.Row(READERS, targets=CERTIFICATES),
    }


def post_rows(m) -> dict:
    """The close page's POST cells: on a running contract a manager's close is refused at the
    page (200, nothing changed), everyone else gets the 404."""
    return {
        "contracts:contract_close": m.Row(
            CLOSERS.format(ok="200"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=lambda mw, user, label: {"override_reason": "理由"},
            state=_status,
        ),
    }

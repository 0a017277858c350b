"""Authorisation-matrix rows of a duty's own pages: see tests/core/test_authorisation_matrix.py.

Everyone who reads the contract reads the duty, its confirmations and their evidence files; only
the contractor's people of that contract open the confirmation page (its POST, with a comment and
files, is checked role by role in tests/compliance/test_attest_views.py: a row has one method).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import Duty
from compliance.services.duties import duty_attest

LABELS = ("a", "b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def extend_world(mw) -> None:
    """Per body: the attested duty of its contract with the shared contractor (matrix_tenancy, so
    this module comes after it) confirmed by that contractor's manager with a comment and one
    evidence file. The core contracts' duties stay open for the rows that act on them, and no
    contract is added that the content-scoping tests would have to know."""
    from tests.core.test_authorisation_matrix import ATTESTED

    shared = mw.extra["tenancy"]
    found = {}
    for label in LABELS:
        duty = Duty.objects.get(contract=mw.contracts[f"shared_{label}"], obligation__key=ATTESTED)
        attestation = duty_attest(
            actor=shared.admin.user,
            actor_membership=shared.admin,
            duty=duty,
            statement="規程第3条に定めています。",
            evidence=[SimpleUploadedFile("規程.pdf", PDF, content_type="application/pdf")],
        )
        found[f"attested_{label}"] = duty
        found[f"evidence_{label}"] = attestation.evidence.get()
    mw.extra["duties"] = found


def _d(mw, key):
    return mw.extra["duties"][key]


ATTESTED_DUTIES = {f"attested_{k}": (lambda mw, k=k: {"pk": _d(mw, f"attested_{k}").pk}) for k in LABELS}
EVIDENCE = {
    f"evidence_{k}": (
        lambda mw, k=k: {"pk": _d(mw, f"attested_{k}").pk, "file_pk": _d(mw, f"evidence_{k}").pk}
    )
    for k in LABELS
}
# Only the contractor's people of the contract (neither the public body nor the site admin).
CONTRACTOR_SIDE = """
                  {a} {b}
anonymous         L      L
site_admin        404    404
client_admin      404    404
client_staff      404    404
auditor           404    404
contractor_admin  200    404
contractor_staff  200    404
"""


def rows(m) -> dict:
    return {
        # An open duty of contract_a/b, and the confirmed one of shared_a/b: body a reads its
        # contract with the shared contractor, contractor a is no party to it.
        "compliance:duty_detail": m.Row(
            """
                  duty_a duty_b attested_a attested_b
anonymous         L      L      L          L
site_admin        200    200    200        200
client_admin      200    404    200        404
client_staff      200    404    200        404
auditor           200    404    200        404
contractor_admin  200    404    404        404
contractor_staff  200    404    404        404
""",
            targets={**m.DUTIES, **ATTESTED_DUTIES},
        ),
        "compliance:duty_attest": m.Row(CONTRACTOR_SIDE.format(a="duty_a", b="duty_b"), targets=m.DUTIES),
        "compliance:duty_evidence_file": m.Row(
            """
                  evidence_a evidence_b
anonymous         L          L
site_admin        200        200
client_admin      200        404
client_staff      200        404
auditor           200        404
contractor_admin  404        404
contractor_staff  404        404
""",
            targets=EVIDENCE,
        ),
    }

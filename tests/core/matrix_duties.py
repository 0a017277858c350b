"""Authorisation-matrix rows of a duty's own pages: see tests/core/authorisation/__init__.py.

Everyone who reads the contract reads the duty, its confirmations and their evidence files; only
the contractor's people of that contract open the confirmation page (its POST, with a comment and
files, is checked role by role in tests/compliance/test_attest_views.py: a row has one method).
The same holds for the documents submitted for a duty (its submission page, its files); the
submission form of a contractor's duty is its people's, and the next step of a submission is the
submitter's (withdraw) and the public body's (accept), checked with a state snapshot.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import Duty, DutySubmission
from compliance.services.duties import duty_attest
from compliance.services.submissions import duty_document_submit

LABELS = ("a", "b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def extend_world(mw) -> None:
    """Per body: the attested duty of its contract with the shared contractor (matrix_tenancy, so
    this module comes after it) confirmed by that contractor's manager with a comment and one
    evidence file. The core contracts' duties stay open for the rows that act on them, and no
    contract is added that the content-scoping tests would have to know."""
    from tests.core.authorisation.world import ATTESTED

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
    # Per side: the periodic report of its own contract, submitted by its contractor's manager
    # (one file), marked as one the clause asks to be accepted so the act row has a decision to
    # take; and the next open duty that takes a document (the on-request report stays unopened).
    for label in LABELS:
        side = getattr(mw.world, label)
        duty = Duty.objects.get(contract=mw.contracts[f"contract_{label}"], obligation__key=REPORTED)
        submission = duty_document_submit(
            actor=side.contractor_admin.user,
            actor_membership=side.contractor_admin,
            duty=duty,
            files=[SimpleUploadedFile("報告.pdf", PDF, content_type="application/pdf")],
        )
        DutySubmission.objects.filter(pk=submission.pk).update(needs_acceptance=True)
        found[f"report_{label}"] = duty
        found[f"submission_{label}"] = submission
        found[f"submitted_file_{label}"] = submission.files.get()
    mw.extra["duties"] = found


REPORTED = "3.1-periodic-report"


def _d(mw, key):
    return mw.extra["duties"][key]


ATTESTED_DUTIES = {f"attested_{k}": (lambda mw, k=k: {"pk": _d(mw, f"attested_{k}").pk}) for k in LABELS}
EVIDENCE = {
    f"evidence_{k}": (
        lambda mw, k=k: {"pk": _d(mw, f"attested_{k}").pk, "file_pk": _d(mw, f"evidence_{k}").pk}
    )
    for k in LABELS
}
REPORTS = {f"report_{k}": (lambda mw, k=k: {"pk": _d(mw, f"report_{k}").pk}) for k in LABELS}
SUBMISSIONS = {f"submission_{k}": (lambda mw, k=k: {"pk": _d(mw, f"submission_{k}").pk}) for k in LABELS}
SUBMITTED_FILES = {
    f"submitted_file_{k}": (
        lambda mw, k=k: {"pk": _d(mw, f"submission_{k}").pk, "file_pk": _d(mw, f"submitted_file_{k}").pk}
    )
    for k in LABELS
}
# A submission's next step: its submitter withdraws, the public body's contract staff accept; a
# colleague of the submitter who did not submit it is refused (404), as is the auditor.
SUBMISSION_ACT = """
                  submission_a submission_b
anonymous         L            L
site_admin        404          404
client_admin      R            404
client_staff      R            404
auditor           404          404
contractor_admin  R            404
contractor_staff  404          404
"""


def _act_data(mw, user, label: str) -> dict:
    contractor_side = (mw.users["contractor_admin"], mw.users["contractor_staff"])
    return {"action": "withdraw" if user in contractor_side else "approve", "reason": ""}


def _submission_state(mw, label: str) -> str:
    return DutySubmission.objects.values_list("approval_state", flat=True).get(pk=_d(mw, label).pk)


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

READERS = """
                  {a} {b}
anonymous         L      L
site_admin        200    200
client_admin      200    404
client_staff      200    404
auditor           200    404
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
        # The contractor's periodic report: only its people submit a document for it.
        "compliance:duty_submit": m.Row(CONTRACTOR_SIDE.format(a="report_a", b="report_b"), targets=REPORTS),
        # Everyone who reads the contract reads what was submitted and its files.
        "compliance:duty_submission": m.Row(
            READERS.format(a="submission_a", b="submission_b"), targets=SUBMISSIONS
        ),
        "compliance:duty_submission_file": m.Row(
            READERS.format(a="submitted_file_a", b="submitted_file_b"), targets=SUBMITTED_FILES
        ),
        "compliance:duty_submission_act": m.Row(
            SUBMISSION_ACT,
            method=m.POST,
            targets=SUBMISSIONS,
            data=_act_data,
            state=_submission_state,
        ),
    }

"""Authorisation-matrix rows of exports prepared in Celery: see tests/core/authorisation/__init__.py.

Asking for the large roster PDF is for everyone who reads the contract (as printing it is); the
job and its file are the asker's alone: the contractor's manager of each side asked for one
(`job_a`, `job_b`), and no one else — not the site administrator, not a colleague of the same
organisation — gets an answer but 404. The same user under another membership is checked in
tests/core/test_exports.py.
"""

from __future__ import annotations

from datetime import date
from unittest import mock

from contracts.pdf.roster import ROSTER_FORM, roster_export_params
from core.models import ExportJob
from core.services import exports
from tests.contracts.conftest import MINIMAL_PDF

LABELS = ("a", "b")


def extend_world(mw) -> None:
    found = {}
    # The file is a stand-in: the matrix is about who gets an answer (test_exports renders).
    with mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF):
        for label in LABELS:
            manager = getattr(mw.world, label).contractor_admin
            contract = mw.contracts[f"contract_{label}"]
            job = exports.export_request(
                actor=manager.user,
                actor_membership=manager,
                kind=ROSTER_FORM,
                params=roster_export_params(contract, on=date(2025, 4, 14)),
                contract_id=contract.pk,
                download_name=f"roster-{label}.pdf",
            )
            assert exports.export_run(pk=job.pk) == "ready"
            found[f"job_{label}"] = job
    mw.extra["exports"] = found


JOBS = {f"job_{k}": (lambda mw, k=k: {"pk": mw.extra["exports"][f"job_{k}"].pk}) for k in LABELS}

ASKER_ONLY = """
                  job_a job_b
anonymous         L     L
site_admin        404   404
client_admin      404   404
client_staff      404   404
auditor           404   404
contractor_admin  200   404
contractor_staff  404   404
"""


def _jobs_of(mw, label: str) -> int:
    return ExportJob.objects.filter(contract_id=mw.contracts[label].pk).count()


def rows(m) -> dict:
    return {
        # Asking records a job (R), for whoever may print the roster; others change nothing.
        "contracts:roster_pdf_request": m.Row(
            m.CONTRACT_READERS.format(a="contract_a", b="contract_b").replace("200", "R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=lambda mw, user, label: {"on": "2025-04-14"},
            state=_jobs_of,
        ),
        "core:export_status": m.Row(ASKER_ONLY, targets=JOBS),
        "core:export_download": m.Row(ASKER_ONLY, targets=JOBS),
    }

"""Authorisation-matrix rows of training (教育・研修): see tests/core/authorisation/__init__.py.

Everyone who reads a contract reads its training (plan, sessions, attendance, reports, their
PDFs and materials); only the contractor's manager records sessions, drafts, submits and
withdraws; the public body's managers of the contract decide. The act rows post, per actor, what
that actor would do to a submitted plan or report: the manager withdraws it, the others approve
(accept) it, so one table checks both sides of the workflow.

The matrix contract ran in 2025 (before today), and its roster took effect today: a session of
2025 has nobody on the roster of its day, so the sessions here have no attendees (the attendance
rules are tested in tests/contracts/test_training.py).
"""

from __future__ import annotations

from datetime import date
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import TrainingPlan, TrainingReport
from contracts.services import training as services
from tests.contracts.conftest import MINIMAL_PDF

LABELS = ("a", "b")


def extend_world(mw) -> None:
    """Per side: a session with materials, a submitted plan and a submitted report (period
    2025-04-01 to 2025-09-30, which holds the session)."""
    found = {}
    # The frozen PDFs are stand-ins: the matrix is about who gets an answer (test_training renders).
    with mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF):
        for label in LABELS:
            manager = getattr(mw.world, label).contractor_admin
            contract = mw.contracts[f"contract_{label}"]
            edit = {"actor": manager.user, "actor_membership": manager}
            session = services.training_session_record(
                contract=contract,
                held_on=date(2025, 5, 1),
                topic=f"情報セキュリティ研修 {label}",
                given_by="講師 一郎",
                materials=SimpleUploadedFile("資料.pdf", MINIMAL_PDF, content_type="application/pdf"),
                **edit,
            )
            plan = services.training_plan_create(
                contract=contract,
                period_start=date(2025, 4, 1),
                period_end=date(2026, 3, 31),
                content="特記事項と社内規程の教育",
                **edit,
            )
            services.training_plan_act(plan=plan, action="submit", **edit)
            report = services.training_report_create(
                contract=contract, period_start=date(2025, 4, 1), period_end=date(2025, 9, 30), **edit
            )
            services.training_report_act(report=report, action="submit", **edit)
            found.update({f"session_{label}": session, f"plan_{label}": plan, f"report_{label}": report})
    mw.extra["training"] = found


def _target(prefix: str) -> dict:
    return {
        f"{prefix}_{k}": (lambda mw, k=k: {"pk": mw.extra["training"][f"{prefix}_{k}"].pk}) for k in LABELS
    }


SESSIONS, PLANS, REPORTS = _target("session"), _target("plan"), _target("report")

# Submitting side withdraws, deciding side approves: an R must change the state.
ACT = """
                  {a} {b}
anonymous         L          L
site_admin        404        404
client_admin      R          404
client_staff      R          404
auditor           404        404
contractor_admin  R          404
contractor_staff  404        404
"""


def _act_data(mw, user, label: str) -> dict:
    contractor_side = (mw.users["contractor_admin"], mw.users["contractor_staff"])
    return {"action": "withdraw" if user in contractor_side else "approve", "reason": ""}


def _state(model):
    def state(mw, label: str) -> str:
        obj = mw.extra["training"][label]
        return model.objects.values_list("approval_state", flat=True).get(pk=obj.pk)

    return state


def rows(m) -> dict:
    readers = m.CONTRACT_READERS.format
    editor = m.ROSTER_EDITOR.format
    return {
        "contracts:training": m.Row(readers(a="contract_a", b="contract_b"), targets=m.CONTRACTS),
        "contracts:training_session_create": m.Row(
            editor(a="contract_a", b="contract_b", ok=200), targets=m.CONTRACTS
        ),
        "contracts:training_session": m.Row(readers(a="session_a", b="session_b"), targets=SESSIONS),
        "contracts:training_session_attendance": m.Row(
            editor(a="session_a", b="session_b", ok=200), targets=SESSIONS
        ),
        "contracts:training_material": m.Row(readers(a="session_a", b="session_b"), targets=SESSIONS),
        "contracts:training_plan_create": m.Row(
            editor(a="contract_a", b="contract_b", ok=200), targets=m.CONTRACTS
        ),
        "contracts:training_plan": m.Row(readers(a="plan_a", b="plan_b"), targets=PLANS),
        # A submitted plan is not edited: its manager is sent back to it (withdraw first).
        "contracts:training_plan_edit": m.Row(editor(a="plan_a", b="plan_b", ok="R"), targets=PLANS),
        "contracts:training_plan_act": m.Row(
            ACT.format(a="plan_a", b="plan_b"),
            method=m.POST,
            targets=PLANS,
            data=_act_data,
            state=_state(TrainingPlan),
        ),
        "contracts:training_plan_pdf": m.Row(readers(a="plan_a", b="plan_b"), targets=PLANS),
        "contracts:training_report_create": m.Row(
            editor(a="contract_a", b="contract_b", ok=200), targets=m.CONTRACTS
        ),
        "contracts:training_report": m.Row(readers(a="report_a", b="report_b"), targets=REPORTS),
        "contracts:training_report_edit": m.Row(editor(a="report_a", b="report_b", ok="R"), targets=REPORTS),
        "contracts:training_report_act": m.Row(
            ACT.format(a="report_a", b="report_b"),
            method=m.POST,
            targets=REPORTS,
            data=_act_data,
            state=_state(TrainingReport),
        ),
        "contracts:training_report_pdf": m.Row(readers(a="report_a", b="report_b"), targets=REPORTS),
    }

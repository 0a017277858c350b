"""The training plan and report as PDF forms: 教育実施計画書 (`contracts.training_plan`) and
教育実施報告書 (`contracts.training_report`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation

from clauses import api as clauses_api
from contracts.models import Contract, TrainingPlan, TrainingReport
from contracts.selectors.training import (
    default_period,
    latest_plan,
    roster_training,
    sessions_with_attendees,
)
from core import pdf
from core.approvals import ApprovalState

PLAN_FORM = "contracts.training_plan"
REPORT_FORM = "contracts.training_report"


def _parties(contract: Contract) -> dict:
    template = contract.clause_template
    return {
        "contract": contract,
        "template_title": template.title,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
    }


def plan_context(contract: Contract, plan: TrainingPlan | None) -> dict:
    """教育実施計画書: the plan's content, or a blank form to fill in when there is none yet."""
    issued = timezone.localdate(plan.submitted_at) if plan and plan.submitted_at else timezone.localdate()
    approved_on = (
        timezone.localdate(plan.decided_at)
        if plan and plan.approval_state == ApprovalState.APPROVED
        else None
    )
    return {
        **_parties(contract),
        "plan": plan,
        "issued_on": issued,
        "approved_on": approved_on,
    }


def report_context(
    contract: Contract,
    report: TrainingReport | None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> dict:
    """教育実施報告書: the sessions of the period with who attended, and who on the roster was not
    trained in it (three queries whatever the number of people)."""
    start = report.period_start if report else start
    end = report.period_end if report else end
    if start is None or end is None:
        start, end = default_period(contract)
    issued = (
        timezone.localdate(report.submitted_at) if report and report.submitted_at else timezone.localdate()
    )
    sessions = sessions_with_attendees(contract, start=start, end=end)
    # Role labels are printed in Japanese whatever the viewer's language.
    with translation.override("ja"):
        coverage = roster_training(contract, start=start, end=end)
        untrained = coverage.untrained
        for entry in untrained:
            entry.role_label = str(entry.get_role_display())
    attended = {a.person_id for s in sessions for a in s.attendances.all()}
    return {
        **_parties(contract),
        "report": report,
        "period_start": start,
        "period_end": end,
        "issued_on": issued,
        "sessions": sessions,
        "attendee_total": len(attended),
        "untrained": untrained,
        "no_people": coverage.no_people,
    }


def plan_for_duty(duty) -> dict:
    """The contract's latest plan (a blank plan form when none was drafted yet)."""
    return plan_context(duty.contract, latest_plan(duty.contract))


def report_for_duty(duty) -> dict:
    """The contract's latest report; before any, the results so far (a draft to complete)."""
    report = TrainingReport.objects.filter(contract=duty.contract).order_by("-number").first()
    return report_context(duty.contract, report)


def register() -> None:
    pdf.register_form(
        PLAN_FORM,
        template_name="pdf/contracts/training_plan.html",
        title="教育実施計画書",
        prefill=plan_for_duty,
    )
    pdf.register_form(
        REPORT_FORM,
        template_name="pdf/contracts/training_report.html",
        title="教育実施報告書",
        prefill=report_for_duty,
    )

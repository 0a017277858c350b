"""Training (教育・研修): the entry forms, and the two PDF forms the engine serves by id —
教育実施計画書 (`contracts.training_plan`) and 教育実施報告書 (`contracts.training_report`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from clauses import api as clauses_api
from contracts.models import Contract, Person, TrainingPlan, TrainingReport
from contracts.selectors_training import (
    default_period,
    latest_plan,
    sessions_with_attendees,
    untrained_entries,
)
from core import pdf
from core.approvals import ApprovalState
from core.validators import NOTE, IdsChoiceField, PlausibleDateField, parse_id

PLAN_FORM = "contracts.training_plan"
REPORT_FORM = "contracts.training_report"

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- entry forms --------------------------------------------------------------------------------


class TrainingPlanForm(forms.Form):
    period_start = PlausibleDateField(label=_("Period start"), widget=DATE)
    period_end = PlausibleDateField(label=_("Period end"), widget=DATE)
    content = forms.CharField(
        label=_("Content of the training"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who is trained, on what (the clauses, the rules, the penalties) and how."),
    )
    planned_sessions = forms.CharField(
        label=_("Planned sessions"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When, for whom and how often: e.g. before work starts, and once a year."),
    )


class _AttendeesMixin:
    def _set_people(self, contract: Contract) -> None:
        # Any person of the contract is a valid value; the service checks the roster of the day
        # and names whoever was not on it (a clearer message than "not a valid choice").
        self.fields["attendees"].queryset = Person.objects.filter(contract=contract)

    def selected_ids(self) -> set[int]:
        values = self["attendees"].value() or []
        return {pk for pk in map(parse_id, values) if pk is not None}


class TrainingSessionForm(_AttendeesMixin, forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    content = forms.CharField(
        label=_("Content"), max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    given_by = forms.CharField(label=_("Given by"), max_length=200, required=False)
    is_client_session = forms.BooleanField(
        label=_("Training held by the public body"),
        required=False,
        help_text=_("Tick when this was the public body's own training that the contractor attended."),
    )
    materials = forms.FileField(
        label=_("Materials (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Stored encrypted under this contract's key."),
    )
    attendees = IdsChoiceField(label=_("Attendees"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_people(contract)


class AttendanceForm(_AttendeesMixin, forms.Form):
    attendees = IdsChoiceField(label=_("Attendees"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_people(contract)


class TrainingReportForm(forms.Form):
    period_start = PlausibleDateField(label=_("Period start"), widget=DATE)
    period_end = PlausibleDateField(label=_("Period end"), widget=DATE)
    summary = forms.CharField(
        label=_("Results and remarks"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the training achieved, and what is done for people who have not been trained yet."),
    )


class PeriodForm(forms.Form):
    start = PlausibleDateField(label=_("From"), widget=DATE, required=False)
    end = PlausibleDateField(label=_("To"), widget=DATE, required=False)


class SessionDayForm(forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DATE, required=False)


# --- PDF forms ----------------------------------------------------------------------------------


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
        untrained = list(untrained_entries(contract, start=start, end=end))
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

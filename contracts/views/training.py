"""Training pages (教育・研修): overview per contract, sessions and attendance, the plan the public
body approves, the report of results. Thin: access helper, form, service (design.md)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import events, permissions
from contracts.access import get_contract_or_404, get_training_record_or_404
from contracts.forms.training import (
    AttendanceForm,
    PeriodForm,
    SessionDayForm,
    TrainingPlanForm,
    TrainingReportForm,
    TrainingSessionForm,
)
from contracts.models import TrainingPlan, TrainingReport, TrainingSession
from contracts.pdf.training import PLAN_FORM, REPORT_FORM, plan_context, report_context
from contracts.selectors.contracts import without_drafts_for
from contracts.selectors.training import (
    OPEN_STATES,
    period_for,
    report_covering,
    roster_training,
    session_attendances,
    trainable_on,
    training_plans,
    training_reports,
    training_sessions,
)
from contracts.services import training as services
from core.approvals import EDITABLE, ApprovalState
from core.files import file_response
from core.services.reads import personal_data_read
from core.views.approvals import approval_action, approval_context
from core.views.pdf import frozen_or_live_pdf
from core.views.utils import save_form

PAGE_SIZE = 50
SESSION_FIELDS = ("held_on", "topic", "content", "given_by", "is_client_session")


def _viewed(request, obj, contract, page: str, **data) -> None:
    # Names of people are personal data: every page that shows them is on the record.
    personal_data_read(
        kind=events.TRAINING_VIEWED,
        actor=request.user,
        obj=obj,
        contract_id=contract.pk,
        data={"page": page, **data},
    )


# --- overview -----------------------------------------------------------------------------------


@login_required
def training(request, pk: int):
    contract = get_contract_or_404(request, pk)
    # Drafts are the contractor's until submitted (the body's side sees them then).
    plans = list(without_drafts_for(request.user, request.membership, training_plans(contract)))
    approved = next((p for p in plans if p.approval_state == ApprovalState.APPROVED), None)
    start, end = period_for(contract, approved)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_valid():
        chosen = (form.cleaned_data["start"] or start, form.cleaned_data["end"] or end)
        if chosen[1] < chosen[0]:
            form.add_error("end", _("The end of the period cannot be before its start."))
        else:
            start, end = chosen
    page = Paginator(training_sessions(contract, start=start, end=end), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    coverage = roster_training(contract, start=start, end=end)
    _viewed(request, contract, contract, "overview", start=start.isoformat(), end=end.isoformat())
    can_record = permissions.can_record_training(request.user, request.membership, contract)
    open_plan = plans[0] if plans and plans[0].approval_state in OPEN_STATES else None
    return render(
        request,
        "contracts/training/overview.html",
        {
            "contract": contract,
            "form": form,
            "start": start,
            "end": end,
            "page": page,
            "untrained": coverage.untrained,
            "no_people": coverage.no_people,
            "plans": plans,
            "approved_plan": approved,
            "open_plan": open_plan,
            "reports": list(
                without_drafts_for(request.user, request.membership, training_reports(contract))[:20]
            ),
            "can_record": can_record,
        },
    )


# --- sessions -----------------------------------------------------------------------------------


@login_required
def training_session_create(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_record_training(request.user, request.membership, contract):
        raise Http404
    # The attendees offered are the roster of the session's day: "Show the roster of this day"
    # posts what was typed so far back to the page, which saves nothing and shows that roster.
    showing = request.method == "POST" and "show_roster" in request.POST
    source = request.POST if showing else request.GET
    shown = SessionDayForm(source or None)
    day = (shown.cleaned_data["held_on"] if shown.is_valid() else None) or timezone.localdate()
    if request.method == "POST" and not showing:
        form = TrainingSessionForm(request.POST, request.FILES, contract=contract)
        record = partial(services.training_session_record, contract=contract)
        if session := save_form(request, form, record, success=_("The session was recorded.")):
            return redirect("contracts:training_session", pk=session.pk)
        day = form.cleaned_data.get("held_on") or day
    else:
        initial = {name: source[name] for name in SESSION_FIELDS if name in source}
        initial.update(held_on=day, attendees=source.getlist("attendees"))
        form = TrainingSessionForm(initial=initial, contract=contract)
    roster = list(trainable_on(contract, day))
    _viewed(request, contract, contract, "session_form", on=day.isoformat())
    return render(
        request,
        "contracts/training/session_form.html",
        {
            "contract": contract,
            "form": form,
            "day": day,
            "roster": roster,
            "selected": form.selected_ids(),
        },
    )


@login_required
def training_session(request, pk: int):
    session = get_training_record_or_404(request, TrainingSession, pk)
    contract = session.contract
    attendances = list(session_attendances(session))
    reported = report_covering(contract, session.held_on)
    _viewed(request, session, contract, "session")
    return render(
        request,
        "contracts/training/session.html",
        {
            "contract": contract,
            "session": session,
            "attendances": attendances,
            "reported": reported,
            "can_edit": permissions.can_record_training(request.user, request.membership, contract)
            and reported is None,
        },
    )


@login_required
def training_session_attendance(request, pk: int):
    session = get_training_record_or_404(request, TrainingSession, pk)
    contract = session.contract
    if not permissions.can_record_training(request.user, request.membership, contract):
        raise Http404
    current = list(session.attendances.values_list("person_id", flat=True))
    form = AttendanceForm(request.POST or None, contract=contract, initial={"attendees": current})
    attend = partial(services.training_attendance_set, session=session)
    if save_form(request, form, attend, success=_("The attendance was updated.")):
        return redirect("contracts:training_session", pk=session.pk)
    roster = list(trainable_on(contract, session.held_on))
    _viewed(request, session, contract, "attendance_form")
    selected = form.selected_ids() if form.is_bound else set(current)
    return render(
        request,
        "contracts/training/session_form.html",
        {
            "contract": contract,
            "session": session,
            "form": form,
            "day": session.held_on,
            "roster": roster,
            "selected": selected,
        },
    )


@login_required
def training_material(request, pk: int):
    session = get_training_record_or_404(request, TrainingSession, pk)
    if session.materials_id is None:
        raise Http404
    return file_response(
        request=request,
        stored=session.materials,
        download_name=f"研修資料_{session.contract.number}_{session.held_on.isoformat()}",
    )


# --- the approval workflow, shared by plan and report ---------------------------------------------


def _act(request, obj, act_service, *, redirect_to: str):
    return approval_action(request, obj, act=act_service, redirect_to=redirect_to)


# --- the plan -----------------------------------------------------------------------------------


def _plan_initial(contract) -> dict:
    today = timezone.localdate()
    return {
        "period_start": min(max(today, contract.start_date), contract.end_date),
        "period_end": contract.end_date,
    }


@login_required
def training_plan_create(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_record_training(request.user, request.membership, contract):
        raise Http404
    form = TrainingPlanForm(request.POST or None, initial=_plan_initial(contract))
    create = partial(services.training_plan_create, contract=contract)
    if plan := save_form(request, form, create, success=_("The plan was saved as a draft.")):
        return redirect("contracts:training_plan", pk=plan.pk)
    return render(request, "contracts/training/plan_form.html", {"contract": contract, "form": form})


@login_required
def training_plan(request, pk: int):
    plan = get_training_record_or_404(request, TrainingPlan, pk)
    _viewed(request, plan, plan.contract, "plan")
    return render(
        request,
        "contracts/training/plan.html",
        {"contract": plan.contract, "plan": plan, **approval_context(request, plan)},
    )


def _edit(request, obj, *, name: str, form_class, fields, update, page: str, template: str, saved: str):
    """The edit page of a draft or returned plan or report (submitted ones are withdrawn first)."""
    if not permissions.can_record_training(request.user, request.membership, obj.contract):
        raise Http404
    if obj.approval_state not in EDITABLE:
        messages.error(request, _("This was submitted: withdraw it first to change it."))
        return redirect(page, pk=obj.pk)
    form = form_class(request.POST or None, initial={name: getattr(obj, name) for name in fields})
    if save_form(request, form, update, success=saved):
        return redirect(page, pk=obj.pk)
    return render(request, template, {"contract": obj.contract, "form": form, name: obj})


@login_required
def training_plan_edit(request, pk: int):
    plan = get_training_record_or_404(request, TrainingPlan, pk)
    return _edit(
        request,
        plan,
        name="plan",
        form_class=TrainingPlanForm,
        fields=services.PLAN_FIELDS,
        update=lambda **kw: services.training_plan_update(plan=plan, **kw),
        page="contracts:training_plan",
        template="contracts/training/plan_form.html",
        saved=_("The plan was saved."),
    )


@login_required
@require_POST
def training_plan_act(request, pk: int):
    plan = get_training_record_or_404(request, TrainingPlan, pk)

    def act(**kwargs):
        return services.training_plan_act(plan=plan, **kwargs)

    return _act(request, plan, act, redirect_to="contracts:training_plan")


@login_required
def training_plan_pdf(request, pk: int):
    plan = get_training_record_or_404(request, TrainingPlan, pk)
    return frozen_or_live_pdf(
        request,
        plan,
        PLAN_FORM,
        lambda: plan_context(plan.contract, plan),
        f"教育実施計画書_{plan.contract.number}_第{plan.number}号",
    )


# --- the report ---------------------------------------------------------------------------------


@login_required
def training_report_create(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_record_training(request.user, request.membership, contract):
        raise Http404
    plans = list(training_plans(contract))
    approved = next((p for p in plans if p.approval_state == ApprovalState.APPROVED), None)
    start, end = period_for(contract, approved)
    form = TrainingReportForm(request.POST or None, initial={"period_start": start, "period_end": end})
    create = partial(services.training_report_create, contract=contract)
    if report := save_form(request, form, create, success=_("The report was saved as a draft.")):
        return redirect("contracts:training_report", pk=report.pk)
    return render(request, "contracts/training/report_form.html", {"contract": contract, "form": form})


@login_required
def training_report(request, pk: int):
    report = get_training_record_or_404(request, TrainingReport, pk)
    context = report_context(report.contract, report)
    _viewed(request, report, report.contract, "report")
    return render(
        request,
        "contracts/training/report.html",
        {**context, "contract": report.contract, "report": report, **approval_context(request, report)},
    )


@login_required
def training_report_edit(request, pk: int):
    report = get_training_record_or_404(request, TrainingReport, pk)
    return _edit(
        request,
        report,
        name="report",
        form_class=TrainingReportForm,
        fields=services.REPORT_FIELDS,
        update=lambda **kw: services.training_report_update(report=report, **kw),
        page="contracts:training_report",
        template="contracts/training/report_form.html",
        saved=_("The report was saved."),
    )


@login_required
@require_POST
def training_report_act(request, pk: int):
    report = get_training_record_or_404(request, TrainingReport, pk)

    def act(**kwargs):
        return services.training_report_act(report=report, **kwargs)

    return _act(request, report, act, redirect_to="contracts:training_report")


@login_required
def training_report_pdf(request, pk: int):
    report = get_training_record_or_404(request, TrainingReport, pk)
    return frozen_or_live_pdf(
        request,
        report,
        REPORT_FORM,
        lambda: report_context(report.contract, report),
        f"教育実施報告書_{report.contract.number}_第{report.number}号",
    )

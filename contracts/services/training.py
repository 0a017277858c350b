"""Training (教育・研修): the plan (approved by the public body, 004 §3.4), the sessions held and
their attendance (the public body's own training too, 001 §10), and the report of results
(001 §9, 002 §6). Plan and report go through the one approval workflow (core.approvals).

Events the duty engine knows (clauses/event_kinds.py):
- `training.plan_approved` — recorded here after the workflow's own `training_plan.approved`
  (the workflow names events `<prefix>.<verb>`, which cannot spell the registered kind);
- `training.reported` — at the first submission of a report: the results were reported;
- `training.attended_client_session` — when attendance at the public body's training is recorded;
- `training.session_recorded` / `training.attendance_changed` — name who attended (or was added)
  in `subjects`: the evidence of each person's own training duty (000 §11, 001 §9, 003 §19).
Event data never carries names (events outlive the contract's data key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import events, permissions
from contracts.models import (
    Attendance,
    Contract,
    Person,
    TrainingPlan,
    TrainingReport,
    TrainingSession,
)
from contracts.pdf.training import PLAN_FORM, REPORT_FORM, plan_context, report_context
from contracts.selectors.contracts import approval_recipients
from contracts.selectors.training import (
    OPEN_STATES,
    report_covering,
    trainable_on,
)
from core.approvables import next_number
from core.approvals import EDITABLE, ApprovalAction, ApprovalPolicy, FrozenForm, approval_transition
from core.audit import record_event
from core.files import store_upload
from core.models import Membership

PLAN_FIELDS = ("period_start", "period_end", "content", "planned_sessions")
REPORT_FIELDS = ("period_start", "period_end", "summary")
PURPOSE = "training"


def plan_policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.TRAINING_PLAN_PREFIX,
        can_submit=lambda actor, plan: permissions.can_record_training(actor, membership, plan.contract),
        can_decide=lambda actor, plan: permissions.can_decide_training(actor, membership, plan.contract),
        notify=approval_recipients,
        title=lambda plan: (
            _("Training plan of %(number)s (#%(n)s)") % {"number": plan.contract.number, "n": plan.number}
        ),
        frozen_form=FrozenForm(
            form_id=PLAN_FORM,
            context=lambda plan: plan_context(plan.contract, plan),
            filename=lambda plan: f"training-plan-{plan.contract_id}-{plan.number}.pdf",
            purpose=PURPOSE,
        ),
    )


def report_policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.TRAINING_REPORT_PREFIX,
        can_submit=lambda actor, report: permissions.can_record_training(actor, membership, report.contract),
        can_decide=lambda actor, report: permissions.can_decide_training(actor, membership, report.contract),
        notify=approval_recipients,
        title=lambda report: (
            _("Training report of %(number)s (#%(n)s)")
            % {"number": report.contract.number, "n": report.number}
        ),
        frozen_form=_report_form(lambda report: report_context(report.contract, report)),
    )


def _report_form(context) -> FrozenForm:
    return FrozenForm(
        form_id=REPORT_FORM,
        context=context,
        filename=lambda report: f"training-report-{report.contract_id}-{report.number}.pdf",
        purpose=PURPOSE,
    )


# --- checks -------------------------------------------------------------------------------------


def _period_errors(contract: Contract, start: date | None, end: date | None) -> dict[str, str]:
    errors = {}
    if start and not contract.start_date <= start <= contract.end_date:
        errors["period_start"] = _("The period must be within the contract period.")
    if end and not contract.start_date <= end <= contract.end_date:
        errors["period_end"] = _("The period must be within the contract period.")
    if start and end and end < start and "period_end" not in errors:
        errors["period_end"] = _("The end of the period cannot be before its start.")
    return errors


def _day_errors(contract: Contract, held_on: date | None) -> dict[str, str]:
    if held_on is None:
        return {"held_on": _("Enter the day the session was held.")}
    if not contract.start_date <= held_on <= contract.end_date:
        return {"held_on": _("The day must be within the contract period.")}
    if held_on > timezone.localdate():
        return {"held_on": _("Record sessions that were held: the day cannot be in the future.")}
    if report_covering(contract, held_on) is not None:
        return {
            "held_on": _(
                "A training report covering this day was already submitted: its sessions cannot be changed."
            )
        }
    return {}


def _attendee_errors(contract: Contract, held_on: date, people: list[Person]) -> dict[str, str]:
    if not people:
        return {}
    allowed = set(
        trainable_on(contract, held_on)
        .filter(person_id__in=[p.pk for p in people])
        .values_list("person_id", flat=True)
    )
    outside = [p for p in people if p.pk not in allowed or p.contract_id != contract.pk]
    if outside:
        return {
            "attendees": _("Not on the roster on that day: %(names)s.")
            % {"names": "、".join(p.full_name for p in outside)}
        }
    return {}


# --- the plan -----------------------------------------------------------------------------------


def _plan_errors(contract: Contract, values: dict) -> dict[str, str]:
    errors = _period_errors(contract, values.get("period_start"), values.get("period_end"))
    if not (values.get("content") or "").strip():
        errors["content"] = _("Describe the training: who is trained, on what, and how.")
    return errors


@transaction.atomic
def training_plan_create(
    *,
    actor,
    actor_membership: Membership | None,
    contract: Contract,
    period_start: date,
    period_end: date,
    content: str,
    planned_sessions: str = "",
) -> TrainingPlan:
    if not permissions.can_record_training(actor, actor_membership, contract):
        raise PermissionDenied
    Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one open plan at a time
    if TrainingPlan.objects.filter(contract=contract, approval_state__in=OPEN_STATES).exists():
        raise ValidationError(_("A training plan is already in progress: finish or withdraw it first."))
    values = {
        "period_start": period_start,
        "period_end": period_end,
        "content": content.strip(),
        "planned_sessions": planned_sessions.strip(),
    }
    errors = _plan_errors(contract, values)
    if errors:
        raise ValidationError(errors)
    plan = TrainingPlan(
        contract=contract, number=next_number(TrainingPlan, contract), created_by=actor, **values
    )
    plan.full_clean()
    plan.save()
    record_event(
        kind=events.TRAINING_PLAN_CREATED,
        actor=actor,
        obj=plan,
        contract_id=contract.pk,
        data={"n": plan.number},
    )
    return plan


def _editable(model, obj, actor, membership):
    locked = model.objects.select_for_update().select_related("contract").get(pk=obj.pk)
    if not permissions.can_record_training(actor, membership, locked.contract):
        raise PermissionDenied
    if locked.approval_state not in EDITABLE:
        raise ValidationError(_("This was submitted: withdraw it first to change it."))
    return locked


@transaction.atomic
def training_plan_update(
    *, actor, actor_membership: Membership | None, plan: TrainingPlan, **fields
) -> TrainingPlan:
    """Correct a draft or returned plan (an approved plan is revised by a new plan)."""
    plan = _editable(TrainingPlan, plan, actor, actor_membership)
    values = {name: getattr(plan, name) for name in PLAN_FIELDS}
    values.update({k: v.strip() if isinstance(v, str) else v for k, v in fields.items() if k in PLAN_FIELDS})
    errors = _plan_errors(plan.contract, values)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=list(PLAN_FIELDS))
    record_event(kind=events.TRAINING_PLAN_UPDATED, actor=actor, obj=plan, contract_id=plan.contract_id)
    return plan


@transaction.atomic
def training_plan_act(
    *,
    actor,
    actor_membership: Membership | None,
    plan: TrainingPlan,
    action: str,
    reason: str = "",
) -> TrainingPlan:
    """Submit, withdraw, approve, return or reject a plan (the shared workflow)."""
    plan = approval_transition(
        actor=actor, obj=plan, action=action, policy=plan_policy(actor_membership), reason=reason
    )
    if action == ApprovalAction.APPROVE:
        # The kind the clause templates name (004 §3.4): the approval is the evidence.
        record_event(
            kind=events.TRAINING_PLAN_APPROVED,
            actor=actor,
            obj=plan,
            contract_id=plan.contract_id,
            data={
                "n": plan.number,
                "period_start": plan.period_start.isoformat(),
                "period_end": plan.period_end.isoformat(),
            },
        )
    return plan


# --- sessions and attendance --------------------------------------------------------------------


def _subject(person_pk: int) -> str:
    return f"contracts.person:{person_pk}"


def _people(contract: Contract, attendees: Iterable) -> list[Person]:
    ids = sorted({getattr(a, "pk", a) for a in attendees})
    people = list(Person.objects.filter(pk__in=ids))
    if len(people) != len(ids) or any(p.contract_id != contract.pk for p in people):
        raise ValidationError({"attendees": _("Choose people on this contract's roster.")})
    return people


def _client_session_attended(session: TrainingSession, actor, count: int) -> None:
    # The evidence for "attend the public body's training" (001 §10), dated the day it was held.
    record_event(
        kind=events.TRAINING_ATTENDED_CLIENT_SESSION,
        actor=actor,
        obj=session,
        contract_id=session.contract_id,
        data={"effective_date": session.held_on.isoformat(), "attendees": count},
    )


@transaction.atomic
def training_session_record(
    *,
    actor,
    actor_membership: Membership | None,
    contract: Contract,
    held_on: date,
    topic: str,
    content: str = "",
    given_by: str = "",
    is_client_session: bool = False,
    attendees: Iterable = (),
    materials=None,
) -> TrainingSession:
    """Record a session that was held, who attended it and (optionally) its materials."""
    if not permissions.can_record_training(actor, actor_membership, contract):
        raise PermissionDenied
    errors = _day_errors(contract, held_on)
    if not topic.strip():
        errors["topic"] = _("Enter the topic of the session.")
    people = _people(contract, attendees)
    if held_on and "held_on" not in errors:
        errors.update(_attendee_errors(contract, held_on, people))
    if errors:
        raise ValidationError(errors)
    stored = None
    if materials is not None:
        try:
            stored = store_upload(
                actor=actor,
                uploaded=materials,
                data_key=contract.data_key,
                purpose=PURPOSE,
                contract_id=contract.pk,
            )
        except ValidationError as exc:
            raise ValidationError({"materials": exc.error_list}) from exc
    session = TrainingSession(
        contract=contract,
        data_key_id=contract.data_key_id,
        held_on=held_on,
        topic=topic.strip(),
        content=content.strip(),
        given_by=given_by.strip(),
        is_client_session=is_client_session,
        materials=stored,
        recorded_by=actor,
    )
    session.full_clean()
    session.save()
    Attendance.objects.bulk_create([Attendance(session=session, person=p) for p in people])
    record_event(
        kind=events.TRAINING_SESSION_RECORDED,
        actor=actor,
        obj=session,
        contract_id=contract.pk,
        data={
            "held_on": held_on.isoformat(),
            "client_session": is_client_session,
            "attendees": len(people),
            "materials": stored.sha256 if stored else "",
            # Who was trained, by reference (never names): the evidence of each person's own
            # training duty (000 §11, 001 §9, 003 §4.2 and §19), met on the day it was held.
            "subjects": [_subject(p.pk) for p in people],
            "effective_date": held_on.isoformat(),
        },
    )
    if is_client_session and people:
        _client_session_attended(session, actor, len(people))
    return session


@transaction.atomic
def training_attendance_set(
    *, actor, actor_membership: Membership | None, session: TrainingSession, attendees: Iterable
) -> TrainingSession:
    """Correct who attended a session, until a report covering its day is submitted."""
    session = TrainingSession.objects.select_for_update().select_related("contract").get(pk=session.pk)
    contract = session.contract
    if not permissions.can_record_training(actor, actor_membership, contract):
        raise PermissionDenied
    if report_covering(contract, session.held_on) is not None:
        raise ValidationError(
            {
                "attendees": _(
                    "A training report covering this day was already submitted: "
                    "its sessions cannot be changed."
                )
            }
        )
    people = _people(contract, attendees)
    errors = _attendee_errors(contract, session.held_on, people)
    if errors:
        raise ValidationError(errors)
    before = set(session.attendances.values_list("person_id", flat=True))
    after = {p.pk for p in people}
    session.attendances.filter(person_id__in=before - after).delete()
    Attendance.objects.bulk_create(
        [Attendance(session=session, person_id=pk) for pk in sorted(after - before)]
    )
    record_event(
        kind=events.TRAINING_ATTENDANCE_CHANGED,
        actor=actor,
        obj=session,
        contract_id=contract.pk,
        data={
            "added": [_subject(pk) for pk in sorted(after - before)],
            "removed": [_subject(pk) for pk in sorted(before - after)],
            # The people added were trained at this session: evidence for them only, on its day.
            "subjects": [_subject(pk) for pk in sorted(after - before)],
            "effective_date": session.held_on.isoformat(),
        },
    )
    if session.is_client_session and after - before:
        _client_session_attended(session, actor, len(after))
    return session


# --- the report ---------------------------------------------------------------------------------


@transaction.atomic
def training_report_create(
    *,
    actor,
    actor_membership: Membership | None,
    contract: Contract,
    period_start: date,
    period_end: date,
    summary: str = "",
) -> TrainingReport:
    if not permissions.can_record_training(actor, actor_membership, contract):
        raise PermissionDenied
    Contract.objects.select_for_update().filter(pk=contract.pk).first()  # numbers are per contract
    errors = _period_errors(contract, period_start, period_end)
    if errors:
        raise ValidationError(errors)
    report = TrainingReport(
        contract=contract,
        number=next_number(TrainingReport, contract),
        period_start=period_start,
        period_end=period_end,
        summary=summary.strip(),
        created_by=actor,
    )
    report.full_clean()
    report.save()
    record_event(
        kind=events.TRAINING_REPORT_CREATED,
        actor=actor,
        obj=report,
        contract_id=contract.pk,
        data={"n": report.number},
    )
    return report


@transaction.atomic
def training_report_update(
    *, actor, actor_membership: Membership | None, report: TrainingReport, **fields
) -> TrainingReport:
    report = _editable(TrainingReport, report, actor, actor_membership)
    values = {name: getattr(report, name) for name in REPORT_FIELDS}
    values.update(
        {k: v.strip() if isinstance(v, str) else v for k, v in fields.items() if k in REPORT_FIELDS}
    )
    errors = _period_errors(report.contract, values["period_start"], values["period_end"])
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(report, name, value)
    report.full_clean()
    report.save(update_fields=list(REPORT_FIELDS))
    record_event(kind=events.TRAINING_REPORT_UPDATED, actor=actor, obj=report, contract_id=report.contract_id)
    return report


@transaction.atomic
def training_report_act(
    *,
    actor,
    actor_membership: Membership | None,
    report: TrainingReport,
    action: str,
    reason: str = "",
) -> TrainingReport:
    """Submit, withdraw, accept (approve), return or reject a report (the shared workflow)."""
    held = TrainingSession.objects.filter(
        contract_id=report.contract_id, held_on__gte=report.period_start, held_on__lte=report.period_end
    )
    if action == ApprovalAction.SUBMIT and not held.exists():
        raise ValidationError(_("No session was held in this period: record the sessions first."))
    # The frozen form's context is kept for the event below (how many sessions, who is untrained).
    context: dict = {}

    def frozen_context(obj: TrainingReport) -> dict:
        context.update(report_context(obj.contract, obj))
        return context

    policy = replace(report_policy(actor_membership), frozen_form=_report_form(frozen_context))
    report = approval_transition(actor=actor, obj=report, action=action, policy=policy, reason=reason)
    if action != ApprovalAction.SUBMIT:
        return report
    if report.reported_at is None:
        # The results were reported (001 §9, 002 §6, 004 §3.5). A report returned for correction
        # and submitted again is the same report: it does not count as the next period's.
        report.reported_at = timezone.now()
        report.save(update_fields=["reported_at"])
        record_event(
            kind=events.TRAINING_REPORTED,
            actor=actor,
            obj=report,
            contract_id=report.contract_id,
            data={
                "n": report.number,
                "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(),
                "sessions": len(context["sessions"]),
                "untrained": len(context["untrained"]),
                "sha256": report.submitted_pdf.sha256,
            },
        )
    return report

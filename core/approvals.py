"""The one approval workflow every approvable thing shares (design.md, invariant 2).

draft → submitted → approved | returned (差戻し, with a reason) | rejected (却下, with a reason);
the submitter may withdraw while it is pending (back to draft); a returned item is corrected and
submitted again. A domain model inherits `Approvable`; its service calls `approval_transition`
with who may do what. Each transition locks the row, checks the allowed-transitions table,
records `<prefix>.<past tense>` in the audit trail (the duty engine reads those: e.g.
`roster.approved`) and notifies the other side in the portal and by e-mail (through the outbox, or
in the daily digest for those who chose it), in the same transaction.

An approved thing that changes is never edited: the domain creates a change request (a new
Approvable that points at what it changes), so the history of what was approved stays readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.validators import NOTE, check_input


class ApprovalState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    APPROVED = "approved", gettext_lazy("Approved")
    RETURNED = "returned", gettext_lazy("Returned")
    REJECTED = "rejected", gettext_lazy("Rejected")


class ApprovalAction(models.TextChoices):
    SUBMIT = "submit", gettext_lazy("Submit")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")
    APPROVE = "approve", gettext_lazy("Approve")
    RETURN = "return", gettext_lazy("Return")
    REJECT = "reject", gettext_lazy("Reject")


S, A = ApprovalState, ApprovalAction
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.WITHDRAW): S.DRAFT,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
}
# The event kind's verb for each action: `<prefix>.submitted`, `<prefix>.approved`, …
PAST = {
    A.SUBMIT: "submitted",
    A.WITHDRAW: "withdrawn",
    A.APPROVE: "approved",
    A.RETURN: "returned",
    A.REJECT: "rejected",
}
NEEDS_REASON = frozenset({A.RETURN, A.REJECT})
# Who acts: the submitting side (the contractor) or the deciding side (the public body).
SUBMITTER_ACTIONS = frozenset({A.SUBMIT, A.WITHDRAW})
DECIDING_ACTIONS = frozenset({A.APPROVE, A.RETURN, A.REJECT})
# What the submitting side may still change: never what is pending or decided (withdraw first).
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


class Approvable(models.Model):
    """Fields of anything that goes through the approval workflow (abstract)."""

    approval_state = models.CharField(
        gettext_lazy("approval state"),
        max_length=20,
        choices=ApprovalState.choices,
        default=ApprovalState.DRAFT,
    )
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(gettext_lazy("reason"), blank=True)

    class Meta:
        abstract = True


class FrozenApprovable(Approvable):
    """An approvable thing with a form: what was submitted is frozen as a PDF (its SHA-256 is in
    the file row and the audit trail), and who drafted it is kept (abstract)."""

    submitted_pdf = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class ChangeRequest(FrozenApprovable):
    """A numbered change to what a contract has approved (its roster, its work sites): the new
    versions it introduces count from `effective_at` (abstract). The concrete model declares its
    own `contract` foreign key (each with its own reverse name) and inherits this Meta."""

    number = models.PositiveIntegerField(gettext_lazy("number"))
    note = models.TextField(gettext_lazy("note"), blank=True, validators=[MaxLengthValidator(NOTE)])
    # When the change took effect: its approval, or its submission where notice is enough.
    effective_at = models.DateTimeField(gettext_lazy("effective at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="%(class)s_unique_number"),
        ]


@dataclass(frozen=True)
class FrozenForm:
    """How a FrozenApprovable's submission is frozen: its PDF form rendered as it stands."""

    form_id: str
    context: Callable[[Any], dict]  # (obj) -> the form's context, read when it is submitted
    filename: Callable[[Any], str]
    purpose: str  # StoredFile.purpose
    data_key: Callable[[Any], Any] = lambda obj: obj.contract.data_key


@dataclass(frozen=True)
class ApprovalPolicy:
    """What the domain says about one kind of approvable thing."""

    event_prefix: str  # "roster", "worksite", …
    can_submit: Callable[[object, object], bool]  # (actor, obj) -> bool
    can_decide: Callable[[object, object], bool]
    contract_id: Callable[[object], int | None] = lambda obj: getattr(obj, "contract_id", None)
    # Who hears about a transition, e.g. the public body's approvers after a submission.
    notify: Callable[[object, str], Iterable] | None = None
    title: Callable[[object], str] = str
    # Set for a FrozenApprovable: its submission is frozen as this form (see approval_transition).
    frozen_form: FrozenForm | None = None
    # Whether the domain offers `action` on `obj` at all now, beyond the table and the person
    # (a roster change in force is not withdrawn; a notice is not decided). It hides the button
    # (core.approvables.actions_for); the service says why when it refuses such a request.
    offers: Callable[[Any, str], bool] = lambda obj, action: True
    # What the transition's event says beyond the states, for the duties it meets: e.g. the
    # people a roster change names (data["subjects"]), so an approval meets each person's duty.
    # References only, never names (the audit trail keeps no personal data).
    event_data: Callable[[Any], dict] | None = None


def _render_frozen(obj, form: FrozenForm) -> bytes:
    from core import pdf

    try:
        return pdf.render_form(form.form_id, form.context(obj))
    except pdf.PdfRenderTimeout as exc:
        raise ValidationError(
            _(
                "The form took too long to print, so it was not submitted. "
                "Shorten the longest texts and try again."
            )
        ) from exc


def _attach_frozen(actor, obj, form: FrozenForm, data: bytes) -> None:
    from django.core.files.base import ContentFile

    from core.files import store_upload

    obj.submitted_pdf = store_upload(
        actor=actor,
        uploaded=ContentFile(data, name=form.filename(obj)),
        data_key=form.data_key(obj),
        purpose=form.purpose,
        contract_id=getattr(obj, "contract_id", None),
    )
    obj.save(update_fields=["submitted_pdf"])


def allowed_actions(state: str) -> list[str]:
    return [action for (from_state, action) in TRANSITIONS if from_state == state]


def approval_transition(
    *, actor, obj: Approvable, action: str, policy: ApprovalPolicy, reason: str = ""
) -> Approvable:
    """Move `obj` along the workflow, or raise ValidationError / PermissionDenied and change nothing.

    A submission of a policy with a `frozen_form` is frozen here: the PDF is rendered after the
    checks and before the transition's event, because the first event takes the audit trail's
    portal-wide lock until COMMIT (core.audit) and a render under it makes every other writer
    wait. So call this before the service records any event of its own in the transaction.
    """
    from core.audit import current_request_context, record_event
    from core.services.notifications import (
        TransitionNotice,
        approval_mails_enqueue,
        approval_mails_render,
        notification_create,
    )

    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        old = locked.approval_state
        new = TRANSITIONS.get((old, action))
        if new is None:
            raise ValidationError(
                _("This cannot be done now: it is %(state)s.") % {"state": ApprovalState(old).label}
            )
        allowed = policy.can_submit if action in SUBMITTER_ACTIONS else policy.can_decide
        if not allowed(actor, locked):
            raise PermissionDenied
        if action == A.WITHDRAW and locked.submitted_by_id not in (None, actor.pk):
            raise PermissionDenied
        reason = reason.strip()
        if action in NEEDS_REASON and not reason:
            raise ValidationError({"reason": _("Give the reason, so that it can be put right.")})
        # The reason goes into the event and the notification: the decision form's limit.
        check_input(texts={"reason": (reason, NOTE)})
        now = timezone.now()
        locked.approval_state = new
        if action == A.SUBMIT:
            locked.submitted_at, locked.submitted_by = now, actor
            locked.decided_at, locked.decided_by, locked.decision_reason = None, None, ""
        elif action == A.WITHDRAW:
            locked.submitted_at = None
        else:
            locked.decided_at, locked.decided_by, locked.decision_reason = now, actor, reason
        frozen = None
        if action == A.SUBMIT and policy.frozen_form is not None:
            # Rendered from the row as it will be saved (submitted_at is the form's date).
            frozen = _render_frozen(locked, policy.frozen_form)
        locked.save(
            update_fields=[
                "approval_state",
                "submitted_at",
                "submitted_by",
                "decided_at",
                "decided_by",
                "decision_reason",
            ]
        )
        notices: list = []
        mails: list = []
        if policy.notify is not None:
            # Everything the other side is told is worked out and rendered now, before the event:
            # the event takes the audit trail's portal-wide lock until COMMIT (core.audit), and
            # after it only inserts follow.
            title, body, url = _notice(actor, locked, action, new, policy, reason)
            recipients = [user for user in policy.notify(locked, action) if user.pk != actor.pk]
            notices = [(user, title, body, url) for user in recipients]
            mails = approval_mails_render(
                notice=TransitionNotice(
                    actor=actor,
                    obj=locked,
                    action=action,
                    policy=policy,
                    reason=reason,
                    path=url,
                    occurred_at=now,
                    organisation_id=current_request_context().organisation_id,
                    key=f"{locked._meta.label_lower}:{locked.pk}:{action}:{now.isoformat()}",
                ),
                recipients=recipients,
            )
        data = {"from": old, "to": new, "reason": reason}
        if policy.event_data is not None:
            data = {**policy.event_data(locked), **data}
        record_event(
            kind=f"{policy.event_prefix}.{PAST[action]}",
            actor=actor,
            obj=locked,
            contract_id=policy.contract_id(locked),
            data=data,
        )
        if frozen is not None:
            _attach_frozen(actor, locked, policy.frozen_form, frozen)
        for user, title, body, url in notices:
            notification_create(user=user, title=title, body=body, url=url)
        # In the same transaction: the outbox rows exist exactly when the transition does, and
        # the mail leaves after COMMIT (docs/outbox.md).
        approval_mails_enqueue(mails)
    return locked


def _notice(actor, obj: Approvable, action: str, new: str, policy: ApprovalPolicy, reason: str):
    """The notification of a transition: its title, its text and the path of the thing's page.

    The page comes from the approvable registry (core.approvables), so every app's approvables
    link without core knowing their URLs; an unregistered model gets no link. A submission that
    waits for a decision says what is to be decided, on which contract, and who submitted it.
    """
    from core.approvables import kind_of

    thing = policy.title(obj)
    try:
        kind = kind_of(obj)
    except LookupError:
        kind = None
    url = kind.url(obj) if kind is not None else ""
    if action == A.SUBMIT and policy.offers(obj, A.APPROVE):
        lines = [_("To be decided: %(thing)s") % {"thing": thing}]
        if kind is not None:
            where = kind.where(obj)
            lines.append(
                _("Contract: %(number)s (%(party)s)") % {"number": where.label, "party": where.party}
            )
        lines.append(_("Submitted by: %(person)s") % {"person": actor})
        lines.append(_("Approve it or return it for correction."))
        return _("Approval requested: %(thing)s") % {"thing": thing}, "\n".join(lines), url
    if action == A.SUBMIT:
        # Notice only (e.g. a roster change under clauses that ask no approval): nobody decides,
        # so the notice says what was notified rather than 「申請中」.
        lines = [_("Notified: %(thing)s") % {"thing": thing}]
        if kind is not None:
            where = kind.where(obj)
            lines.append(
                _("Contract: %(number)s (%(party)s)") % {"number": where.label, "party": where.party}
            )
        lines.append(_("Notified by: %(person)s") % {"person": actor})
        lines.append(_("No decision is needed: check what was notified."))
        return _("Notice: %(thing)s") % {"thing": thing}, "\n".join(lines), url
    if action == A.WITHDRAW:
        # The state it falls back to (作成中) is not what happened: it was withdrawn.
        return _("%(thing)s: withdrawn") % {"thing": thing}, reason, url
    title = _("%(thing)s: %(state)s") % {"thing": thing, "state": ApprovalState(new).label}
    return title, reason, url

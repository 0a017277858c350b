"""The generic evidence path of a duty met by a document or a report (docs/duties-evidence.md).

The side the duty binds submits one or more files with an optional comment. Every submission is
a `DutySubmission` that goes through the shared approval workflow (core.approvals), so the other
side is told in the portal and by e-mail; where the obligation asks for acceptance (it names the
acceptance kind, `document.accepted` or `report.accepted`, in fulfilled_by) the other side
accepts or returns it and the duty is met by the acceptance; otherwise nobody decides (a notice)
and the submission itself is the evidence. The evidence events carry the duty's obligation key
and subject, so the engine closes exactly that duty, and the files' SHA-256.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clauses.kinds import KINDS
from clauses.models import Obligation
from compliance import events, permissions
from compliance.models import Duty, DutySubmission, DutySubmissionFile
from contracts.selectors.contracts import contract_approvers, organisation_people
from core.approvals import (
    SUBMITTER_ACTIONS,
    ApprovalAction,
    ApprovalPolicy,
    ApprovalState,
    approval_transition,
)
from core.audit import record_event
from core.files import store_upload
from core.models import Membership, Role
from core.validators import STATEMENT, check_input

# A document is a few files (the rules, their annexes, a scanned cover letter), not an archive;
# each is bounded by core.files' size limit.
MAX_SUBMISSION_FILES = 10
FILE_PURPOSE = "duty_submission"


def submission_kinds(obligation: Obligation) -> tuple[str, str | None] | None:
    """(the kind a submission records, the kind its acceptance records or None) for an obligation
    met by a submitted document or report; None for one met otherwise."""
    fulfilled = set(obligation.fulfilled_by or ())
    for submitted, accepted in events.SUBMISSION_KINDS.items():
        if accepted in fulfilled:
            return submitted, accepted
        if submitted in fulfilled:
            return submitted, None
    return None


def awaits_acceptance(duty: Duty) -> bool:
    """Whether a version of the duty's document waits for the other side's decision (then no
    other version is submitted until it is decided or withdrawn)."""
    return duty.submissions.filter(approval_state=ApprovalState.SUBMITTED, needs_acceptance=True).exists()


def needs_acceptance(obligation: Obligation) -> bool:
    kinds = submission_kinds(obligation)
    return bool(kinds and kinds[1])


def submission_title(submission: DutySubmission) -> str:
    ob = submission.duty.obligation
    what = ob.document or (str(KINDS[ob.kind].label) if ob.kind in KINDS else ob.summary[:60])
    return _("%(what)s (version %(n)d)") % {"what": what, "n": submission.version}


def _recipients(submission: DutySubmission, action: str) -> list:
    """The other side hears of a submission or withdrawal, the submitting side of a decision."""
    contract = submission.contract
    client_duty = submission.duty.obligation.actor == "client"
    tell_client = (action in SUBMITTER_ACTIONS) != client_duty
    if tell_client:
        return contract_approvers(contract)
    return organisation_people(contract.contractor_id, Role.CONTRACTOR_ADMIN)


def _offers(submission: DutySubmission, action: str) -> bool:
    # A document that needs no acceptance is a notice: nobody decides it. A returned one is put
    # right by a new version (its files are frozen), never by submitting the same row again;
    # a return with its reason is the answer to a wrong document, so there is no rejection.
    if action in (ApprovalAction.APPROVE, ApprovalAction.RETURN):
        return submission.needs_acceptance
    if action == ApprovalAction.REJECT:
        return False
    if action == ApprovalAction.WITHDRAW:
        return submission.needs_acceptance
    return submission.approval_state == ApprovalState.DRAFT


def policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.SUBMISSION_PREFIX,
        can_submit=lambda actor, s: permissions.can_meet_duty(actor, membership, s.duty),
        can_decide=lambda actor, s: permissions.can_accept_duty_document(actor, membership, s.duty),
        notify=_recipients,
        title=submission_title,
        offers=_offers,
    )


def _store_files(*, actor, duty: Duty, files: Sequence[UploadedFile]) -> list:
    stored = []
    for uploaded in files:
        try:
            stored.append(
                store_upload(
                    actor=actor,
                    uploaded=uploaded,
                    data_key=duty.contract.data_key,
                    purpose=FILE_PURPOSE,
                    contract_id=duty.contract_id,
                )
            )
        except ValidationError as exc:
            # Said at the file field, naming the file (core.files' checks speak of "the file").
            raise ValidationError(
                {"files": [f"{PurePath(uploaded.name or '').name}: {m}" for m in exc.messages]}
            ) from exc
    return stored


def _evidence_data(duty: Duty, submission: DutySubmission, hashes: list[str]) -> dict:
    # The obligation key and the subject narrow the engine to exactly this duty; the files are
    # named by their SHA-256 only (events outlive the data key, docs/keys.md).
    return {
        "obligation": duty.obligation.key,
        "subject": duty.subject,
        "duty": duty.pk,
        "version": submission.version,
        "comment": submission.comment,
        "files": hashes,
    }


@transaction.atomic
def duty_document_submit(
    *,
    actor,
    actor_membership: Membership | None,
    duty: Duty,
    comment: str = "",
    files: Sequence[UploadedFile] = (),
) -> DutySubmission:
    """Submit a document (or report) for `duty`: a new version, frozen with its files' SHA-256.

    On an open duty it is the duty's evidence (or, where acceptance is asked, waits for it); on a
    duty already met it is a re-submission of a changed document (`document.resubmitted`), which
    closes nothing and, where acceptance is asked, is accepted again.
    """
    duty = Duty.objects.select_for_update().select_related("obligation", "contract").get(pk=duty.pk)
    if not permissions.can_meet_duty(actor, actor_membership, duty):
        raise PermissionDenied
    kinds = submission_kinds(duty.obligation)
    if kinds is None or duty.state == Duty.State.WAIVED:
        raise ValidationError(_("This duty is not met by a submitted document."))
    submitted_kind, accepted_kind = kinds
    if awaits_acceptance(duty):
        raise ValidationError(
            _("An earlier version waits for acceptance: withdraw it first, or wait for the decision.")
        )
    comment = comment.strip()
    check_input(texts={"comment": (comment, STATEMENT)})
    files = list(files)
    if not files:
        raise ValidationError({"files": _("Attach the document: at least one file.")})
    if len(files) > MAX_SUBMISSION_FILES:
        raise ValidationError(
            {"files": _("Attach at most %(limit)d files.") % {"limit": MAX_SUBMISSION_FILES}}
        )
    resubmission = duty.state != Duty.State.OPEN
    version = (duty.submissions.aggregate(m=Max("version"))["m"] or 0) + 1
    submission = DutySubmission(
        duty=duty,
        contract=duty.contract,
        version=version,
        comment=comment,
        needs_acceptance=accepted_kind is not None,
        created_by=actor,
    )
    submission.full_clean()
    submission.save()
    stored = _store_files(actor=actor, duty=duty, files=files)
    DutySubmissionFile.objects.bulk_create(
        [DutySubmissionFile(submission=submission, file=f) for f in stored]
    )
    submission = approval_transition(
        actor=actor, obj=submission, action=ApprovalAction.SUBMIT, policy=policy(actor_membership)
    )
    event = record_event(
        kind=events.DOCUMENT_RESUBMITTED if resubmission else submitted_kind,
        actor=actor,
        obj=duty,
        contract_id=duty.contract_id,
        data=_evidence_data(duty, submission, [f.sha256 for f in stored]),
    )
    submission.event = event
    submission.save(update_fields=["event"])
    return submission


@transaction.atomic
def duty_submission_act(
    *,
    actor,
    actor_membership: Membership | None,
    submission: DutySubmission,
    action: str,
    reason: str = "",
) -> DutySubmission:
    """Withdraw, accept or return a submitted document (core.approvals checks who and when).

    An acceptance of the duty's open submission records the acceptance kind with the duty's
    obligation and subject: the engine meets the duty by it. A changed document accepted after
    the duty was met records only the workflow's own event: an acceptance kind there could close
    the obligation's next cycle, which this document was not given for.
    """
    if not _offers(submission, action):
        # The workflow's table would let a notice be approved: the domain says nobody decides it.
        raise ValidationError(_("This cannot be done to this document."))
    submission = approval_transition(
        actor=actor, obj=submission, action=action, policy=policy(actor_membership), reason=reason
    )
    if action != ApprovalAction.APPROVE:
        return submission
    duty = Duty.objects.select_for_update().select_related("obligation").get(pk=submission.duty_id)
    kinds = submission_kinds(duty.obligation)
    if duty.state != Duty.State.OPEN or kinds is None or kinds[1] is None:
        return submission
    hashes = list(submission.files.values_list("file__sha256", flat=True))
    record_event(
        kind=kinds[1],
        actor=actor,
        obj=duty,
        contract_id=duty.contract_id,
        data={**_evidence_data(duty, submission, hashes), "submission": submission.pk},
    )
    return submission


def submission_status(submission: DutySubmission) -> str:
    """What became of a version, in words: a notice is submitted; one asking for acceptance
    waits for it, is accepted or returned; a withdrawn one is withdrawn (not 作成中)."""
    state = submission.approval_state
    if not submission.needs_acceptance:
        return _("Handed in")
    return {
        ApprovalState.SUBMITTED: _("Waiting for acceptance"),
        ApprovalState.APPROVED: _("Document accepted"),
        ApprovalState.RETURNED: _("Returned"),
        ApprovalState.REJECTED: _("Rejected"),
    }.get(state, _("Withdrawn"))

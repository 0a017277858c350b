"""A duty's documents: submit one (a new version), one version's page with its files and the
next step of the shared approval workflow (accept, return, withdraw), and its files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance import permissions
from compliance.access import get_duty_or_404, get_submission_or_404
from compliance.forms import SubmissionForm
from compliance.models import Duty, DutySubmissionFile
from compliance.services import submissions as services
from compliance.views.duties import _duty_context
from core.files import file_response
from core.views.approvals import approval_action, approval_context
from core.views.utils import apply_validation_error


def submittable(duty) -> bool:
    """Whether the duty takes a document now: one met by a submitted document, not waived (a met
    one takes a changed version)."""
    return duty.state != Duty.State.WAIVED and services.submission_kinds(duty.obligation) is not None


@login_required
def duty_submit(request, pk: int):
    """GET: the duty in words and the form (files, comment); POST records the new version."""
    duty = get_duty_or_404(request, pk)
    if not permissions.can_meet_duty(request.user, request.membership, duty):
        raise Http404
    context = _duty_context(request, duty)
    posted = request.method == "POST"
    form = SubmissionForm(request.POST if posted else None, request.FILES if posted else None)
    waiting = services.awaits_acceptance(duty)
    open_for = submittable(duty) and not waiting
    if posted and open_for and form.is_valid():
        try:
            submission = services.duty_document_submit(
                actor=request.user,
                actor_membership=request.membership,
                duty=duty,
                comment=form.cleaned_data["comment"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if submission.needs_acceptance:
                message = _("%(title)s was submitted. It waits for acceptance.")
            else:
                message = _("%(title)s was submitted.")
            messages.success(request, message % {"title": services.submission_title(submission)})
            return redirect("compliance:duty_detail", pk=duty.pk)
    elif posted and not open_for and not waiting:
        form.add_error(None, _("This duty is not met by a submitted document."))
    return render(
        request,
        "compliance/duties/submit.html",
        {
            **context,
            "form": form,
            "open_for": open_for,
            "waiting": waiting,
            "needs_acceptance": services.needs_acceptance(duty.obligation),
            "resubmission": duty.state == Duty.State.FULFILLED,
        },
    )


@login_required
def duty_submission(request, pk: int):
    """One version of a duty's document: its files, comment, who submitted it when, its state,
    and the buttons this person may use (core.approvables.actions_for)."""
    submission = get_submission_or_404(request, pk)
    duty = submission.duty
    duty.contract = submission.contract
    return render(
        request,
        "compliance/duties/submission.html",
        {
            **_duty_context(request, duty),
            **approval_context(request, submission),
            "submission": submission,
            "title": services.submission_title(submission),
            "submission_status": services.submission_status(submission),
            "files": submission.files.select_related("file"),
            "act_url": reverse("compliance:duty_submission_act", args=[submission.pk]),
        },
    )


@login_required
@require_POST
def duty_submission_act(request, pk: int):
    submission = get_submission_or_404(request, pk)

    def act(**kwargs):
        try:
            services.duty_submission_act(submission=submission, **kwargs)
        except PermissionDenied:
            # Someone of the right side who may not take this step (a colleague withdrawing what
            # another submitted): as everywhere, a 404, never a 403 that says the thing exists.
            raise Http404 from None

    return approval_action(request, submission, act=act, redirect_to="compliance:duty_submission")


@login_required
def duty_submission_file(request, pk: int, file_pk: int):
    """A file of a submitted document, for whoever reads the duty (the access helper is the
    check; core.files records the download)."""
    submission = get_submission_or_404(request, pk)
    item = DutySubmissionFile.objects.select_related("file").filter(submission=submission, pk=file_pk).first()
    if item is None or item.file.is_erased:
        raise Http404
    return file_response(request=request, stored=item.file)

"""The one POST handler for the shared approval workflow (core.approvals): every approvable
thing's "act" view is this, with its own service; and the context of its buttons."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy

from core.approvables import EDIT, actions_for, kind_of
from core.approvals import DECIDING_ACTIONS, ApprovalAction
from core.forms import ApprovalDecisionForm

DONE_MESSAGES = {
    ApprovalAction.SUBMIT: gettext_lazy("%(title)s was submitted."),
    ApprovalAction.WITHDRAW: gettext_lazy("%(title)s was withdrawn; it is a draft again."),
    ApprovalAction.APPROVE: gettext_lazy("%(title)s was approved."),
    ApprovalAction.RETURN: gettext_lazy("%(title)s was returned for correction."),
    ApprovalAction.REJECT: gettext_lazy("%(title)s was rejected."),
}
# Where approval_action leaves the bound form for approval_context to show, on the same request.
FORM_ATTRIBUTE = "approval_decision_form"


def approval_action(request, obj, *, act: Callable, redirect_to: str):
    """Check that this person may take the posted action on `obj` (the side its registered policy
    names, core.approvables), run `act(actor=…, actor_membership=…, action=…, reason=…)`, report
    the outcome, and go back to the object's page.

    A person who may not act gets 404, as everywhere. A reason that is missing, too long or
    refused by the service is said at the reason field: the object's page is shown again with
    the form as posted (see `_page_with_errors`). A refusal that is not about the reason (the
    state changed meanwhile) is a message on the page, and changes nothing.
    """
    form = ApprovalDecisionForm(request.POST)
    valid = form.is_valid()
    action = form.cleaned_data.get("action")
    if action is None:
        raise Http404
    policy = kind_of(obj).policy(request.membership)
    may = policy.can_decide if action in DECIDING_ACTIONS else policy.can_submit
    if not may(request.user, obj):
        raise Http404
    if not valid:
        return _refused(request, obj, form, redirect_to)
    try:
        act(
            actor=request.user,
            actor_membership=request.membership,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
            form.add_error("reason", exc.error_dict["reason"])
            return _refused(request, obj, form, redirect_to)
        messages.error(request, " ".join(exc.messages))
    else:
        # Say what happened to what, not a bare "done": the person may act on several in a row.
        messages.success(request, DONE_MESSAGES[action] % {"title": kind_of(obj).title(obj)})
    return redirect(redirect_to, pk=obj.pk)


def _refused(request, obj, form: ApprovalDecisionForm, page: str):
    """A decision refused for its reason: said at the field where the page offers the action.
    Where it does not (a roster change in force under notice-only clauses has no decision
    block), there is no field to say it at, so it is a message, as any other refusal."""
    if form.cleaned_data.get("action") in actions_for(request.user, request.membership, obj):
        return _page_with_errors(request, obj, form, page)
    messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect(page, pk=obj.pk)


def _page_with_errors(request, obj, form: ApprovalDecisionForm, page: str):
    """The object's own page, answered to this POST with the decision form as posted.

    A redirect would lose what was typed and could only carry the error as a banner; so the
    page's view (named `page`, the one the redirect would have gone to) renders it here, as a
    GET, and `approval_context` hands it the bound form: the error sits under the reason field,
    the field is marked invalid and takes the focus, and whatever was typed is kept.
    """
    form.fields["reason"].widget.attrs["autofocus"] = True
    setattr(request, FORM_ATTRIBUTE, form)
    match = resolve(reverse(page, kwargs={"pk": obj.pk}))
    request.method = "GET"
    return match.func(request, *match.args, **match.kwargs)


def approval_context(request, obj) -> dict:
    """What templates/components/approval_actions.html and the page's edit links read: the
    actions this person may take on `obj` now (core.approvables.actions_for), and the decision
    form (the one just posted, with its errors, when `approval_action` shows the page again)."""
    actions = actions_for(request.user, request.membership, obj)
    form = getattr(request, FORM_ATTRIBUTE, None) or ApprovalDecisionForm()
    return {"actions": actions, "can_edit": EDIT in actions, "decision_form": form}

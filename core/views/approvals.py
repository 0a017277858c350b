"""The one POST handler for the shared approval workflow (core.approvals): every approvable
thing's "act" view is this, with its own service; and the context of its buttons."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from core.approvables import EDIT, actions_for, kind_of
from core.approvals import DECIDING_ACTIONS, ApprovalAction
from core.validators import NOTE

DONE_MESSAGES = {
    ApprovalAction.SUBMIT: gettext_lazy("%(title)s was submitted."),
    ApprovalAction.WITHDRAW: gettext_lazy("%(title)s was withdrawn; it is a draft again."),
    ApprovalAction.APPROVE: gettext_lazy("%(title)s was approved."),
    ApprovalAction.RETURN: gettext_lazy("%(title)s was returned for correction."),
    ApprovalAction.REJECT: gettext_lazy("%(title)s was rejected."),
}


class ApprovalDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=ApprovalAction.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def approval_action(request, obj, *, act: Callable, redirect_to: str):
    """Check that this person may take the posted action on `obj` (the side its registered policy
    names, core.approvables), run `act(actor=…, actor_membership=…, action=…, reason=…)`, report
    the outcome, and go back to the object's page.

    A person who may not act gets 404, as everywhere; a refused transition (wrong state,
    missing reason) is shown as a message and changes nothing.
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
        # A reason that is too long (or holds a NUL) is said at once, and nothing changes.
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(redirect_to, pk=obj.pk)
    try:
        act(
            actor=request.user,
            actor_membership=request.membership,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # Say what happened to what, not a bare "done": the person may act on several in a row.
        messages.success(request, DONE_MESSAGES[action] % {"title": kind_of(obj).title(obj)})
    return redirect(redirect_to, pk=obj.pk)


def approval_context(request, obj) -> dict:
    """What templates/components/approval_actions.html and the page's edit links read: the
    actions this person may take on `obj` now (core.approvables.actions_for)."""
    actions = actions_for(request.user, request.membership, obj)
    return {"actions": actions, "can_edit": EDIT in actions}

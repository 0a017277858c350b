"""The one POST handler for the shared approval workflow (core.approvals): every approvable
thing's "act" view is this, with its own permission checks and service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.approvals import ApprovalAction
from core.validators import NOTE

DECIDING = frozenset({ApprovalAction.APPROVE, ApprovalAction.RETURN, ApprovalAction.REJECT})


class ApprovalDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=ApprovalAction.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def approval_action(
    request, obj, *, may_submit: Callable, may_decide: Callable, act: Callable, redirect_to: str
):
    """Check who may take the posted action on `obj`, run `act(actor=…, actor_membership=…,
    action=…, reason=…)`, report the outcome, and go back to the object's page.

    A person who may not act gets 404, as everywhere; a refused transition (wrong state,
    missing reason) is shown as a message and changes nothing.
    """
    form = ApprovalDecisionForm(request.POST)
    valid = form.is_valid()
    action = form.cleaned_data.get("action")
    if action is None:
        raise Http404
    may = may_decide if action in DECIDING else may_submit
    if not may(request.user, request.membership, obj.contract):
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
        messages.success(request, _("Done."))
    return redirect(redirect_to, pk=obj.pk)

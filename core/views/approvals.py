"""The one POST handler for the shared approval workflow (core.approvals): every approvable
thing's "act" view is this, with its own permission checks and service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.approvals import ApprovalAction, ApprovalState

DECIDING = frozenset({ApprovalAction.APPROVE, ApprovalAction.RETURN, ApprovalAction.REJECT})


class ApprovalDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=ApprovalAction.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
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
    if not form.is_valid():
        raise Http404
    action = form.cleaned_data["action"]
    may = may_decide if action in DECIDING else may_submit
    if not may(request.user, request.membership, obj.contract):
        raise Http404
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


def frozen_or_live_pdf(request, obj, form_id: str, build_context: Callable, name: str) -> HttpResponse:
    """An approvable's form as submitted (the frozen PDF), or — for a draft or one being
    corrected — rendered as it stands, its hash on the record."""
    from core import pdf
    from core.audit import record_event
    from core.files import file_response

    if obj.submitted_pdf_id and obj.approval_state not in (ApprovalState.DRAFT, ApprovalState.RETURNED):
        return file_response(request=request, stored=obj.submitted_pdf, download_name=name)
    data = pdf.render_form(form_id, build_context())
    record_event(
        kind="form.downloaded",
        actor=request.user,
        obj=obj,
        contract_id=obj.contract_id,
        data={"form": form_id, "sha256": pdf.pdf_sha256(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{form_id}-{obj.pk}.pdf"'
    return response

"""Compliance's "the object or 404" helpers (missing and forbidden look the same)."""

from __future__ import annotations

import hashlib

from django.http import Http404

from compliance.models import Duty
from contracts.selectors.contracts import contracts_visible_to
from core.models import User


def get_duty_or_404(request, pk: int) -> Duty:
    """The duty, if its contract is visible to the person asking (what they may do is permissions')."""
    duty = Duty.objects.select_related("contract", "obligation").filter(pk=pk).first()
    if (
        duty is None
        or not contracts_visible_to(request.user, request.membership).filter(pk=duty.contract_id).exists()
    ):
        raise Http404
    return duty


def get_calendar_owner_or_404(token: str) -> User:
    """The active person whose calendar-feed token this is (the feed has no login: the token is it)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    user = User.objects.filter(calendar_token_hash=digest, is_active=True).first() if token else None
    if user is None:
        raise Http404
    return user


def get_submission_or_404(request, pk: int):
    """A document submitted for a duty, if its duty's contract is visible to the person asking."""
    from compliance.models import DutySubmission

    submission = (
        DutySubmission.objects.select_related(
            "duty", "duty__obligation", "duty__obligation__article", "contract"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        submission is None
        or not contracts_visible_to(request.user, request.membership)
        .filter(pk=submission.contract_id)
        .exists()
    ):
        raise Http404
    return submission

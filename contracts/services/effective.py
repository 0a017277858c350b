"""The day a change request takes effect, when it is not the moment it is recorded.

Approvals and notices given before they reach the portal (on paper, in a meeting, before the
portal was adopted) are recorded afterwards "with effect from" the day they were given, so that
the roster or the work sites of a past date answer what was really agreed then. The decision
itself stays recorded at the time it was entered (the audit trail never claims otherwise).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract


def effective_at(*, contract: Contract, change: Model, on: date | None) -> datetime:
    """The moment `change` (a roster or work-site change) takes effect: now, or the start of `on`
    in Japan. `on` may not lie in the future, outside the contract period, or before a change of
    the same contract that took effect earlier (history is read in the order of the changes)."""
    now = timezone.now()
    if on is None:
        return now
    errors = []
    if on > timezone.localdate():
        errors.append(_("The effective date cannot be in the future."))
    if not contract.start_date <= on <= contract.end_date:
        errors.append(_("The effective date must be within the contract period."))
    previous = (
        type(change)
        ._default_manager.filter(contract=contract, number__lt=change.number, effective_at__isnull=False)
        .order_by("-effective_at")
        .values_list("effective_at", flat=True)
        .first()
    )
    moment = timezone.make_aware(datetime.combine(on, time.min))
    if previous is not None and moment < previous:
        errors.append(_("The effective date cannot be before that of an earlier change."))
    if errors:
        raise ValidationError({"effective_on": errors})
    return moment

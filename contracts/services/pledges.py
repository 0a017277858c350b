"""Confidentiality pledges (誓約書): a pre-filled form to sign, the signed scan uploaded."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import events, permissions
from contracts.models import Person, Pledge
from core.audit import record_event
from core.files import store_upload
from core.models import Membership


@transaction.atomic
def pledge_upload(
    *, actor, actor_membership: Membership, person: Person, uploaded, signed_on: date
) -> Pledge:
    contract = person.contract
    if not permissions.can_upload_pledge(actor, actor_membership, person):
        raise PermissionDenied
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The pledge cannot be signed in the future.")})
    stored = store_upload(
        actor=actor, uploaded=uploaded, data_key=contract.data_key, purpose="pledge", contract_id=contract.pk
    )
    pledge = Pledge(person=person, file=stored, signed_on=signed_on, uploaded_by=actor)
    pledge.full_clean()
    pledge.save()
    # The subject ties the evidence to the person's own pledge duty (003 §5.2, 004 §3.3).
    record_event(
        kind=events.PLEDGE_UPLOADED,
        actor=actor,
        obj=pledge,
        contract_id=contract.pk,
        data={"subject": f"contracts.person:{person.pk}", "sha256": stored.sha256},
    )
    return pledge

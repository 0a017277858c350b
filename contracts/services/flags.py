"""The public body's flag on an unsuitable worker (004 §6.4) and the contractor's answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import events, permissions
from contracts.models import Person, UnsuitableFlag
from core.audit import record_event
from core.models import Membership
from core.validators import NOTE, check_input


def _subject(person: Person) -> str:
    return f"contracts.person:{person.pk}"


@transaction.atomic
def flag_raise(
    *, actor, actor_membership: Membership | None, person: Person, reason: str, measures_requested: str
) -> UnsuitableFlag:
    if not permissions.can_manage_contract(actor, actor_membership, person.contract) or actor.is_superuser:
        raise PermissionDenied
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason.")
    if not measures_requested.strip():
        errors["measures_requested"] = _("Say which measures you ask for.")
    if errors:
        raise ValidationError(errors)
    flag = UnsuitableFlag(
        person=person,
        data_key_id=person.contract.data_key_id,
        reason=reason.strip(),
        measures_requested=measures_requested.strip(),
        raised_by=actor,
    )
    flag.full_clean()
    flag.save()
    # The text is about a person: the event says that a flag was raised, never what it says.
    record_event(
        kind=events.PERSON_FLAGGED_UNSUITABLE,
        actor=actor,
        obj=flag,
        contract_id=person.contract_id,
        data={"subject": _subject(person)},
    )
    return flag


@transaction.atomic
def flag_answer(
    *, actor, actor_membership: Membership | None, flag: UnsuitableFlag, answer: str
) -> UnsuitableFlag:
    flag = UnsuitableFlag.objects.select_for_update().select_related("person__contract").get(pk=flag.pk)
    if not permissions.can_edit_roster(actor, actor_membership, flag.person.contract):
        raise PermissionDenied
    if flag.closed_at is not None:
        raise ValidationError(_("This flag was closed."))
    if not answer.strip():
        raise ValidationError({"answer": _("Describe the measures taken.")})
    check_input(texts={"answer": (answer.strip(), NOTE)})
    flag.answer, flag.answered_by, flag.answered_at = answer.strip(), actor, timezone.now()
    flag.save(update_fields=["answer", "answered_by", "answered_at"])
    record_event(
        kind=events.PERSON_UNSUITABLE_ANSWERED,
        actor=actor,
        obj=flag,
        contract_id=flag.person.contract_id,
        data={"subject": _subject(flag.person)},
    )
    return flag


@transaction.atomic
def flag_close(*, actor, actor_membership: Membership | None, flag: UnsuitableFlag) -> UnsuitableFlag:
    flag = UnsuitableFlag.objects.select_for_update().select_related("person__contract").get(pk=flag.pk)
    if (
        not permissions.can_manage_contract(actor, actor_membership, flag.person.contract)
        or actor.is_superuser
    ):
        raise PermissionDenied
    if flag.answered_at is None:
        raise ValidationError(_("The contractor has not answered yet."))
    if flag.closed_at is None:
        flag.closed_at = timezone.now()
        flag.save(update_fields=["closed_at"])
        record_event(
            kind=events.PERSON_UNSUITABLE_CLOSED,
            actor=actor,
            obj=flag,
            contract_id=flag.person.contract_id,
            data={"subject": _subject(flag.person)},
        )
    return flag

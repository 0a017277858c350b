"""Ending an approved subcontract (再委託の終了): terminated before its period (解除) or at its end
(期間満了), by the entrusting party's manager or the public body's managers of the contract.

The end is one decision over the whole chain below the link: every approved link under it ends
with it, on the same day (nobody works under a subcontract that no longer exists). For each
link `subcontract.ended` is recorded, dated from the end (`effective_date`), so that

* the people its subcontractor employs on the contract leave the roster's "approved on a day"
  reads from that day (contracts.selectors.roster.roster_in_force) and their open duties, and the
  link's own, close as not needed (`ended_subjects`, compliance.engine's end_subjects);
* the clause templates that make a subcontractor return or dispose of the information at its
  end open that duty for the link, due from the end's day (docs/subcontracts.md).

What the subcontractor may still see afterwards is the selectors' (contracts.selectors.subcontracts
and ledgers.selectors.devices): its own link's page and its own part of the ledgers until its
return or disposal is certified, nothing else.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import events, permissions
from contracts.models import Person, Subcontract
from contracts.selectors.contracts import contract_approvers, organisation_people
from core.approvals import ApprovalState
from core.audit import record_events
from core.models import Membership, Role
from core.services.notifications import notification_create
from core.wareki import format_wareki


def _errors(link: Subcontract, *, ended_on: date | None, reason: str, kind: str) -> dict[str, str]:
    """Each refusal at its field, the dates in 和暦 as the form shows them."""
    errors: dict[str, str] = {}
    if kind not in Subcontract.EndKind.values:
        errors["kind"] = _("Choose how the subcontract ends: termination or the end of its period.")
    if kind == Subcontract.EndKind.TERMINATED and not reason:
        errors["reason"] = _("Give the reason for the termination.")
    if ended_on is None:
        errors["ended_on"] = _("Enter the date the subcontract ends.")
        return errors
    contract = link.contract
    if ended_on < link.start_date:
        errors["ended_on"] = _("The end cannot be before the subcontract's start (%(start)s).") % {
            "start": format_wareki(link.start_date)
        }
    elif ended_on > contract.end_date:
        errors["ended_on"] = _("The end cannot be after the contract's end (%(end)s).") % {
            "end": format_wareki(contract.end_date)
        }
    elif ended_on > timezone.localdate():
        # The event log records what happened: access, the roster and the duties change on the
        # day it is recorded, so an end is recorded once it takes effect.
        errors["ended_on"] = _("Record the end once it takes effect: the date cannot be in the future.")
    elif kind == Subcontract.EndKind.PERIOD_ENDED and ended_on < link.end_date:
        errors["ended_on"] = _("The period runs until %(end)s: an end before it is a termination (解除).") % {
            "end": format_wareki(link.end_date)
        }
    return errors


def _notify(link: Subcontract, ended: list[Subcontract], actor) -> None:
    """Tell the subcontractors whose links end, every party above them (the contractor and the
    intermediate subcontractors, as _notify_upstream tells of an application) and the public
    body's people of the contract: each must act on it (stop the work, return or dispose)."""
    contract = link.contract
    title = _("Subcontract ended: %(org)s on %(number)s from %(day)s") % {
        "org": link.subcontractor.name,
        "number": contract.number,
        "day": format_wareki(link.ended_on),
    }
    url = reverse("contracts:subcontract", args=[link.pk])
    above = Subcontract.objects.filter(pk__in=link.chain_ids).values_list("upstream_id", flat=True)
    parties = {contract.contractor_id, *above, *(each.subcontractor_id for each in ended)}
    people = {user.pk: user for user in organisation_people(sorted(parties), Role.CONTRACTOR_ADMIN)}
    people.update({user.pk: user for user in contract_approvers(contract)})
    people.pop(actor.pk, None)
    for user in people.values():
        notification_create(user=user, title=title, body=link.end_reason, url=url)


@transaction.atomic
def subcontract_end(
    *,
    actor,
    actor_membership: Membership | None,
    link: Subcontract,
    ended_on: date | None,
    reason: str,
    kind: str,
) -> Subcontract:
    """End an approved link and every approved link below it from `ended_on`; record
    subcontract.ended for each and notify the parties."""
    link = (
        Subcontract.objects.select_for_update()
        .select_related("contract", "upstream", "subcontractor")
        .get(pk=link.pk)
    )
    if not permissions.can_end_subcontract(actor, actor_membership, link):
        raise PermissionDenied
    if link.approval_state != ApprovalState.APPROVED:
        raise ValidationError(
            _("Only an approved subcontract is ended; an application is withdrawn instead.")
        )
    if link.ended_on is not None:
        raise ValidationError(
            _("This subcontract already ended on %(day)s.") % {"day": format_wareki(link.ended_on)}
        )
    reason = (reason or "").strip()
    errors = _errors(link, ended_on=ended_on, reason=reason, kind=kind)
    if errors:
        raise ValidationError(errors)
    below = list(
        Subcontract.objects.select_for_update()
        .filter(
            contract_id=link.contract_id,
            path__startswith=link.path,
            approval_state=ApprovalState.APPROVED,
            ended_on__isnull=True,
        )
        .exclude(pk=link.pk)
        .order_by("path")
    )
    ended = [link, *below]
    for each in ended:
        each.ended_on, each.end_kind, each.end_reason, each.ended_by = ended_on, kind, reason, actor
        each.full_clean()
    Subcontract.objects.filter(pk__in=[each.pk for each in ended]).update(
        ended_on=ended_on, end_kind=kind, end_reason=reason, ended_by=actor
    )
    people = dict(
        Person.objects.filter(
            contract_id=link.contract_id, employer_id__in=[each.subcontractor_id for each in ended]
        ).values_list("pk", "employer_id")
    )
    batch = []
    for each in ended:
        own_people = [
            f"contracts.person:{pk}" for pk, employer in people.items() if employer == each.subcontractor_id
        ]
        batch.append(
            {
                "kind": events.SUBCONTRACT_ENDED,
                "actor": actor,
                "obj": each,
                "contract_id": each.contract_id,
                # Ids and codes only: the reason is free text and stays on the link.
                "data": {
                    "end_kind": kind,
                    "effective_date": ended_on.isoformat(),
                    "depth": each.depth,
                    **({"with": link.pk} if each.pk != link.pk else {}),
                    # The link's own duties (its yearly check) and its people's end with it; the
                    # duty this event opens (its return or disposal) is kept (end_subjects).
                    "ended_subjects": [f"contracts.subcontract:{each.pk}", *own_people],
                },
            }
        )
    record_events(batch)
    _notify(link, ended, actor)
    return link

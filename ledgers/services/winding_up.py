"""The winding up of a party's part (返還・廃棄): once the work of the contract has ended, or the
link of a subcontractor has ended, the party records only what brings the contract's information
back to the public body or puts it beyond use — never new work.

One rule for both ends (docs/ledgers.md, "After the end"): the clauses ask that, at the end of
the contract (or of the subcontract), what was received is returned or disposed of (000 §7.2,
001 §20–21, 002 §15, 003 §14). So the ledgers still accept:

* a return to the public body (or the upstream party), an erasure, a destruction — the acts the
  clauses ask;
* bringing back what is out (a take-out, a shipment under way): an item is returned or disposed
  of only from the work site, so what is out must come back first;
* corrections of entries (custody_correct, a device's correcting version): setting the record
  right is not new work.

Everything else — a receipt, a copy, a take-out, a new shipment, a move or a change of who may
use an item, a new device or a change of one that is not its return, disposal or coming back —
is refused at its field with the reason.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import FINISHED_STATUSES, Contract, Subcontract
from contracts.selectors.roster import parties_ended_by
from core.wareki import format_wareki
from ledgers.models import CustodyKind

# The custody events that wind a part up; a person of an ended subcontractor may be named on them
# too (ledgers.services.people), the same list.
WINDING_UP = (
    CustodyKind.RETURNED,
    CustodyKind.ERASED,
    CustodyKind.DESTROYED,
    CustodyKind.BROUGHT_BACK,
    CustodyKind.BROUGHT_IN,
)


def contract_ended_by(contract: Contract, on: date) -> date | None:
    """The day the contract's work ended, if it had by `on`: after its end date, or from the day
    it was ended when that came first (that day's work too is over: it is recorded before the
    end), else None."""
    if contract.status in FINISHED_STATUSES and contract.ended_at is not None:
        ended = timezone.localdate(contract.ended_at)
        if on >= ended:
            return min(ended, contract.end_date)
    return contract.end_date if on > contract.end_date else None


def part_ended_refusal(contract: Contract, organisation_id: int, on: date) -> str | None:
    """Why only the winding up of `organisation_id`'s part is recorded on `on` (the contract's
    work, or the party's subcontract, has ended by then), or None while its work runs."""
    ended = contract_ended_by(contract, on)
    if ended is not None:
        return _(
            "The contract's work ended on %(day)s: from then on only the return, erasure or "
            "destruction of what is still held is recorded (and bringing back what is out first)."
        ) % {"day": format_wareki(ended)}
    if organisation_id == contract.contractor_id:
        return None
    if not parties_ended_by(contract, on).filter(subcontractor_id=organisation_id).exists():
        return None
    ended_on = (
        Subcontract.objects.filter(contract=contract, subcontractor_id=organisation_id, ended_on__lte=on)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    return _(
        "The subcontract ended on %(day)s: from then on only the return, erasure or destruction "
        "of what its party still holds is recorded (and bringing back what is out first)."
    ) % {"day": format_wareki(ended_on)}

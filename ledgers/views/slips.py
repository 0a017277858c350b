"""The custody slip of a handover (受領証, 受渡票, 消去・廃棄の記録) as a PDF, for whoever may see
the item: the receipt, the return or the disposal it documents (ledgers.pdf.slips)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from core import pdf
from core.views.pdf import form_pdf_response
from ledgers.models import CustodyEvent
from ledgers.pdf.slips import SLIP_FORM, SLIP_KINDS, slip_context
from ledgers.selectors.information import item_visible_to


@login_required
def custody_slip_pdf(request, pk: int):
    event = CustodyEvent.objects.select_related("person").filter(pk=pk, kind__in=SLIP_KINDS).first()
    # Missing, forbidden, of a kind no slip documents, or voided by a correction: all look the
    # same (a slip for an entry that no longer counts would certify what did not happen).
    if event is None or CustodyEvent.objects.filter(corrects=event).exists():
        raise Http404
    item = item_visible_to(request.user, request.membership, event.item_id)
    if item is None:
        raise Http404
    event.item = item
    data = pdf.render_form(SLIP_FORM, slip_context(event))
    # On the item, so that the download sits in its contract's audit trail.
    return form_pdf_response(
        request,
        form_id=SLIP_FORM,
        data=data,
        obj=item,
        filename=f"custody-slip-{item.number}-{event.sequence}.pdf",
    )

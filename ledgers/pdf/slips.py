"""The custody slip (ledgers.custody_slip): the paper that goes with a handover of information.

The clauses ask for a receipt (受領証) when the contractor receives information from the public
body (002 §10(6), 003 §11), a handover slip (受渡票) when it gives it back, and a record of its
erasure or destruction (003 §11), each between the designated persons of both sides (003 §12).
One form serves all of them, built from the one custody event it documents.
"""

from __future__ import annotations

from django.utils import translation

from clauses import api as clauses_api
from contracts.models import Subcontract
from core import pdf
from ledgers.models import CustodyEvent, CustodyKind, InformationItem

K = CustodyKind
SLIP_FORM = "ledgers.custody_slip"
# The events a slip documents; the others (used, copied, stored …) stay inside the contractor.
SLIP_KINDS = (K.RECEIVED, K.RETURNED, K.ERASED, K.DESTROYED)


def _parties(item: InformationItem) -> dict:
    """Who holds the item and the party on the other side of its handovers, in the template's
    words: the contractor and the public body, or a subcontractor and the party that entrusted
    the work to it (which received the information from the public body first)."""
    contract = item.contract
    words = clauses_api.party_words(contract)
    if item.organisation_id == contract.contractor_id:
        return {
            "holder_word": words.contractor,
            "holder_name": contract.contractor.name,
            "other_word": words.client,
            "other_name": contract.public_body.name,
            "other_unit": contract.department.name,
        }
    upstream = (
        Subcontract.objects.select_related("upstream")
        .filter(contract=contract, subcontractor_id=item.organisation_id)
        .order_by("-pk")
        .first()
    )
    other = upstream.upstream if upstream is not None else contract.contractor
    return {
        "holder_word": "再委託先",
        "holder_name": item.organisation.name,
        "other_word": words.contractor if other.pk == contract.contractor_id else "委託元",
        "other_name": other.name,
        "other_unit": "",
    }


def _wording(event: CustodyEvent) -> dict:
    """Title, sentence and the two signature boxes' roles for the kind of event."""
    copies = event.copies or 0
    if event.kind == K.RECEIVED:
        return {
            "heading": "受領証",
            "intro": "下記の情報を受領しました。",
            "when_label": "受領日時",
            "holder_role": "受領者",
            "other_role": "引渡者",
            "holder_first": False,
            "method_label": "受渡しの方法",
        }
    if event.kind == K.RETURNED:
        return {
            "heading": "受渡票（返却）",
            "intro": "下記の情報を返却しました。受領者欄に記名押印又は署名をお願いします。",
            "when_label": "返却日時",
            "holder_role": "返却者",
            "other_role": "受領者",
            "holder_first": True,
            "method_label": "返却の方法",
        }
    verb = "消去" if event.kind == K.ERASED else "廃棄"
    what = (
        f"下記の情報の複製物（{copies}部）を{verb}しました。" if copies else f"下記の情報を{verb}しました。"
    )
    return {
        "heading": "消去・廃棄の記録",
        "intro": what,
        "when_label": f"{verb}日時",
        "holder_role": "実施者",
        "other_role": "確認者・立会者",
        "holder_first": True,
        "method_label": f"{verb}の方法",
        "disposal": verb,
    }


def _copies(event: CustodyEvent) -> str:
    """The copies row, where it says something: what a disposal covered, and that none remain
    at a return (the ledger refuses a return while a copy exists)."""
    if event.kind in (K.ERASED, K.DESTROYED):
        return f"複製物 {event.copies}部" if event.copies else "原本（複製物は残っていません）"
    if event.kind == K.RETURNED:
        return "なし"
    return ""


def slip_context(event: CustodyEvent) -> dict:
    """The slip for one custody event of a kind in SLIP_KINDS (ValueError for another)."""
    if event.kind not in SLIP_KINDS:
        raise ValueError(f"no slip documents a custody event of kind {event.kind!r}")
    item = event.item
    contract = item.contract
    # The choices' labels are lazy: evaluated here they would follow the language of whoever
    # pressed the button, and the slip is a Japanese document.
    with translation.override(pdf.PDF_LANGUAGE):
        classification = item.get_classification_display()
        medium = item.get_medium_display()
    if item.device_id:
        medium = f"{medium}（{item.device.asset_number}）"
    parties, wording = _parties(item), _wording(event)
    holder = {
        "role": wording["holder_role"],
        "word": parties["holder_word"],
        "organisation": parties["holder_name"],
        "person": event.person.full_name if event.person_id else "",
    }
    other = {
        "role": wording["other_role"],
        "word": parties["other_word"],
        "organisation": " ".join(filter(None, [parties["other_name"], parties["other_unit"]])),
        "person": event.counterpart,
    }
    return {
        "event": event,
        "item": item,
        "contract": contract,
        **parties,
        **wording,
        # The one who hands over signs on the left, the one who takes it on the right.
        "boxes": [holder, other] if wording["holder_first"] else [other, holder],
        "slip_number": f"第{item.number}-{event.sequence}号",
        "occurred_at": event.occurred_at,
        "classification": classification,
        "medium": medium,
        "record_count": f"{item.record_count:,}件" if item.record_count is not None else "—",
        "copies": _copies(event),
        "method": event.method,
        "person_name": holder["person"],
        "counterpart": event.counterpart,
    }


def slip_events(item: InformationItem):
    """The item's events that have a slip, in the order they happened, without the voided ones."""
    return (
        item.custody_events.filter(kind__in=SLIP_KINDS)
        .exclude(corrections__isnull=False)
        .select_related("person")
        .order_by("occurred_at", "sequence")
    )


def slip_for_duty(duty) -> dict:
    """For a duty about an item ("ledgers.informationitem:12"), the slip of its latest handover."""
    kind, _sep, pk = (duty.subject or "").partition(":")
    if kind != "ledgers.informationitem" or not pk.isdigit():
        raise ValueError(f"the duty is not about an information item: {duty.subject!r}")
    item = InformationItem.objects.select_related("contract", "organisation", "device").get(
        pk=int(pk), contract=duty.contract
    )
    event = slip_events(item).last()
    if event is None:
        raise ValueError("the item has no handover to document")
    event.item = item
    return slip_context(event)


def register() -> None:
    pdf.register_form(
        SLIP_FORM,
        template_name="pdf/ledgers/custody_slip.html",
        title="受領証・受渡票",
        prefill=slip_for_duty,
    )

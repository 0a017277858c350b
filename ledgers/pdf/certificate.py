"""The certificate of return or disposal (ledgers.disposal_certificate, 返還・廃棄証明書).

001 §21 asks the contractor for 「返還・処分を証明する書類」 once the information is returned or
disposed of, and 002 §15.5 asks it to say the date and time and the person of each erasure or
disposal. The certificate is made from an approved disposal application (models.requests): what
the application covers, and what the ledgers say really happened to each of it — the custody
events of each item that name the application (its return, which names none, counts too), and
each device's or medium's latest version in the device ledger. It is issued by
services.requests.disposal_certificate_issue once nothing of it is still held.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation

from clauses import api as clauses_api
from core import pdf
from core.wareki import JST, format_wareki
from ledgers.models import (
    CustodyEvent,
    CustodyKind,
    DeviceVersion,
    DisposalMethod,
    InformationItem,
    LedgerRequest,
    RequestKind,
)

K = CustodyKind
CERTIFICATE_FORM = "ledgers.disposal_certificate"
# The acts the certificate attests, in its words.
DONE = {K.RETURNED: "返還", K.ERASED: "消去", K.DESTROYED: "廃棄"}
# The methods an application names, in the certificate's words: it is a Japanese document
# whatever the labels' translations say (as the slip's headings are); a return names the public
# body in the template's word.
METHODS = {
    DisposalMethod.RETURN: "{client}への返還",
    DisposalMethod.ERASE: "消去（復元不可能な状態にする）",
    DisposalMethod.DESTROY: "物理的破壊",
    DisposalMethod.DISSOLVE: "溶解又は裁断（紙）",
}


def _applicant(request: LedgerRequest, words) -> str:
    """The applicant's word: the template's word for the contractor, or 再委託先 for a
    subcontractor applying for its own part."""
    return words.contractor if request.organisation_id == request.contract.contractor_id else "再委託先"


def _name(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


def _events(request: LedgerRequest, items: list[InformationItem]) -> dict[int, list[CustodyEvent]]:
    """Each item's events that the certificate attests, in the order they happened, without the
    ones a correction voided: the erasures and destructions recorded under the application, and
    the item's return to the public body (a return names no application, and the application's
    items were all held when it was submitted, so their return came under it)."""
    voided = CustodyEvent.objects.filter(item__in=items, kind=K.CORRECTION).values("corrects_id")
    found = (
        CustodyEvent.objects.filter(item__in=items, kind__in=list(DONE))
        .exclude(pk__in=voided)
        .select_related("person")
        .order_by("occurred_at", "sequence")
    )
    by_item: dict[int, list[CustodyEvent]] = {item.pk: [] for item in items}
    for event in found:
        if event.kind == K.RETURNED or event.request_id == request.pk:
            by_item[event.item_id].append(event)
    return by_item


def _time(moment: datetime) -> str:
    local = timezone.localtime(moment, JST)
    return f"{local.hour}時{local.minute:02d}分"


def _what(event: CustodyEvent) -> str:
    verb = DONE[event.kind]
    return f"複製物{event.copies}部の{verb}" if event.copies else verb


def _item_rows(request: LedgerRequest, items: list[InformationItem]) -> list[dict]:
    events = _events(request, items)
    rows = []
    for item in items:
        done = [
            {
                "what": _what(e),
                # 002 §15.5: the date and the time, in Japan's time.
                "date": format_wareki(e.occurred_at),
                "time": _time(e.occurred_at),
                "person": e.person.full_name if e.person_id else "",
                "vendor": request.vendor if e.kind != K.RETURNED else "",
                "method": e.method,
                # At a return, who of the public body took it back; at a disposal, who witnessed it.
                "witness": e.counterpart if e.kind == K.RETURNED else e.witness,
            }
            for e in events[item.pk]
        ]
        rows.append(
            {
                "item": item,
                "classification": item.get_classification_display(),
                "medium": (
                    f"{item.get_medium_display()}（{item.device.asset_number}）"
                    if item.device_id
                    else item.get_medium_display()
                ),
                "record_count": f"{item.record_count:,}件" if item.record_count is not None else "—",
                "done": done,
                "span": max(len(done), 1),
            }
        )
    return rows


def _device_rows(request: LedgerRequest) -> list[dict]:
    """Each device or medium of the application with its latest version (one query for all)."""
    devices = list(request.devices.order_by("asset_number"))
    latest: dict[int, DeviceVersion] = {}
    for version in DeviceVersion.objects.filter(device__in=devices).order_by("device_id", "number"):
        latest[version.device_id] = version
    rows = []
    for device in devices:
        version = latest.get(device.pk)
        rows.append(
            {
                "device": device,
                "kind": version.get_kind_display() if version else "",
                "model": " ".join(filter(None, [version.maker, version.model_name])) if version else "",
                "serial": version.serial_number if version else "",
                "status": version.get_status_display() if version else "—",
                "since": version.effective_on if version else None,
                "note": version.note if version else "",
            }
        )
    return rows


def certificate_context(request: LedgerRequest, *, issued_at: datetime) -> dict:
    """The certificate of an approved disposal application as it stands at `issued_at`."""
    if request.kind != RequestKind.DISPOSAL:
        raise ValueError(f"only a disposal application has a certificate, not a {request.kind!r} one")
    request = (
        LedgerRequest.objects.select_related(
            "contract__public_body",
            "contract__department",
            "contract__contractor",
            "contract__clause_template",
            "organisation",
            "decided_by",
        )
        .get(pk=request.pk)
        .as_kind()
    )
    contract = request.contract
    words = clauses_api.party_words(contract)
    items = list(request.items.select_related("device").order_by("number"))
    # The choices' labels are lazy: evaluated here, in the language of the document rather than
    # of whoever pressed the button.
    with translation.override(pdf.PDF_LANGUAGE):
        item_rows = _item_rows(request, items)
        device_rows = _device_rows(request)
    return {
        "request": request,
        "contract": contract,
        "client_word": words.client,
        "client_name": contract.public_body.name,
        "client_unit": contract.department.name,
        "applicant_word": _applicant(request, words),
        "applicant_name": request.organisation.name,
        "certificate_number": f"第{request.number}号",
        "application_number": f"返還・廃棄申請 第{request.number}号",
        "approved_at": request.decided_at,
        "approved_by": _name(request.decided_by),
        "method": METHODS.get(request.method, "").format(client=words.client),
        "vendor": request.vendor,
        "item_rows": item_rows,
        "device_rows": device_rows,
        "issued_at": timezone.localtime(issued_at),
    }


def certificate_for_duty(duty) -> dict:
    """For a duty about a disposal application ("ledgers.disposalrequest:3"), its certificate as
    of now."""
    kind, _sep, pk = (duty.subject or "").partition(":")
    if kind != "ledgers.disposalrequest" or not pk.isdigit():
        raise ValueError(f"the duty is not about a disposal application: {duty.subject!r}")
    request = LedgerRequest.objects.get(pk=int(pk), contract=duty.contract, kind=RequestKind.DISPOSAL)
    return certificate_context(request, issued_at=timezone.now())


def register() -> None:
    pdf.register_form(
        CERTIFICATE_FORM,
        template_name="pdf/ledgers/disposal_certificate.html",
        title="返還・廃棄証明書",
        prefill=certificate_for_duty,
    )

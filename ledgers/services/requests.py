"""Applications about the information held (models.requests): a copy, a provision to a third
party, a bring-in, a return or disposal. Drafted by the party that holds what they concern,
decided in advance by the public body through the one approval workflow; the custody event of
what was then done names the approved application (services.information asks
`approved_request_for`). The return/disposal certificate of an application is issued here once
everything it covers is returned or disposed of.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, Subcontract
from contracts.selectors.contracts import contract_approvers, organisation_people
from core.approvables import next_number
from core.approvals import EDITABLE, ApprovalPolicy, ApprovalState, approval_transition
from core.audit import record_event
from core.models import Membership, Role
from core.validators import LABEL, NOTE, check_input
from ledgers import events, permissions
from ledgers.models import (
    PROXIES,
    CustodyEvent,
    Device,
    DeviceStatus,
    InformationItem,
    LedgerRequest,
    RequestKind,
)
from ledgers.selectors.devices import latest_version, protection_of, subcontract_subject
from ledgers.selectors.information import FINAL, Status, states_of
from ledgers.services.winding_up import part_ended_refusal

R = RequestKind
FIELDS = ("purpose", "counterpart", "copies", "method", "vendor", "planned_on", "safeguards")
# What each kind of application must say beyond its purpose and planned date.
REQUIRED = {
    R.COPY: ("copies",),
    R.DISCLOSURE: ("counterpart",),
    R.BRINGIN: ("counterpart", "safeguards"),
    R.DISPOSAL: ("method",),
}
OPTIONAL = {R.COPY: ("safeguards",), R.DISPOSAL: ("vendor",), R.DISCLOSURE: ("safeguards",)}
# Copies and provisions concern information; a bring-in concerns devices and media; a disposal
# either (a medium disposed of with what it holds, 001 §18(7)).
TAKES_ITEMS = (R.COPY, R.DISCLOSURE, R.DISPOSAL)
TAKES_DEVICES = (R.BRINGIN, R.DISPOSAL)
# The custody events an approved application allows (services.information).
ALLOWS = {
    "copied": R.COPY,
    "provided": R.DISCLOSURE,
    "erased": R.DISPOSAL,
    "destroyed": R.DISPOSAL,
}


def subject_of(request: LedgerRequest) -> str:
    """The duty engine's subject of an application: the per-application duties hang on it."""
    return f"ledgers.{type(request.as_kind()).__name__.lower()}:{request.pk}"


def _notify(request: LedgerRequest, action: str) -> list:
    if action in ("submit", "withdraw"):
        return contract_approvers(request.contract)
    people = organisation_people([request.organisation_id], Role.CONTRACTOR_ADMIN)
    return [*people, request.created_by] if request.created_by not in people else people


def _event_data(request: LedgerRequest) -> dict:
    """An application rejected or withdrawn no longer waits for approval: the duty of obtaining
    it (opened by its submission) ends with it; a new submission opens it again."""
    if request.approval_state in (ApprovalState.REJECTED, ApprovalState.DRAFT):
        return {"ended_subjects": [subject_of(request)]}
    return {}


TITLES = {
    R.COPY: lambda: _("Copy request"),
    R.DISCLOSURE: lambda: _("Request to provide information to a third party"),
    R.BRINGIN: lambda: _("Bring-in request"),
    R.DISPOSAL: lambda: _("Disposal application"),
}


def title_of(request: LedgerRequest) -> str:
    return _("%(what)s No. %(n)s") % {"what": TITLES[request.kind](), "n": request.number}


def policy_for(kind: str):
    """The workflow's policy builder of one kind (core.approvables registers one per kind)."""

    def policy(membership: Membership | None) -> ApprovalPolicy:
        return ApprovalPolicy(
            event_prefix=kind,
            can_submit=lambda actor, r: permissions.can_make_request(actor, membership, r),
            can_decide=lambda actor, r: permissions.can_decide_application(actor, membership, r),
            notify=_notify,
            title=lambda r: f"{title_of(r)} ({r.contract.number})",
            event_data=_event_data,
        )

    return policy


def _clean(
    contract: Contract,
    organisation_id: int,
    kind: str,
    values: dict[str, Any],
    items: list[InformationItem],
    devices: list[Device],
) -> None:
    check_input(
        texts={
            "purpose": (values.get("purpose"), NOTE),
            "counterpart": (values.get("counterpart"), LABEL),
            "vendor": (values.get("vendor"), LABEL),
            "safeguards": (values.get("safeguards"), LABEL),
        }
    )
    errors: dict[str, str] = {}
    if kind not in REQUIRED:
        raise ValidationError({"kind": _("Choose what is applied for.")})
    for field in ("purpose", "planned_on", *REQUIRED[kind]):
        if values.get(field) in (None, "", 0):
            errors[field] = _("Required.")
    planned: date | None = values.get("planned_on")
    if planned is not None and planned < timezone.localdate():
        errors["planned_on"] = _("An application is decided before the act: give a day still to come.")
    elif kind != R.DISPOSAL:
        # After the end only the winding up goes on (ledgers.services.winding_up): a copy, a
        # provision or a bring-in would be new work; a disposal application is how it winds up.
        why = part_ended_refusal(contract, organisation_id, planned or timezone.localdate())
        if why:
            errors["planned_on"] = why
    if items and kind not in TAKES_ITEMS:
        errors["items"] = _("This application concerns devices and media only.")
    if devices and kind not in TAKES_DEVICES:
        errors["devices"] = _("This application concerns information of the ledger only.")
    if kind in TAKES_ITEMS and kind not in TAKES_DEVICES and not items:
        errors["items"] = _("Choose the information it concerns.")
    if kind == R.BRINGIN and not devices:
        errors["devices"] = _("Choose the devices or media to bring in.")
    if kind == R.DISPOSAL and not items and not devices:
        errors["items"] = _("Choose the information or the devices and media to return or dispose of.")
    states = states_of(items)
    for item in items:
        if item.contract_id != contract.pk or item.organisation_id != organisation_id:
            errors["items"] = _("Choose information of your own ledger on this contract.")
            break
        if states[item.pk].status != Status.HELD:
            errors["items"] = _("No. %(n)s is not held at the work site now.") % {"n": item.number}
            break
    today = timezone.localdate()
    from ledgers.services.protection import max_ages

    for device in devices:
        version = latest_version(device)
        if device.contract_id != contract.pk or device.organisation_id != organisation_id:
            errors["devices"] = _("Choose devices of your own ledger on this contract.")
            break
        if version is None or version.status != DeviceStatus.IN_USE:
            errors["devices"] = _("%(asset)s is not in use now.") % {"asset": device.asset_number}
            break
        if kind == R.BRINGIN and protection_of(version, today=today, max_ages=max_ages()).stale:
            # 002 §11: only what runs current anti-virus software is brought in.
            errors["devices"] = _(
                "%(asset)s has an out-of-date anti-virus pattern or updates: bring them up to date "
                "in the device ledger first."
            ) % {"asset": device.asset_number}
            break
    if errors:
        raise ValidationError(errors)


def _values(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The fields this kind keeps; the others stay blank (a copy count on a disposal would mean
    nothing, and the form of another kind may have sent one)."""
    kept = {"purpose", "planned_on", *REQUIRED[kind], *OPTIONAL.get(kind, ())}
    result: dict[str, Any] = {}
    for name in FIELDS:
        value = values.get(name) if name in kept else None
        result[name] = value if value not in (None, "") else (None if name == "copies" else "")
    return result


@transaction.atomic
def request_create(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    kind: str,
    items: Iterable[InformationItem] = (),
    devices: Iterable[Device] = (),
    **values: Any,
) -> LedgerRequest:
    """Draft an application of the person's own party (submitted with request_act)."""
    if not permissions.can_apply(actor, actor_membership, contract, kind):
        raise PermissionDenied
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # one number at a time
    items, devices = list(items), list(devices)
    _clean(contract, actor_membership.organisation_id, kind, values, items, devices)
    proxy = PROXIES[kind]
    request = proxy(
        contract=contract,
        organisation_id=actor_membership.organisation_id,
        kind=kind,
        number=next_number(proxy, contract),
        # Its free text may name people: under the contract's key, erased at its close.
        data_key_id=contract.data_key_id,
        created_by=actor,
        **_values(kind, values),
    )
    request.full_clean()
    request.save()
    request.items.set(items)
    request.devices.set(devices)
    _record_draft(request, "drafted", actor, items, devices)
    return request


def _record_draft(request: LedgerRequest, action: str, actor, items: list, devices: list) -> None:
    record_event(
        kind=f"{request.kind}.{action}",
        actor=actor,
        obj=request,
        contract_id=request.contract_id,
        data={"items": [i.pk for i in items], "devices": [d.pk for d in devices]},
    )


@transaction.atomic
def request_update(
    *,
    actor,
    actor_membership: Membership,
    request: LedgerRequest,
    items: Iterable[InformationItem] = (),
    devices: Iterable[Device] = (),
    **values: Any,
) -> LedgerRequest:
    """Change a draft, or an application returned for correction, before it is submitted again."""
    request = (
        LedgerRequest.objects.select_for_update().select_related("contract").get(pk=request.pk).as_kind()
    )
    if not permissions.can_make_request(actor, actor_membership, request):
        raise PermissionDenied
    if request.approval_state not in EDITABLE:
        raise ValidationError(_("This application was submitted: withdraw it first to change it."))
    items, devices = list(items), list(devices)
    _clean(request.contract, request.organisation_id, request.kind, values, items, devices)
    for name, value in _values(request.kind, values).items():
        setattr(request, name, value)
    request.full_clean()
    request.save()
    request.items.set(items)
    request.devices.set(devices)
    _record_draft(request, "changed", actor, items, devices)
    return request


def request_act(
    *, actor, actor_membership: Membership, request: LedgerRequest, action: str, reason: str = ""
) -> LedgerRequest:
    """Submit, withdraw, approve, return (差戻し) or reject an application. A submission is checked
    again against the ledger as it stands (an item disposed of since the draft is refused)."""
    request = LedgerRequest.objects.select_related("contract").get(pk=request.pk).as_kind()
    if action == "submit":
        _clean(
            request.contract,
            request.organisation_id,
            request.kind,
            {name: getattr(request, name) for name in FIELDS},
            list(request.items.all()),
            list(request.devices.all()),
        )
    return approval_transition(
        actor=actor,
        obj=request,
        action=action,
        policy=policy_for(request.kind)(actor_membership),
        reason=reason,
    )


def approved_request_for(
    item: InformationItem, kind: str, request: LedgerRequest | None, moment: datetime
) -> str | None:
    """Why `request` does not allow doing `kind` (a custody event) to `item` at `moment`, or
    None where it does."""
    wanted = ALLOWS[kind]
    if request is None:
        if wanted == R.COPY:
            return _(
                "These clauses allow copies only with the public body's consent: "
                "choose the approved copy request."
            )
        if wanted == R.DISCLOSURE:
            return _(
                "Information is provided to others only with the public body's consent: "
                "choose the approved request."
            )
        return _(
            "These clauses ask the public body's approval before erasure or destruction: "
            "choose the approved disposal application."
        )
    if request.kind != wanted:
        return _("The application chosen is not for this.")
    if request.contract_id != item.contract_id or not request.items.filter(pk=item.pk).exists():
        return _("The application chosen does not include this information.")
    if request.approval_state != ApprovalState.APPROVED:
        return _("The application chosen is not approved.")
    # Times are typed to the minute: an act in the minute of the approval is after it.
    if request.decided_at and moment < request.decided_at.replace(second=0, microsecond=0):
        return _("This happened before the application was approved.")
    return None


def copies_left(request: LedgerRequest, *, besides: CustodyEvent | None = None) -> int:
    """How many copies the approved copy request still allows (the copies made under it count)."""
    made = sum(
        e.copies or 0
        for e in request.custody_events.filter(kind="copied").exclude(
            pk__in=CustodyEvent.objects.filter(kind="correction").values("corrects_id")
        )
        if besides is None or e.pk != besides.pk
    )
    return max((request.copies or 0) - made, 0)


# --- the certificate of return or disposal (返還・廃棄証明書, 001 §21, 002 §15.5) --------------


def certificate_gaps(request: LedgerRequest) -> list[str]:
    """What still stands between an approved disposal application and its certificate: each item
    not yet returned, erased or destroyed, each device or medium not yet disposed of."""
    if request.kind != R.DISPOSAL or request.approval_state != ApprovalState.APPROVED:
        return [_("Only an approved disposal application gets a certificate.")]
    gaps = []
    items = list(request.items.order_by("number"))
    states = states_of(items)
    for item in items:
        if states[item.pk].status not in FINAL:
            gaps.append(_("No. %(n)s %(title)s is still held.") % {"n": item.number, "title": item.title})
    for device in request.devices.order_by("asset_number"):
        version = latest_version(device)
        if version is None or version.status not in (DeviceStatus.DISPOSED, DeviceStatus.RETURNED):
            gaps.append(_("%(asset)s is not yet disposed of or returned.") % {"asset": device.asset_number})
    return gaps


def _ended_link_subjects(request: LedgerRequest) -> dict:
    """A certificate issued by a subcontractor whose link has ended also names the link: it is
    the evidence of that subcontractor's return or disposal at its end (the duty subcontract.ended
    opens), and it ends its hold on its part of the ledgers (selectors.devices.uncertified). An
    organisation engaged again after an end may have more than one ended link: it names each."""
    link_ids = list(
        Subcontract.objects.filter(
            contract_id=request.contract_id,
            subcontractor_id=request.organisation_id,
            approval_state=ApprovalState.APPROVED,
            ended_on__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not link_ids:
        return {}
    return {"subjects": [subject_of(request), *(subcontract_subject(pk) for pk in link_ids)]}


def disposal_certificate_issue(*, actor, actor_membership: Membership, request: LedgerRequest):
    """Issue the certificate of an approved disposal application whose items are all returned or
    disposed of: the PDF is rendered first, outside the audit trail's lock, then stored and
    recorded (disposal.certificate_issued, the application as subject) in one transaction.
    Issued again (a lost copy), it is a new file and a new record: each says when it was issued."""
    from django.core.files.base import ContentFile

    from core import pdf
    from core.files import store_upload
    from ledgers.pdf.certificate import CERTIFICATE_FORM, certificate_context

    request = LedgerRequest.objects.select_related("contract", "organisation").get(pk=request.pk).as_kind()
    if not permissions.can_make_request(actor, actor_membership, request):
        raise PermissionDenied
    gaps = certificate_gaps(request)
    if gaps:
        raise ValidationError(gaps)
    issued_at = timezone.now()
    data = pdf.render_form(CERTIFICATE_FORM, certificate_context(request, issued_at=issued_at))
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded=ContentFile(data, name=f"disposal-certificate-{request.number}.pdf"),
            data_key=request.contract.data_key,
            purpose="disposal_certificate",
            contract_id=request.contract_id,
        )
        record_event(
            kind=events.DISPOSAL_CERTIFICATE_ISSUED,
            actor=actor,
            obj=request,
            contract_id=request.contract_id,
            data={
                "subject": subject_of(request),
                **_ended_link_subjects(request),
                "file": stored.pk,
                "sha256": stored.sha256,
            },
        )
    return stored

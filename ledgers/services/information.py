"""Writes of the information ledger (情報管理台帳): receiving an item, recording what happens to
it, and correcting a wrong entry — never editing one. Each new event is checked against the
item's whole history (ledgers.selectors.information.replay): one that contradicts it (bringing
back what was not taken out, returning what still has copies) is refused with the reason, and so
is a correction that would leave a later event contradicting the history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts.models import Contract, Person, Worksite
from contracts.selectors.worksites import sites_in_force
from core.audit import record_event
from core.models import Membership
from core.validators import LABEL, NOTE, SHORT_NOTE, check_input
from ledgers import events, permissions
from ledgers.models import Classification, CustodyEvent, CustodyKind, CustodyUser, InformationItem, Medium
from ledgers.selectors.information import HANDLED_KINDS, Contradiction, replay, users_by_event
from ledgers.services import requests, states, takeouts
from ledgers.services.people import handler_refusal, person_refusal
from ledgers.services.winding_up import WINDING_UP, part_ended_refusal

K = CustodyKind
# The audit trail's kind for each custody event (the duty engine hears these).
AUDIT_KIND = {
    K.RECEIVED: events.INFORMATION_RECEIVED,
    K.COPIED: events.INFORMATION_COPIED,
    K.TAKEN_OUT: events.INFORMATION_TAKEN_OUT,
    K.BROUGHT_BACK: events.TAKEOUT_BROUGHT_BACK,
    K.SHIPPED: events.SHIPPING_RECORDED,
    K.RETURNED: events.INFORMATION_HANDED_OVER,
    K.PROVIDED: events.INFORMATION_PROVIDED,
    # The clauses' word for both (消去・廃棄の記録): the duties of disposal hear this one.
    K.ERASED: events.DISPOSAL_RECORDED,
    K.DESTROYED: events.DISPOSAL_RECORDED,
}
# What each kind of event must say (the field, and why it is asked).
REQUIRED = {
    K.RECEIVED: ("person", "counterpart", "worksite", "storage_place"),
    K.USED: ("person",),
    K.COPIED: ("person", "copies"),
    K.STORED: ("worksite", "storage_place"),
    K.TAKEN_OUT: ("person", "destination"),
    K.BROUGHT_BACK: ("person",),
    K.SHIPPED: ("person", "destination", "method"),
    K.BROUGHT_IN: ("person", "worksite", "storage_place"),
    K.USERS_CHANGED: (),
    K.PROVIDED: ("person", "counterpart"),
    K.RETURNED: ("person", "counterpart"),
    K.ERASED: ("person", "method"),
    K.DESTROYED: ("person", "method"),
}
IMPORTANT = (
    Classification.PERSONAL,
    Classification.MY_NUMBER,
    Classification.SENSITIVE,
    Classification.SECRET,
)


def _subject(item: InformationItem) -> str:
    return f"ledgers.informationitem:{item.pk}"


def _day(moment: datetime):
    return timezone.localtime(moment).date()


def _check_person(
    contract: Contract, organisation_id: int, person: Person, on, field: str, errors, *, winding_up=False
) -> None:
    why = person_refusal(contract, organisation_id, person, on, winding_up=winding_up)
    if why:
        errors[field] = why


def _clean(item_contract: Contract, organisation_id: int, kind: str, values: dict, medium: str, cls: str):
    """Refuse, at the field, what this kind of event must say and what the records do not allow."""
    check_input(
        texts={
            "counterpart": (values.get("counterpart"), LABEL),
            "storage_place": (values.get("storage_place"), LABEL),
            "destination": (values.get("destination"), LABEL),
            "consent": (values.get("consent"), LABEL),
            "witness": (values.get("witness"), LABEL),
            "tracking_number": (values.get("tracking_number"), 100),
            "method": (values.get("method"), LABEL),
            "note": (values.get("note"), NOTE),
        }
    )
    errors: dict[str, str] = {}
    moment: datetime = values["occurred_at"]
    on = _day(moment)
    if moment > timezone.now():
        errors["occurred_at"] = _("Record what has happened, not what is planned.")
    elif on < item_contract.start_date:
        errors["occurred_at"] = _("The day is before the contract started.")
    if "occurred_at" not in errors and kind not in WINDING_UP:
        # After the end of the contract's work (or of the party's subcontract) only its winding up.
        why = part_ended_refusal(item_contract, organisation_id, on)
        if why:
            errors["occurred_at" if kind == K.RECEIVED else "kind"] = why
    for field in REQUIRED[kind]:
        if values.get(field) in (None, "", 0):
            errors[field] = _("Required for this entry.")
    person: Person | None = values.get("person")
    if person is not None and "occurred_at" not in errors:
        _check_person(
            item_contract, organisation_id, person, on, "person", errors, winding_up=kind in WINDING_UP
        )
        if kind in HANDLED_KINDS and "person" not in errors:
            why = handler_refusal(item_contract, person, on)
            if why:
                errors["person"] = why
    users: list[Person] = list(values.get("users") or [])
    if kind in (K.RECEIVED, K.USERS_CHANGED):
        if not users:
            errors["users"] = _("Name who may use the information.")
        for user in users:
            probe: dict[str, str] = {}
            _check_person(item_contract, organisation_id, user, on, "users", probe)
            if probe:
                errors["users"] = probe["users"]
                break
    worksite: Worksite | None = values.get("worksite")
    if worksite is not None and not sites_in_force(item_contract, on).filter(worksite=worksite).exists():
        errors["worksite"] = _("Choose a work site that is approved (or notified) on that day.")
    if kind == K.SHIPPED:
        if medium in (Medium.ELECTRONIC, Medium.DEVICE) and not values.get("encrypted"):
            errors["encrypted"] = _("Electronic information is shipped only encrypted or password-protected.")
        if medium in (Medium.PAPER, Medium.DEVICE) and cls in IMPORTANT and not values.get("tracking_number"):
            errors["tracking_number"] = _(
                "Important information goes by a trackable service: enter its tracking number."
            )
    if errors:
        raise ValidationError(errors)


def _next_sequence(item: InformationItem) -> int:
    return (item.custody_events.aggregate(n=Max("sequence"))["n"] or 0) + 1


def _fits(
    item: InformationItem, candidate: CustodyEvent | None, users: Iterable[Person], *, void=None
) -> None:
    """Replay the item's history with the candidate (or without the voided event): refuse with the
    reason where anything would contradict what came before it."""
    history = list(item.custody_events.all())
    users_of = users_by_event(history)
    if candidate is not None:
        history.append(candidate)
        users_of[id(candidate)] = frozenset(p.pk for p in users)
    if void is not None:
        history.append(CustodyEvent(kind=K.CORRECTION, corrects_id=void.pk, occurred_at=void.occurred_at))
    try:
        replay(history, users_of)
    except Contradiction as exc:
        if exc.event is candidate:
            raise ValidationError({"kind": exc.message}) from exc
        raise ValidationError(
            _("This would contradict entry #%(n)s (%(kind)s): %(why)s")
            % {"n": exc.event.sequence, "kind": exc.event.get_kind_display(), "why": exc.message}
        ) from exc


def _save(item: InformationItem, event: CustodyEvent, users: Iterable[Person], actor) -> CustodyEvent:
    event.full_clean(exclude=["item", "users"])
    event.save()
    if event.kind in (K.RECEIVED, K.USERS_CHANGED):  # only these say who may use the item
        CustodyUser.objects.bulk_create([CustodyUser(event=event, person=p) for p in users])
    record_event(
        kind=AUDIT_KIND.get(event.kind, events.INFORMATION_CUSTODY_RECORDED),
        actor=actor,
        obj=item,
        contract_id=item.contract_id,
        data={
            "subject": _subject(item),
            # A take-out and its return are evidence for the item and for the request (its log);
            # a copy or a disposal under an application for the item and for the application.
            **(
                {"subjects": [_subject(item), f"ledgers.takeoutrequest:{event.takeout_id}"]}
                if event.takeout_id
                else {}
            ),
            **(
                {"subjects": [_subject(item), requests.subject_of(event.request)]} if event.request_id else {}
            ),
            **({"witnessed": True} if event.witness else {}),
            "custody": event.kind,
            "sequence": event.sequence,
            "effective_date": _day(event.occurred_at).isoformat(),
        },
    )
    return event


EVENT_FIELDS = (
    "person",
    "counterpart",
    "worksite",
    "storage_place",
    "destination",
    "copies",
    "consent",
    "encrypted",
    "tracking_number",
    "method",
    "takeout",
    "request",
    "witness",
    "note",
)


def _event(item: InformationItem, kind: str, sequence: int, values: dict, actor) -> CustodyEvent:
    fields = {name: values[name] for name in EVENT_FIELDS if values.get(name) is not None}
    return CustodyEvent(
        item=item,
        # The free text names people: under the contract's key, erased with it at the close.
        data_key_id=item.contract.data_key_id,
        sequence=sequence,
        kind=kind,
        occurred_at=values["occurred_at"],
        recorded_by=actor,
        **fields,
    )


@transaction.atomic
def information_receive(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    title: str,
    source: str,
    classification: str,
    medium: str,
    record_count: int | None = None,
    device=None,
    description: str = "",
    users: Iterable[Person] = (),
    **values: Any,
) -> CustodyEvent:
    """Enter an item received from the public body (or from the upstream party): its first event,
    with who received it from whom, where it is kept and who may use it."""
    if not permissions.can_keep_devices(actor, actor_membership, contract):
        raise PermissionDenied
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # one number at a time
    values.setdefault("occurred_at", timezone.now())
    users = list(users) or ([values["person"]] if values.get("person") else [])
    check_input(
        texts={"title": (title, LABEL), "source": (source, LABEL), "description": (description, SHORT_NOTE)}
    )
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("Say what the information is.")
    if not (source or "").strip():
        errors["source"] = _("Say from whom it was received.")
    if medium == Medium.DEVICE and device is None:
        errors["device"] = _("Choose the device or medium of the device ledger that holds it.")
    if device is not None and (
        device.contract_id != contract.pk or device.organisation_id != actor_membership.organisation_id
    ):
        errors["device"] = _("Choose a device of your own ledger on this contract.")
    try:
        _clean(
            contract,
            actor_membership.organisation_id,
            K.RECEIVED,
            {**values, "users": users},
            medium,
            classification,
        )
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
        errors = {k: (v[0] if isinstance(v, list) else v) for k, v in errors.items()}
    if errors:
        raise ValidationError(errors)
    number = (InformationItem.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    item = InformationItem(
        contract=contract,
        organisation_id=actor_membership.organisation_id,
        number=number,
        # Where it came from and what it is may name people: under the contract's key.
        data_key_id=contract.data_key_id,
        title=title.strip(),
        source=source.strip(),
        record_count=record_count,
        classification=classification,
        medium=medium,
        device=device,
        description=description,
        created_by=actor,
    )
    # The key is the contract's, read under its lock just now: no query to check that it exists.
    item.full_clean(exclude=["data_key"])
    item.save()
    event = _save(item, _event(item, K.RECEIVED, 1, values, actor), users, actor)
    # The list page's row, in the event's transaction: the receipt is the item's whole history.
    states.state_refresh(item, history=[event], users_of={event.pk: frozenset(p.pk for p in users)})
    return event


@transaction.atomic
def custody_record(
    *,
    actor,
    actor_membership: Membership,
    item: InformationItem,
    kind: str,
    users: Iterable[Person] = (),
    **values: Any,
) -> CustodyEvent:
    """Record one thing that happened to the item; refused where it contradicts its history."""
    item = InformationItem.objects.select_for_update().select_related("contract").get(pk=item.pk)
    if not permissions.can_change_information(actor, actor_membership, item):
        raise PermissionDenied
    if kind not in REQUIRED or kind == K.RECEIVED:
        raise ValidationError({"kind": _("Choose what happened.")})
    values.setdefault("occurred_at", timezone.now())
    users = list(users)
    _clean(
        item.contract,
        item.organisation_id,
        kind,
        {**values, "users": users},
        item.medium,
        item.classification,
    )
    if kind == K.TAKEN_OUT and takeouts.takeout_needed(item.contract):
        why = takeouts.approved_takeout_for(item, values.get("takeout"), values["occurred_at"])
        if why:
            raise ValidationError({"takeout": why})
    if kind == K.BROUGHT_BACK:
        # The return closes the take-out it ends (its log, 001 §18(2)).
        values["takeout"] = _current_takeout(item)
    elif kind != K.TAKEN_OUT:
        values.pop("takeout", None)
    _check_application(item, kind, values)
    event = _event(item, kind, _next_sequence(item), values, actor)
    _fits(item, event, users)
    event = _save(item, event, users, actor)
    states.state_refresh(item)  # the list page's row, in the event's transaction
    return event


# The clause kinds that make each act need the public body's approval first.
NEEDS_APPLICATION = {
    K.COPIED: "copy-approval",
    K.PROVIDED: "third-party-disclosure",
    K.ERASED: "disposal-application",
    K.DESTROYED: "disposal-application",
}


def _check_application(item: InformationItem, kind: str, values: dict) -> None:
    """A copy, a provision or a disposal names the approved application it was made under where
    the clauses ask approval first (and may name one where they do not); other acts name none."""
    request = values.get("request")
    if kind not in NEEDS_APPLICATION:
        values.pop("request", None)
        return
    # Working copies erased after use are not the information's disposal (that ends the item).
    erasing_copies = kind in (K.ERASED, K.DESTROYED) and values.get("copies")
    needed = clauses_api.requires(item.contract, NEEDS_APPLICATION[kind])
    if request is None and (erasing_copies or not needed):
        return
    why = requests.approved_request_for(item, kind, request, values["occurred_at"])
    if why:
        raise ValidationError({"request": why})
    if kind == K.COPIED and (values.get("copies") or 0) > requests.copies_left(request):
        raise ValidationError(
            {"copies": _("The copy request allows %(n)s more copies.") % {"n": requests.copies_left(request)}}
        )


def _current_takeout(item: InformationItem):
    """The request of the item's latest take-out that counts (not voided by a correction)."""
    voided = item.custody_events.filter(kind=K.CORRECTION).values("corrects_id")
    last = (
        item.custody_events.filter(kind=K.TAKEN_OUT)
        .exclude(pk__in=voided)
        .order_by("-occurred_at", "-sequence")
        .select_related("takeout")
        .first()
    )
    return last.takeout if last is not None else None


@transaction.atomic
def custody_correct(*, actor, actor_membership: Membership, event: CustodyEvent, reason: str) -> CustodyEvent:
    """Record that an entry was wrong, and why: it no longer counts, and stays in the history."""
    item = InformationItem.objects.select_for_update().select_related("contract").get(pk=event.item_id)
    if not permissions.can_change_information(actor, actor_membership, item):
        raise PermissionDenied
    reason = (reason or "").strip()
    check_input(texts={"note": (reason, NOTE)})
    if not reason:
        raise ValidationError({"note": _("Say what was wrong.")})
    if event.kind == K.CORRECTION:
        raise ValidationError(_("A correction is not corrected: record the right entry instead."))
    if event.kind == K.RECEIVED:
        raise ValidationError(_("The receipt starts the item's history: correct the later entries instead."))
    if CustodyEvent.objects.filter(corrects=event).exists():
        raise ValidationError(_("This entry was already corrected."))
    _fits(item, None, (), void=event)
    correction = CustodyEvent(
        item=item,
        data_key_id=item.contract.data_key_id,
        sequence=_next_sequence(item),
        kind=K.CORRECTION,
        occurred_at=timezone.now(),
        corrects=event,
        note=reason,
        recorded_by=actor,
    )
    correction.full_clean(exclude=["item", "users"])
    correction.save()
    states.state_refresh(item)  # the voided entry no longer counts on the list page either
    record_event(
        kind=events.INFORMATION_CUSTODY_CORRECTED,
        actor=actor,
        obj=item,
        contract_id=item.contract_id,
        data={"subject": _subject(item), "corrects": event.sequence, "sequence": correction.sequence},
    )
    return correction

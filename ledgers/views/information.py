"""Pages of the information ledger (情報管理台帳, 000 §5.6(4), 002 §10(3)): the ledger as of a day,
an item with its whole chain of custody, receiving an item, recording what happened to it and
correcting a wrong entry. Thin: access, form, service."""

from __future__ import annotations

from datetime import datetime, time
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Person
from contracts.selectors.worksites import current_entries
from core.approvals import ApprovalState
from core.services.reads import personal_data_read
from core.validators import parse_id
from core.views.utils import apply_validation_error, save_form
from ledgers import events, permissions
from ledgers.access import get_item_or_404, get_ledger_contract_or_404
from ledgers.forms.information import (
    JST,
    KIND_LABELS,
    RECORDED,
    SHOWN,
    AsOfForm,
    CustodyCorrectForm,
    CustodyRecordForm,
    InformationFilterForm,
    InformationReceiveForm,
    approved_applications,
    needs_application,
)
from ledgers.models import (
    CustodyEvent,
    CustodyKind,
    InformationItem,
    LedgerRequest,
    RequestKind,
    TakeoutRequest,
)
from ledgers.pdf.slips import SLIP_KINDS
from ledgers.selectors.information import (
    FINAL,
    STATUS_LABELS,
    ItemState,
    Status,
    holder_names,
    item_history,
    items_visible_to,
    replay,
    states_of,
    users_by_event,
)
from ledgers.services import information as services
from ledgers.services.requests import ALLOWS, title_of

K = CustodyKind
PAGE_SIZE = 50
# What may follow each state, as the buttons of the item's page (replay says the same in refusals).
NEXT_STEPS = {
    Status.HELD: (
        (K.USED, gettext_lazy("Record a use")),
        (K.COPIED, gettext_lazy("Record a copy")),
        (K.PROVIDED, gettext_lazy("Record a provision to a third party")),
        (K.STORED, gettext_lazy("Move the storage place")),
        (K.TAKEN_OUT, gettext_lazy("Record a take-out")),
        (K.SHIPPED, gettext_lazy("Record a shipment")),
        (K.USERS_CHANGED, gettext_lazy("Change who may use it")),
        (K.RETURNED, gettext_lazy("Record the return to the public body")),
        (K.ERASED, gettext_lazy("Record the erasure")),
        (K.DESTROYED, gettext_lazy("Record the destruction")),
    ),
    Status.TAKEN_OUT: ((K.BROUGHT_BACK, gettext_lazy("Record the return from the take-out")),),
    Status.SHIPPED: ((K.BROUGHT_IN, gettext_lazy("Record the bringing in")),),
}
# The page of one kind of entry is headed by its button's words.
STEP_LABELS = {kind: label for steps in NEXT_STEPS.values() for kind, label in steps}
# The button of an application to make first, in words that say which (a row of three 申請する
# beside different steps would not).
APPLY_LABELS = {
    RequestKind.COPY: gettext_lazy("Apply for the copy"),
    RequestKind.DISCLOSURE: gettext_lazy("Apply for the provision"),
    RequestKind.DISPOSAL: gettext_lazy("Apply for the disposal"),
}
# Who may use the item is named by these entries only.
NAMES_USERS = (K.RECEIVED, K.USERS_CHANGED)
# Where an application is made for what a step records: after that step's button (an erasure
# and a destruction share one disposal application, offered once, after the destruction).
APPLY_AFTER = {
    K.COPIED: RequestKind.COPY,
    K.PROVIDED: RequestKind.DISCLOSURE,
    K.DESTROYED: RequestKind.DISPOSAL,
}


def _end_of(day) -> datetime:
    """The last moment of a day in Japan: the ledger "as of" a day is as it stood when it ended."""
    return datetime.combine(day, time.max, tzinfo=JST)


def _site_names(contract, on=None) -> dict[int, str]:
    """Each work site's name as it stood on the day (a site's identity row has none), one query."""
    return dict(current_entries(contract, on=on).values_list("worksite_id", "name"))


def _names_shown(request, contract, **data) -> None:
    """The people handling the information are named: every page that shows them is on the record."""
    personal_data_read(
        kind=events.INFORMATION_LEDGER_VIEWED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data=data,
    )


def _filtered(items, *, until: datetime | None, classification: str, medium: str, query: str):
    """The items received by `until` (None: now) that match the filters. Now, each item's row of
    the projection (made with its receipt) comes joined; for a past day, the receipt is never
    corrected, so whether an item was on the ledger that day is a question the database answers."""
    if until is None:
        items = items.filter(state__isnull=False).select_related("state")
    else:
        received = CustodyEvent.objects.filter(item=OuterRef("pk"), kind=K.RECEIVED, occurred_at__lte=until)
        items = items.filter(Exists(received))
    if classification:
        items = items.filter(classification=classification)
    if medium:
        items = items.filter(medium=medium)
    if query:
        # By the name only: the source is encrypted (a pattern on ciphertext never matches).
        items = items.filter(title__icontains=query)
    return items.select_related("organisation").order_by("number")


def _states(items: list[InformationItem], until: datetime) -> tuple[dict[int, ItemState], dict[int, str]]:
    """The state of each item as of `until` (one query for all their events, one for who may use
    them) and the names of their holders, each decrypted once."""
    states = states_of(items, until=until)
    return states, holder_names(states.values())


def _page_now(items, *, status: str, after: int):
    """One page of the ledger as it stands now, by keyset on the item number (no count of all
    rows): each item's state is its row of the projection, so the status filter is a WHERE like
    the others and one query reads the page."""
    if status:
        items = items.filter(state__status=status)
    batch = list(items.filter(number__gt=after)[: PAGE_SIZE + 1])
    rows = [(item, item.state) for item in batch[:PAGE_SIZE]]
    return rows, len(batch) > PAGE_SIZE, holder_names(state for _item, state in rows)


def _page_as_of(items, *, until: datetime, status: str, after: int):
    """One page of the ledger as it stood at `until`, by keyset on the item number: the states
    then are replayed from the events (the projection knows only now), so with a status filter
    the items are read a page at a time until the page is full."""
    rows: list[tuple[InformationItem, ItemState]] = []
    names: dict[int, str] = {}
    while len(rows) <= PAGE_SIZE:
        batch = list(items.filter(number__gt=after)[: PAGE_SIZE + 1])
        if not batch:
            break
        states, found = _states(batch, until)
        names |= found
        rows += [(item, states[item.pk]) for item in batch if not status or states[item.pk].status == status]
        after = batch[-1].number
        if len(batch) <= PAGE_SIZE:
            break
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, names


@login_required
def information_list(request, pk: int):
    """Every item on the ledger at the end of a day (today), with where it stood then."""
    contract = get_ledger_contract_or_404(request, pk)
    form = InformationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    on = filters.get("on") or timezone.localdate()
    after = parse_id(request.GET.get("after")) or 0
    # Today's ledger is the ledger now (no entry is in the future): the projection; a past day's
    # is replayed from the events.
    until = None if on >= timezone.localdate() else _end_of(on)
    items = _filtered(
        items_visible_to(request.user, request.membership, contract),
        until=until,
        classification=filters.get("classification", ""),
        medium=filters.get("medium", ""),
        query=filters.get("q", ""),
    )
    status = filters.get("status", "")
    if until is None:
        rows, has_next, names = _page_now(items, status=status, after=after)
    else:
        rows, has_next, names = _page_as_of(items, until=until, status=status, after=after)
    following = request.GET.copy()
    if has_next:
        following["after"] = str(rows[-1][0].number)
    first = request.GET.copy()
    first.pop("after", None)
    _names_shown(request, contract, on=on.isoformat(), after=after)
    return render(
        request,
        "ledgers/information/list.html",
        {
            "contract": contract,
            "rows": rows,
            "on": on,
            "form": form,
            "after": after,
            "next_query": following.urlencode() if has_next else "",
            "first_query": first.urlencode(),
            "filtered": any(filters.get(name) for name in ("classification", "medium", "status", "q")),
            "names": names,
            "site_names": _site_names(contract, on),
            "status_labels": STATUS_LABELS,
            "can_keep": permissions.can_keep_devices(request.user, request.membership, contract),
        },
    )


@login_required
def information_receive(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    if not permissions.can_keep_devices(request.user, request.membership, contract):
        raise Http404
    form = InformationReceiveForm(
        request.POST or None, contract=contract, organisation_id=request.membership.organisation_id
    )
    event = save_form(
        request,
        form,
        partial(services.information_receive, contract=contract),
        success=lambda e: (
            _("No. %(number)s %(title)s was entered in the information ledger.")
            % {"number": e.item.number, "title": e.item.title}
        ),
    )
    if event is not None:
        return redirect("ledgers:information_detail", pk=event.item_id)
    if form.names_people():
        _names_shown(request, contract, form="receive")
    return render(request, "ledgers/information/receive.html", {"contract": contract, "form": form})


def _history_rows(history: list[CustodyEvent], users_of: dict[int, frozenset[int]]) -> list[tuple]:
    """Each entry in the order it happened, with the correction that voided it (if any) and the
    names of who may use the item from it on (for the entries that name them)."""
    corrections = {e.corrects_id: e for e in history if e.kind == K.CORRECTION}
    ids = {pk for e in history if e.kind in NAMES_USERS for pk in users_of.get(e.pk, ())}
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}
    return [
        (
            event,
            corrections.get(event.pk),
            sorted(names[p] for p in users_of.get(event.pk, ()) if p in names)
            if event.kind in NAMES_USERS
            else None,
        )
        for event in history
    ]


def _next_steps(item: InformationItem, status: str, applications: list[LedgerRequest]) -> list[tuple]:
    """The buttons of what may follow the item's state, each with the kind of application to make
    first where the clauses ask one before it and the item has none approved that still allows it
    (an erasure of working copies needs none, so its button stays whatever the application)."""
    steps = NEXT_STEPS.get(status, ())
    if not any(kind in APPLY_AFTER for kind, _label in steps):
        return [(kind, label, None) for kind, label in steps]
    needed = {ALLOWS[kind] for kind in needs_application(item.contract)}
    usable = {a.kind for a in applications if a.usable}
    return [
        (kind, label, APPLY_AFTER[kind] if APPLY_AFTER.get(kind) in needed - usable else None)
        for kind, label in steps
    ]


def _applications(item: InformationItem) -> list[LedgerRequest]:
    """The item's applications of the kinds a custody entry names, in one query: those its
    history names (to link them) and, marked usable, the approved ones that still allow something."""
    usable = approved_applications(item).filter(pk=OuterRef("pk"))
    return list(
        LedgerRequest.objects.filter(
            contract_id=item.contract_id,
            items=item,
            kind__in=set(ALLOWS.values()),
            # An entry names only an application approved when it was recorded (the service).
            approval_state=ApprovalState.APPROVED,
        )
        .annotate(usable=Exists(usable))
        .order_by("kind", "-number")
    )


@login_required
def information_detail(request, pk: int):
    """The item, its state now (or as of a day) and every entry of its custody as it happened."""
    item = get_item_or_404(request, pk)
    contract = item.contract
    form = AsOfForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    history = list(item_history(item))
    users_of = users_by_event(history)
    current = replay(history, users_of)
    shown = replay(history, users_of, until=_end_of(on)) if on else current
    can_change = permissions.can_change_information(request.user, request.membership, item)
    corrected = {e.corrects_id for e in history if e.kind == K.CORRECTION}
    applications = _applications(item)
    _names_shown(request, contract, item=item.pk, **({"on": on.isoformat()} if on else {}))
    return render(
        request,
        "ledgers/information/detail.html",
        {
            "contract": contract,
            "item": item,
            "state": shown,
            "on": on,
            "form": form,
            "status_label": STATUS_LABELS[shown.status],
            "kind_labels": KIND_LABELS,
            "holder": next((e.person for e in history if e.person_id == shown.holder_id), None),
            "users": sorted(p.full_name for p in Person.objects.filter(pk__in=shown.users)),
            "history": _history_rows(history, users_of),
            "takeout_numbers": dict(
                TakeoutRequest.objects.filter(
                    pk__in={e.takeout_id for e in history if e.takeout_id}
                ).values_list("pk", "number")
            ),
            "site_names": _site_names(contract, on),
            "next_steps": _next_steps(item, current.status, applications) if can_change else (),
            "request_titles": {a.pk: title_of(a) for a in applications},
            "apply_labels": APPLY_LABELS,
            "correctable": {
                e.pk
                for e in history
                if e.kind not in (K.RECEIVED, K.CORRECTION) and e.pk not in corrected and can_change
            },
            # The receipt, handover slip or disposal record of an entry that still counts.
            "slip_kinds": [str(k) for k in SLIP_KINDS],
            "voided": corrected,
        },
    )


@login_required
def custody_record(request, pk: int):
    item = get_item_or_404(request, pk)
    if not permissions.can_change_information(request.user, request.membership, item):
        raise Http404
    history = list(item.custody_events.all())
    state = replay(history, users_by_event(history))
    if state.status in FINAL:
        messages.error(
            request, _("This item was returned, erased or destroyed: nothing more is recorded on it.")
        )
        return redirect("ledgers:information_detail", pk=item.pk)
    kind = request.GET.get("kind", "")
    form = CustodyRecordForm(
        request.POST or None, item=item, initial={"kind": kind} if kind in dict(RECORDED) else {}
    )
    event = save_form(
        request,
        form,
        partial(services.custody_record, item=item),
        success=lambda e: (
            _("Entry %(n)s (%(kind)s) was recorded.") % {"n": e.sequence, "kind": KIND_LABELS[e.kind]}
        ),
    )
    if event is not None:
        return redirect("ledgers:information_detail", pk=item.pk)
    if form.names_people():
        _names_shown(request, item.contract, item=item.pk, form="record")
    return render(
        request,
        "ledgers/information/record.html",
        {
            "contract": item.contract,
            "item": item,
            "form": form,
            "state": state,
            "status_label": STATUS_LABELS[state.status],
            "site_names": _site_names(item.contract),
            # The kind of application to make for what is being recorded (a link to draft one).
            "apply_kind": ALLOWS.get(form.chosen_kind),
            "apply_label": APPLY_LABELS.get(ALLOWS.get(form.chosen_kind), ""),
            "kind_label": (STEP_LABELS.get(form.chosen_kind) or KIND_LABELS[form.chosen_kind])
            if form.chosen_kind in SHOWN
            else "",
        },
    )


@login_required
def custody_correct(request, pk: int):
    found = CustodyEvent.objects.select_related("person", "worksite").filter(pk=pk).first()
    if found is None:
        raise Http404
    item = get_item_or_404(request, found.item_id)
    if not permissions.can_change_information(request.user, request.membership, item):
        raise Http404
    form = CustodyCorrectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_correct(
                actor=request.user,
                actor_membership=request.membership,
                event=found,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, aliases={"note": "reason"})
        else:
            messages.success(
                request, _("Entry %(n)s was corrected: it no longer counts.") % {"n": found.sequence}
            )
            return redirect("ledgers:information_detail", pk=item.pk)
    _names_shown(request, item.contract, item=item.pk, form="correct")
    return render(
        request,
        "ledgers/information/correct.html",
        {
            "contract": item.contract,
            "item": item,
            "event": found,
            "kind_labels": KIND_LABELS,
            "form": form,
            "site_names": _site_names(item.contract),
        },
    )

"""Reads of the applications (copy, provision to a third party, bring-in, disposal;
models.requests): a contract's applications of one kind as a person may see them, an
application's own history in the audit trail, and the certificates issued for a disposal.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from contracts.models import Contract
from contracts.selectors.contracts import without_drafts_for
from core.approvals import PAST
from core.models import Event, Membership
from ledgers import events
from ledgers.models import PROXIES, Device, InformationItem, LedgerRequest
from ledgers.selectors.devices import parties_in_scope

PAGE_SIZE = 50


def requests_visible_to(
    user, membership: Membership | None, contract: Contract, kind: str
) -> QuerySet[LedgerRequest]:
    """The contract's applications of `kind` the person may see, newest first: a full party's
    readers see all of them, an approved subcontractor its own part's; a draft is the applying
    side's until it is submitted (the public body's side sees it then)."""
    found = PROXIES[kind].objects.filter(contract=contract)
    scope = parties_in_scope(user, membership, contract)
    if scope is not None:
        found = found.filter(organisation_id__in=scope)
    return without_drafts_for(user, membership, found).order_by("-number")


def request_page(
    user, membership: Membership | None, contract: Contract, kind: str, number: str | None
) -> Page:
    """One page of those, each with what it concerns: a query each for the page's items and
    devices and one for the applicants, whatever the number of rows."""
    found = (
        requests_visible_to(user, membership, contract, kind)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("items", queryset=InformationItem.objects.order_by("number")),
            Prefetch("devices", queryset=Device.objects.order_by("asset_number")),
        )
    )
    return Paginator(found, PAGE_SIZE).get_page(number)


def _events_of(request: LedgerRequest) -> QuerySet[Event]:
    # The workflow records its events on the kind's proxy (`ledgers.disposalrequest`), as does
    # the certificate's issue: the same object type and id find both.
    return Event.objects.filter(
        object_type=type(request.as_kind())._meta.label_lower, object_id=str(request.pk)
    )


def request_history(request: LedgerRequest) -> list[Event]:
    """Each step of the application's workflow and each certificate issued for it: who, when,
    and the reason given, oldest first."""
    kinds = [f"{request.kind}.{past}" for past in (*PAST.values(), "drafted", "changed")]
    return list(
        _events_of(request)
        .filter(kind__in=[*kinds, events.DISPOSAL_CERTIFICATE_ISSUED])
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


def certificates_of(request: LedgerRequest) -> list[Event]:
    """The certificates of return or disposal issued for the application, oldest first: the
    audit trail's record of each issue, whose data["file"] is the stored PDF's id (a certificate
    issued again is a new file and a new record, so each says when it was issued)."""
    return list(
        _events_of(request)
        .filter(kind=events.DISPOSAL_CERTIFICATE_ISSUED)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )

"""Submitting the information ledger to the public body (002 §10(3): 「求めに応じて提出」).

`ledger_submit` fixes one party's ledger as it stood at the end of a day: the PDF and the xlsx
are made first (a render never runs under the audit trail's lock, core.pdf), then both are kept
and `information_ledger.submitted` recorded in one transaction — the event the clause template's
duty "10(3)-ledger-on-request" is met by. The public body's staff of the contract is told.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.models import Contract, Person
from contracts.selectors.contracts import contract_approvers
from contracts.selectors.worksites import current_entries
from core import pdf
from core.audit import record_event
from core.files import store_upload
from core.models import Membership, Organisation
from core.services.notifications import notification_create
from core.validators import NOTE, check_input
from core.wareki import JST
from ledgers import events, permissions
from ledgers.forms.information import KIND_LABELS
from ledgers.models import CustodyEvent, CustodyKind, InformationItem, LedgerSubmission
from ledgers.pdf.ledger import LEDGER_FORM, ledger_context
from ledgers.selectors.information import STATUS_LABELS, holder_names, states_of
from ledgers.spreadsheets.information import CLASSIFICATIONS, MEDIA, ledger_xlsx

K = CustodyKind
PURPOSE = "information_ledger"


def end_of(day: date) -> datetime:
    """The last moment of a day in Japan: the ledger "as of" a day is as it stood when it ended."""
    return datetime.combine(day, time.max, tzinfo=JST)


def ledger_rows(contract: Contract, organisation_id: int, as_of: date) -> list[dict]:
    """Each item of the party's ledger received by the end of `as_of`, as it stood then, in the
    order of its number. The queries do not grow with the rows: the items, all their events (one,
    states_of), who may use them, the holders' and users' names, the work sites' names."""
    until = end_of(as_of)
    received = CustodyEvent.objects.filter(item=OuterRef("pk"), kind=K.RECEIVED, occurred_at__lte=until)
    items = list(
        InformationItem.objects.filter(contract=contract, organisation_id=organisation_id)
        .filter(Exists(received))
        .order_by("number")
    )
    states = states_of(items, until=until)
    holders = holder_names(states.values())
    user_ids = {pk for state in states.values() for pk in state.users}
    users = (
        {
            p.pk: str(p.full_name)
            for p in Person.objects.filter(pk__in=user_ids).only("pk", "full_name", "data_key_id")
        }
        if user_ids
        else {}
    )
    sites = dict(current_entries(contract, on=as_of).values_list("worksite_id", "name"))
    # The receipt's moment: its day is what the ledger calls 受領日 (one query, with the items').
    receipts = dict(
        CustodyEvent.objects.filter(item__in=items, kind=K.RECEIVED).values_list("item_id", "occurred_at")
    )
    rows = []
    # The labels are lazy: the document is Japanese whoever submits it.
    with translation.override(pdf.PDF_LANGUAGE):
        for item in items:
            state = states[item.pk]
            last = state.last
            rows.append(
                {
                    "number": item.number,
                    "title": item.title,
                    "source": item.source,
                    "record_count": item.record_count,
                    "classification": item.classification,
                    "classification_label": CLASSIFICATIONS.get(item.classification, item.classification),
                    "medium": item.medium,
                    "medium_label": MEDIA.get(item.medium, item.medium),
                    "received_on": timezone.localtime(receipts[item.pk], JST).date(),
                    "status": str(STATUS_LABELS[state.status]),
                    "worksite": sites.get(state.worksite_id, "") if state.worksite_id else "",
                    "storage_place": state.storage_place,
                    "holder": holders.get(state.holder_id, "") if state.holder_id else "",
                    "users": "、".join(sorted(users[pk] for pk in state.users if pk in users)),
                    "copies": state.copies,
                    "last_event": str(KIND_LABELS[last.kind]) if last is not None else "",
                    "last_event_on": timezone.localtime(last.occurred_at, JST).date()
                    if last is not None
                    else None,
                }
            )
    return rows


def ledger_submit(
    *, actor, actor_membership: Membership, contract: Contract, as_of: date, note: str = ""
) -> LedgerSubmission:
    """Submit the actor's party's ledger as of the end of `as_of` (not in the future, not before
    the contract started)."""
    if not permissions.can_keep_devices(actor, actor_membership, contract):
        raise PermissionDenied
    note = (note or "").strip()
    check_input(texts={"note": (note, NOTE)})
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The ledger can be submitted as of today or an earlier day.")})
    if contract.start_date and as_of < contract.start_date:
        raise ValidationError({"as_of": _("Choose a day on or after the start of the contract.")})
    contract = Contract.objects.select_related("public_body", "contractor", "data_key").get(pk=contract.pk)
    organisation = Organisation.objects.get(pk=actor_membership.organisation_id)
    rows = ledger_rows(contract, organisation.pk, as_of)
    # Both files first: a render never runs under the audit trail's lock (core.pdf).
    pdf_data = pdf.render_form(LEDGER_FORM, ledger_context(contract, organisation, as_of, rows))
    xlsx_data = ledger_xlsx(rows)
    xlsx_sha256 = hashlib.sha256(xlsx_data).hexdigest()
    day = as_of.strftime("%Y%m%d")
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded=ContentFile(pdf_data, name=f"information-ledger-{contract.pk}-{day}.pdf"),
            data_key=contract.data_key,
            purpose=PURPOSE,
            contract_id=contract.pk,
        )
        submission = LedgerSubmission(
            contract=contract,
            organisation=organisation,
            as_of=as_of,
            pdf=stored,
            data_key=contract.data_key,
            xlsx=base64.b64encode(xlsx_data).decode("ascii"),
            xlsx_sha256=xlsx_sha256,
            item_count=len(rows),
            note=note,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        submission.full_clean()
        submission.save()
        record_event(
            kind=events.INFORMATION_LEDGER_SUBMITTED,
            actor=actor,
            obj=submission,
            contract_id=contract.pk,
            data={
                "as_of": as_of.isoformat(),
                "organisation": organisation.pk,
                "pdf": stored.pk,
                "pdf_sha256": stored.sha256,
                "xlsx_sha256": xlsx_sha256,
                "items": len(rows),
            },
        )
        url = reverse("ledgers:submission_list", args=[contract.pk])
        title = _("Information ledger submitted: %(org)s as of %(day)s (%(number)s)") % {
            "org": organisation.name,
            "day": as_of.isoformat(),
            "number": contract.number,
        }
        for user in contract_approvers(contract):
            notification_create(user=user, title=title, url=url)
    return submission


def submission_xlsx(submission: LedgerSubmission) -> bytes:
    """The xlsx as it was submitted."""
    return base64.b64decode(submission.xlsx)

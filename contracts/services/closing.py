"""Closing a contract (契約の終了処理) and the portal's certificate of erasure.

A contract that has ended is closed once everything of it is returned or disposed of and
certified (contracts.selectors.closing.close_gaps, filled by the apps that know it). Closing
destroys the contract's data key: the portal practises the disposal it asks of the contractor
(design.md, invariant 5), and then certifies it (erasure_certificate_issue).
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import events, permissions
from contracts.models import Contract
from contracts.selectors.closing import CloseGap, close_gaps
from core.audit import record_event
from core.files import store_upload
from core.models import Membership, StoredFile
from core.services.keys import data_key_destroy
from core.validators import NOTE, check_input

ERASURE_PURPOSE = "erasure_certificate"


def _gap_error(gaps: list[CloseGap]) -> ValidationError:
    return ValidationError([f"{gap.kind_label}: {gap.what}" for gap in gaps])


@transaction.atomic
def contract_close(
    *, actor, actor_membership: Membership | None, contract: Contract, override_reason: str = ""
) -> Contract:
    """Close an ended contract: refused with what is still outstanding, unless the public body
    gives its reason for closing anyway and every gap is one it may override. Records
    contract.closed (how many gaps of each kind, whether overridden; no personal data), then
    destroys the contract's data key (data_key.destroyed): its personal data is erased. The duty
    engine ends the contract's open duties as not needed on contract.closed."""
    contract = Contract.objects.select_for_update().select_related("data_key").get(pk=contract.pk)
    if not permissions.can_close_contract(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status != Contract.Status.ENDED:
        raise ValidationError(_("Only an ended contract can be closed."))
    override_reason = (override_reason or "").strip()
    check_input(texts={"override_reason": (override_reason, NOTE)})
    gaps = close_gaps(contract)
    if gaps and not override_reason:
        raise ValidationError(
            {
                "override_reason": [
                    _("Something is still outstanding: put it right, or say why it is closed anyway."),
                    *_gap_error(gaps).messages,
                ]
            }
        )
    if gaps and not all(gap.overridable for gap in gaps):
        raise ValidationError(
            {
                "override_reason": [
                    _("These cannot be overridden: they must be settled before the contract is closed."),
                    *_gap_error([gap for gap in gaps if not gap.overridable]).messages,
                ]
            }
        )
    contract.status = Contract.Status.CLOSED
    contract.closed_at = timezone.now()
    # A reason given when nothing was outstanding overrides nothing: not kept.
    contract.close_override_reason = override_reason if gaps else ""
    contract.full_clean()
    contract.save(update_fields=["status", "closed_at", "close_override_reason"])
    record_event(
        kind=events.CONTRACT_CLOSED,
        actor=actor,
        obj=contract,
        contract_id=contract.pk,
        organisation_id=contract.public_body_id,
        data={
            "effective_date": timezone.localdate().isoformat(),
            "gaps": dict(sorted(Counter(gap.kind for gap in gaps).items())),
            "overridden": bool(gaps),
        },
    )
    data_key_destroy(actor=actor, data_key=contract.data_key, reason=events.CONTRACT_CLOSED)
    return contract


def erasure_certificate_issue(
    *, actor, actor_membership: Membership | None, contract: Contract
) -> StoredFile:
    """Issue the certificate of erasure of a closed contract: rendered first, outside the audit
    trail's lock, then stored under the public body's own key (the contract's is gone; the
    certificate names no person) and recorded (contract.erasure_certificate_issued) in one
    transaction. Issued again, it is a new file and a new record."""
    from contracts.pdf.erasure import ERASURE_FORM, erasure_context
    from core import pdf

    contract = Contract.objects.select_related("public_body__data_key").get(pk=contract.pk)
    if not permissions.can_close_contract(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status != Contract.Status.CLOSED:
        raise ValidationError(_("The certificate of erasure is issued once the contract is closed."))
    issued_at = timezone.now()
    data = pdf.render_form(ERASURE_FORM, erasure_context(contract, issued_at=issued_at))
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded=ContentFile(data, name=f"erasure-certificate-{contract.pk}.pdf"),
            data_key=contract.public_body.data_key,
            purpose=ERASURE_PURPOSE,
            contract_id=contract.pk,
        )
        record_event(
            kind=events.ERASURE_CERTIFICATE_ISSUED,
            actor=actor,
            obj=contract,
            contract_id=contract.pk,
            organisation_id=contract.public_body_id,
            data={"file": stored.pk, "sha256": stored.sha256},
        )
    return stored

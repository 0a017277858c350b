"""The portal's own certificate of erasure (contracts.erasure_certificate, 消去証明書) of a closed
contract.

Closing a contract destroys its data key (contracts.services.closing.contract_close): every value
the portal encrypted under it — the roster's names, the pledges' scans, the ledgers' witnesses
and counterparts — can no longer be read by anyone. The certificate says, to the public body and
in its template's words, what was erased (how many records of each kind, in words), when, by
which key destruction, what the portal still keeps in clear (the audit trail, which holds no
personal data; numbers, dates and organisation names), that other processes may still use a
cached key for DATA_KEY_CACHE_SECONDS, and until when the database backups still hold it
(BACKUP_RETENTION_DAYS after the destruction; docs/keys.md). Always printed in Japanese.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from clauses import api as clauses_api
from contracts.models import Contract
from contracts.selectors.closing import erased_records
from core import crypto, pdf
from core.models import DataKey, Event

ERASURE_FORM = "contracts.erasure_certificate"


def destroyed_keys(contract: Contract) -> list[DataKey]:
    """The contract's data keys that its close destroyed (one today: rosters, pledges, ledgers
    and their submissions all encrypt under the contract's key)."""
    return list(DataKey.objects.filter(pk=contract.data_key_id, destroyed_at__isnull=False))


def erasure_context(contract: Contract, *, issued_at: datetime) -> dict:
    contract = Contract.objects.select_related(
        "public_body", "department", "contractor", "clause_template"
    ).get(pk=contract.pk)
    words = clauses_api.party_words(contract)
    keys = destroyed_keys(contract)
    destructions = {
        int(e.object_id): e.occurred_at
        for e in Event.objects.filter(
            kind="data_key.destroyed", object_type="core.datakey", object_id__in=[str(k.pk) for k in keys]
        )
    }
    # The kinds' names are lazy: in the document's language, not the presser's.
    with translation.override(pdf.PDF_LANGUAGE):
        erased = [(label, count) for label, count in erased_records({k.pk for k in keys})]
    destroyed_at = max((destructions.get(k.pk, k.destroyed_at) for k in keys), default=None)
    return {
        "contract": contract,
        "client_word": words.client,
        "contractor_word": words.contractor,
        "client_name": contract.public_body.name,
        "client_unit": contract.department.name if contract.department_id else "",
        "contractor_name": contract.contractor.name,
        "closed_at": timezone.localtime(contract.closed_at) if contract.closed_at else None,
        "overridden": bool(contract.close_override_reason),
        "override_reason": contract.close_override_reason,
        "keys": [
            {
                # The scope in words: the key's id and its scope string are the portal's own codes.
                "scope": f"契約「{contract.number}」の個人データの暗号鍵",
                "destroyed_at": timezone.localtime(destructions.get(k.pk, k.destroyed_at)),
            }
            for k in keys
        ],
        "erased": erased,
        "erased_total": sum(count for _label, count in erased),
        "cache_seconds": crypto.DATA_KEY_CACHE_SECONDS,
        "effective_at": timezone.localtime(destroyed_at + timedelta(seconds=crypto.DATA_KEY_CACHE_SECONDS))
        if destroyed_at
        else None,
        "backup_days": settings.BACKUP_RETENTION_DAYS,
        "backups_until": timezone.localtime(destroyed_at + timedelta(days=settings.BACKUP_RETENTION_DAYS))
        if destroyed_at
        else None,
        "issued_at": timezone.localtime(issued_at),
    }


def register() -> None:
    pdf.register_form(
        ERASURE_FORM, template_name="pdf/contracts/erasure_certificate.html", title="消去証明書"
    )

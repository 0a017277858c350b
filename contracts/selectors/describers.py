"""Titles of contracts and people for the audit trail (core.describers), many ids per query."""

from __future__ import annotations

from collections.abc import Sequence

from contracts.models import Contract, Person


def _pks(ids: Sequence[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def describe_contracts(ids: Sequence[str]) -> dict[str, str]:
    """Contract number and title: "R7-001 個人情報を取り扱う業務委託"."""
    rows = Contract.objects.filter(pk__in=_pks(ids)).values_list("pk", "number", "title")
    return {str(pk): f"{number} {title}".strip() for pk, number, title in rows}


def describe_people(ids: Sequence[str]) -> dict[str, str]:
    """The person's name, decrypted: personal data already shown to whoever may read the trail,
    whose page view is itself recorded. An erased name reads as erased."""
    rows = Person.objects.filter(pk__in=_pks(ids)).only("pk", "full_name", "data_key_id")
    return {str(p.pk): str(p.full_name) for p in rows}

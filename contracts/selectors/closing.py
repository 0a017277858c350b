"""What still stands between a contract and its close (契約の終了処理): the checklist.

Contracts knows none of it itself: the information still held, the devices not returned or
disposed of, the open take-outs and the subcontract tiers that have not certified their own
return or disposal are the ledgers' (an app above this one). So the checklist is a named slot
(core.panels): each app to the right registers `provider(contract) -> list[CloseGap]` from its
AppConfig.ready() under GAPS_SLOT — ledgers.selectors.closing today; incidents will add gaps the
public body may not override (an incident still open).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.panels import fill_slot

GAPS_SLOT = "contract_close.gaps"

# The kinds of gap the checklist groups by, in its words; an app that registers another kind
# adds its label here through register_gap_kind.
GAP_KINDS: dict[str, object] = {
    "item": _("Information still held"),
    "device": _("Devices and media not returned or disposed of"),
    "takeout": _("Take-outs not brought back"),
    "subcontract": _("Subcontractors that have not certified their return or disposal"),
}


@dataclass(frozen=True)
class CloseGap:
    kind: str  # a key of GAP_KINDS
    what: str  # in words, for a person: never a code or an id
    link: str  # where to put it right
    # Whether the public body may close anyway, with a recorded reason; an open incident is not.
    overridable: bool = True

    @property
    def kind_label(self) -> str:
        return str(GAP_KINDS.get(self.kind, self.kind))


def register_gap_kind(kind: str, label) -> None:
    GAP_KINDS.setdefault(kind, label)


def close_gaps(contract: Contract) -> list[CloseGap]:
    """Every gap each registered app finds, in registration order (a fixed number of queries
    per app, whatever the contract holds)."""
    return [gap for found in fill_slot(GAPS_SLOT, contract) for gap in found]


def gaps_by_kind(gaps: list[CloseGap]) -> list[tuple[str, list[CloseGap]]]:
    """The gaps grouped under their kind's label, in the order the kinds first appear."""
    groups: dict[str, list[CloseGap]] = {}
    for gap in gaps:
        groups.setdefault(gap.kind_label, []).append(gap)
    return list(groups.items())


def erased_records(key_ids: set[int]) -> list[tuple[str, int]]:
    """How many rows of each kind of record hold values under the given (destroyed) data keys,
    as (the kind's plural name, count), biggest first: what the erasure certificate lists. One
    count per model with encrypted fields."""
    from core.fields import EncryptedTextField

    found = []
    for model in apps.get_models():
        key_fields = {f.key_field for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
        for key_field in sorted(key_fields):
            count = model._base_manager.filter(**{f"{key_field}_id__in": key_ids}).count()
            if count:
                found.append((str(model._meta.verbose_name_plural), count))
    return sorted(found, key=lambda row: (-row[1], row[0]))


def erasure_certificates(contract: Contract) -> list:
    """The certificates of erasure issued for the contract, oldest first: the audit trail's
    record of each issue, whose data["file"] is the stored PDF's id."""
    from contracts import events
    from core.models import Event

    return list(
        Event.objects.filter(kind=events.ERASURE_CERTIFICATE_ISSUED, contract_id=contract.pk)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


def documents_lost_at_close(contract: Contract) -> list[tuple[str, int]]:
    """The stored files kept under the contract's data key, by kind and count: closing makes them
    unreadable, so the close page asks to keep copies of those still needed first."""
    from django.db.models import Count

    from core.files import purpose_label
    from core.models import StoredFile

    rows = (
        StoredFile.objects.filter(
            contract_id=contract.pk, data_key_id=contract.data_key_id, erased_at__isnull=True
        )
        .values_list("purpose")
        .annotate(n=Count("pk"))
        .order_by("purpose")
    )
    return [(str(purpose_label(purpose)), n) for purpose, n in rows]

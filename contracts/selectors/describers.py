"""Titles of contracts, people, subcontracts and work-site changes for the audit trail and the duty
pages (core.describers), many ids per query."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, Person, Subcontract, WorksiteChange


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


def describe_subcontracts(ids: Sequence[str]) -> dict[str, str]:
    """The subcontractor and its tier: "再委託（1次）株式会社北データ" — a duty of each subcontract
    (its approval, its yearly check) says whose it is."""
    rows = Subcontract.objects.filter(pk__in=_pks(ids)).values_list("pk", "depth", "subcontractor__name")
    return {
        str(pk): _("Subcontract (tier %(depth)s) %(org)s") % {"depth": depth, "org": name}
        for pk, depth, name in rows
    }


def describe_worksite_changes(ids: Sequence[str]) -> dict[str, str]:
    """The work-site change by its number on the contract: "作業場所の変更 第2号"."""
    rows = WorksiteChange.objects.filter(pk__in=_pks(ids)).values_list("pk", "number")
    return {str(pk): _("Work-site change No. %(number)s") % {"number": number} for pk, number in rows}


# The pages of the training records that show people's names (contracts.views.training._viewed).
TRAINING_PAGES = {
    "overview": gettext_lazy("Training overview"),
    "plan": gettext_lazy("Training plan"),
    "report": gettext_lazy("Training report"),
    "session": gettext_lazy("Training session"),
    "session_form": gettext_lazy("Recording a training session"),
    "attendance_form": gettext_lazy("Recording attendance"),
}

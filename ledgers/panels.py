"""What the ledgers show on pages they do not own (core.panels): a line on the contract's page
that leads to its ledgers (contracts may not name this app's URLs)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def contract_ledger_links(request, contract) -> tuple[str, str, str]:
    # The contract's page is shown only to those who may see the contract, and everyone who may
    # see it may read its device ledger (a subcontractor its own part of it).
    return (
        _("Device ledger"),
        _("PCs and media used for the work"),
        reverse("ledgers:device_list", args=[contract.pk]),
    )


def contract_information_link(request, contract) -> tuple[str, str, str]:
    # The same readers as the device ledger: whoever sees the contract (a subcontractor its part).
    return (
        # The ledger's own name (情報管理台帳); the clause kind of the same words reads otherwise.
        pgettext("ledger", "Information ledger"),
        _("Information received and its custody"),
        reverse("ledgers:information_list", args=[contract.pk]),
    )


def register() -> None:
    from core.panels import register_slot

    register_slot("contract_detail.links", contract_ledger_links)
    register_slot("contract_detail.links", contract_information_link)

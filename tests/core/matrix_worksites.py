"""Authorisation-matrix rows of the work sites (作業場所): see tests/core/authorisation/__init__.py.

Everyone who reads a contract reads its work sites, changes and applications; only the
contractor's manager drafts, submits and withdraws; the public body decides (checked in
tests/contracts/test_worksites.py, as a row has one POST body).
"""

from __future__ import annotations

from datetime import date

from contracts.models import SecureAreaRulesAcknowledgement, WorksiteChange, WorksiteEntry
from contracts.services import worksites as services

LABELS = ("a", "b")


def extend_world(mw) -> None:
    """Per side: change #1 approved (one site in force, with a storage place and a person) and an
    open draft change #2 that adds a second site."""
    found = {}
    for label in LABELS:
        side = getattr(mw.world, label)
        manager, client = side.contractor_admin, side.client_admin
        contract = mw.contracts[f"contract_{label}"]
        edit = {"actor": manager.user, "actor_membership": manager}
        first = services.worksite_change_open(contract=contract, **edit)
        site = services.worksite_add(
            change=first,
            kind="contractor_office",
            name=f"本社 {label}",
            address="東京都千代田区丸の内一丁目1番1号",
            storage_places=[{"name": "書庫A", "protection": "locked_cabinet"}],
            people=[mw.roster[f"person_{label}"]],
            **edit,
        ).worksite
        first = services.worksite_change_act(change=first, action="submit", **edit)
        if first.needs_approval:  # under notice-only clauses the submission put it in force
            services.worksite_change_act(
                change=first, action="approve", actor=client.user, actor_membership=client
            )
        draft = services.worksite_change_open(contract=contract, **edit)
        drafted = services.worksite_add(
            change=draft,
            kind="data_centre",
            name=f"分室 {label}",
            address="東京都江東区青海二丁目2番2号",
            storage_places=[{"name": "サーバ室", "protection": "access_controlled_room"}],
            **edit,
        ).worksite
        found.update({f"wchange_{label}": draft, f"site_{label}": site, f"wdrafted_{label}": drafted})
    mw.extra["worksites"] = found


def _ws(mw, key):
    return mw.extra["worksites"][key]


WS_CHANGES = {f"wchange_{k}": (lambda mw, k=k: {"pk": _ws(mw, f"wchange_{k}").pk}) for k in LABELS}
WS_SITES = {
    f"site_{k}": (lambda mw, k=k: {"pk": _ws(mw, f"wchange_{k}").pk, "site_pk": _ws(mw, f"site_{k}").pk})
    for k in LABELS
}
WS_DRAFTED = {
    f"wdrafted_{k}": (
        lambda mw, k=k: {"pk": _ws(mw, f"wchange_{k}").pk, "site_pk": _ws(mw, f"wdrafted_{k}").pk}
    )
    for k in LABELS
}


def _entries(mw, label: str) -> list:
    change = _ws(mw, f"wchange_{label[-1]}")
    return sorted(WorksiteEntry.objects.filter(change=change).values_list("worksite_id", "action"))


def _change_state(mw, label: str) -> str:
    return WorksiteChange.objects.values_list("approval_state", flat=True).get(pk=_ws(mw, label).pk)


def _acknowledgements(mw, label: str) -> int:
    return SecureAreaRulesAcknowledgement.objects.filter(contract=mw.contracts[label]).count()


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


def rows(m) -> dict:
    readers = m.CONTRACT_READERS
    editor = m.ROSTER_EDITOR
    # wchange_* is a draft: the contractor's until it is submitted (the body gets 404).
    drafts = m.DRAFT_READERS
    return {
        "contracts:worksites": m.Row(readers.format(a="contract_a", b="contract_b"), targets=m.CONTRACTS),
        "contracts:worksite_change": m.Row(drafts.format(a="wchange_a", b="wchange_b"), targets=WS_CHANGES),
        # The matrix checks who gets the application, not WeasyPrint (test_worksites.py does).
        "contracts:worksite_change_pdf": m.Row(
            drafts.format(a="wchange_a", b="wchange_b"),
            targets=WS_CHANGES,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
        # Opening answers with the change already open (one at a time), so an R changes nothing
        # here: no state snapshot (as roster_change_open). test_worksites.py checks the opening.
        "contracts:worksite_change_open": m.Row(
            editor.format(a="contract_a", b="contract_b", ok="R"), method=m.POST, targets=m.CONTRACTS
        ),
        "contracts:worksite_add": m.Row(
            editor.format(a="wchange_a", b="wchange_b", ok=200), targets=WS_CHANGES
        ),
        "contracts:worksite_edit": m.Row(editor.format(a="site_a", b="site_b", ok=200), targets=WS_SITES),
        "contracts:worksite_remove": m.Row(
            editor.format(a="site_a", b="site_b", ok="R"), method=m.POST, targets=WS_SITES, state=_entries
        ),
        "contracts:worksite_entry_discard": m.Row(
            editor.format(a="wdrafted_a", b="wdrafted_b", ok="R"),
            method=m.POST,
            targets=WS_DRAFTED,
            state=_entries,
        ),
        "contracts:worksite_change_act": m.Row(
            editor.format(a="wchange_a", b="wchange_b", ok="R"),
            method=m.POST,
            targets=WS_CHANGES,
            data=lambda mw, user, label: {"action": "submit"},
            state=_change_state,
        ),
        "contracts:secure_area_rules_acknowledge": m.Row(
            editor.format(a="contract_a", b="contract_b", ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=lambda mw, user, label: {"rules_title": "入退室管理規程", "received_on": date(2025, 4, 10)},
            state=_acknowledgements,
        ),
    }

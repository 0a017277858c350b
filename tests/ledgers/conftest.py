"""A running contract under the shipped 000 clauses for the device ledger's pages: the public body,
its contractor, a roster in force with one approved worker (and one still waiting for approval),
and an office approved as the work site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from contracts.models import Contract, Person, Worksite
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.approvals import ApprovalAction as A
from tests import factories
from tests.contracts.conftest import upload_pledges

TODAY = timezone.localdate()
START = TODAY - timedelta(days=60)
OFFICE_NAME = "本社 開発部"
WORKER_NAME = "台帳 花子"
NEWCOMER_NAME = "未承認 次郎"


def m(membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


@dataclass
class Ledger:
    side: factories.Side
    contract: Contract
    worker: Person
    newcomer: Person
    office: Worksite


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


def build_ledger(label: str = "lv", jp: str = "簿") -> Ledger:
    side = factories.side(label, jp)
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))
    manager, admin = side.contractor_admin, side.client_admin
    contract = contract_create(
        contractor=side.contractor,
        department=side.dept,
        number=f"R8-LEDGER-{label}",
        title="機器台帳確認業務",
        start_date=START,
        end_date=TODAY + timedelta(days=300),
        work_start_date=START + timedelta(days=5),
        clause_template=template,
        handles_personal_info=True,
        **m(admin),
    )
    contract = contract_activate(contract=contract, signed_on=START, **m(admin))
    # The roster: one worker approved (or notified) from early in the contract.
    change = roster_change_open(contract=contract, **m(manager))
    worker = roster_person_add(
        change=change,
        full_name=WORKER_NAME,
        affiliation="開発部",
        start_date=START + timedelta(days=5),
        **m(manager),
    ).person
    upload_pledges(side, change)
    change = roster_change_act(change=change, action=A.SUBMIT, **m(manager))
    if change.needs_approval:
        roster_change_act(
            change=change, action=A.APPROVE, effective_on=START + timedelta(days=3), **m(side.client_staff)
        )
    # A second person, only drafted in the next change (000 asks notice, so a submitted one would
    # be in force): on no roster in force, so not allowed to hold a device.
    pending = roster_change_open(contract=contract, **m(manager))
    newcomer = roster_person_add(
        change=pending, full_name=NEWCOMER_NAME, affiliation="開発部", start_date=TODAY, **m(manager)
    ).person
    # The work site, approved (or notified) early in the contract.
    sites = worksite_change_open(contract=contract, **m(manager))
    office = worksite_add(
        change=sites,
        kind="contractor_office",
        name=OFFICE_NAME,
        address="埼玉県所沢市並木一丁目1番地",
        rooms="3階",
        storage_places=[{"name": "書庫A", "protection": "locked_cabinet", "description": ""}],
        **m(manager),
    ).worksite
    sites = worksite_change_act(change=sites, action=A.SUBMIT, **m(manager))
    if sites.needs_approval:
        worksite_change_act(
            change=sites, action=A.APPROVE, effective_on=START + timedelta(days=3), **m(side.client_staff)
        )
    return Ledger(side=side, contract=contract, worker=worker, newcomer=newcomer, office=office)


@pytest.fixture
def ledger(db) -> Ledger:
    return build_ledger()

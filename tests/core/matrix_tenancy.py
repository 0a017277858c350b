"""Authorisation-matrix cells of tenancy: a contractor and a subcontractor shared by two bodies.

Body a and body b both work with one contractor ("shared") and one subcontractor ("shared
sub"): each body has a contract with the shared contractor (`shared_a`, `shared_b`), on which
the shared contractor submitted a roster and the shared subcontractor holds an approved link.
Seeing a company is not seeing its work for others: every URL that takes a contract gets two
more columns, in which body a's people read `shared_a` as they read their own `contract_a`,
and `shared_b` as they read body b's `contract_b` (404); contractor a's people are no party to
either (their `contract_b` answers). The content of pages (audit log, dashboards, lists) is
checked in tests/core/test_tenancy.py on the same world.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from contracts.models import Contract, Subcontract
from contracts.services import contract_activate, contract_create
from contracts.services import roster as roster_services
from contracts.services import subcontracts as subcontract_services
from core.models import Membership, Organisation, Role
from core.services.organisations import organisation_grant_visibility
from tests import factories
from tests.contracts.conftest import upload_pledges

LABELS = ("a", "b")
SUBCONTRACT_FIELDS = {
    "extent": "part",
    "reason": "繁忙期の要員不足",
    "scope": "データ入力",
    "information_handled": "申請者の氏名",
    "handles_personal_info": True,
    "security_measures": "施錠された作業室",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}


@dataclass
class Shared:
    contractor: Organisation
    sub: Organisation
    admin: Membership
    staff: Membership
    sub_admin: Membership
    sub_staff: Membership
    contracts: dict[str, Contract]
    links: dict[str, Subcontract]


def build_shared(sides: dict, template, *, prefix: str = "shared") -> Shared:
    """The shared contractor and subcontractor, a contract of each body with them, a roster
    submitted by the shared contractor on each, and an approved subcontract on each."""
    contractor = factories.contractor(f"{prefix}共有受注株式会社")
    sub = factories.contractor(f"{prefix}共有再委託株式会社")
    for side in sides.values():
        for org in (contractor, sub):
            organisation_grant_visibility(actor=None, organisation=org, to=side.body)
    # The same name as every side's manager (factories.member's default): only the company
    # tells them apart in the contract form.
    admin = factories.member(contractor, Role.CONTRACTOR_ADMIN, email=f"{prefix}-manager@example.jp")
    staff = factories.member(contractor, Role.CONTRACTOR_STAFF, email=f"{prefix}-worker@example.jp")
    sub_admin = factories.member(sub, Role.CONTRACTOR_ADMIN, email=f"{prefix}-sub-manager@example.jp")
    sub_staff = factories.member(sub, Role.CONTRACTOR_STAFF, email=f"{prefix}-sub-worker@example.jp")
    kwargs = {"actor": admin.user, "actor_membership": admin}
    contracts, links = {}, {}
    for label, side in sides.items():
        client = side.client_admin
        contract = contract_create(
            actor=client.user,
            actor_membership=client,
            contractor=contractor,
            department=side.dept,
            number=f"R7-{prefix.upper()}-{label}",
            title=f"共有受注者の業務 {label}",
            start_date=date(2025, 4, 1),
            end_date=date(2026, 3, 31),
            work_start_date=date(2025, 4, 14),
            clause_template=template,
            handles_personal_info=True,
            contractor_responsible=admin.user,
        )
        contract = contract_activate(
            actor=client.user, actor_membership=client, contract=contract, signed_on=date(2025, 4, 1)
        )
        change = roster_services.roster_change_open(contract=contract, **kwargs)
        roster_services.roster_person_add(
            change=change, full_name=f"共有 {label}", start_date=date(2025, 4, 14), **kwargs
        )
        upload_pledges(SimpleNamespace(contractor_admin=admin), change)
        roster_services.roster_change_act(change=change, action="submit", **kwargs)
        link = subcontract_services.subcontract_create(
            contract=contract,
            subcontractor=sub,
            start_date=contract.start_date,
            end_date=contract.end_date,
            **kwargs,
            **SUBCONTRACT_FIELDS,
        )
        subcontract_services.subcontract_act(subcontract=link, action="submit", **kwargs)
        links[label] = subcontract_services.subcontract_act(
            actor=client.user, actor_membership=client, subcontract=link, action="approve"
        )
        contracts[label] = contract
    return Shared(contractor, sub, admin, staff, sub_admin, sub_staff, contracts, links)


def extend_world(mw) -> None:
    shared = build_shared({label: getattr(mw.world, label) for label in LABELS}, mw.template)
    for label in LABELS:
        mw.contracts[f"shared_{label}"] = shared.contracts[label]
    mw.extra["tenancy"] = shared


SHARED_TARGETS = {f"shared_{k}": (lambda mw, k=k: {"pk": mw.contracts[f"shared_{k}"].pk}) for k in LABELS}
BODY_A = ("anonymous", "site_admin", "client_admin", "client_staff", "auditor")


def _with_shared_columns(m, row):
    cells = row.expectations()
    columns = [*row.targets, *SHARED_TARGETS]
    lines = [f"{'':18}" + " ".join(f"{c:12}" for c in columns)]
    for actor in m.ACTORS:
        codes = [cells[(actor, t)] for t in row.targets]
        # Body a's people read their shared contract as their own; contractor a is no party.
        codes.append(cells[(actor, "contract_a" if actor in BODY_A else "contract_b")])
        codes.append(cells[(actor, "contract_b")])
        lines.append(f"{actor:18}" + " ".join(f"{c:12}" for c in codes))
    return m.Row(
        "\n".join(lines),
        method=row.method,
        targets={**row.targets, **SHARED_TARGETS},
        data=row.data,
        state=row.state,
        patches=row.patches,
    )


def rows(m) -> dict:
    """Every row over the contracts (core's and the feature modules' before this one) gets the
    shared contracts' columns."""
    return {
        name: _with_shared_columns(m, row) for name, row in m.MATRIX.items() if row.targets is m.CONTRACTS
    }

"""Demo contracts: one active contract per seed template, made through the services people use
(contracts/demo.py then adds their rosters, work sites, training and the subcontract).

Nothing here writes to the audit trail itself: every event comes from a service, so a duty shows
履行済み only when what fulfils it was really done. Dated so that the dashboards show every state:
four contracts signed two months ago (work started, some measures confirmed late, others still
overdue) and 川崎市's signed ten days ago, whose work starts in a few days (due soon)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clauses.models import ClauseTemplate
from clauses.services import clause_library_load
from compliance import events
from compliance.models import Duty
from compliance.services.duties import duty_attest
from contracts.models import Contract
from contracts.services import contract_activate, contract_create, contract_record_work_start
from core.models import Membership, Organisation, OrganisationKind, Role

# (template id, public body, contractor, number, title, flags)
DEMO_CONTRACTS = [
    (
        "confidentiality-personal-information",
        "サンプル市（デモ）",
        "デモ事務サービス株式会社",
        "R7-DEMO-000",
        "窓口受付業務委託",
        {"on_premises": True},
    ),
    (
        "nerima-entrusted-information",
        "練馬区",
        "株式会社デモ情報システム",
        "R7-DEMO-001",
        "住民情報システム運用保守業務委託",
        {"subcontracting": True},
    ),
    (
        "tokorozawa-secret-and-personal-information",
        "所沢市",
        "株式会社デモ情報システム",
        "R7-DEMO-002",
        "税務システム改修業務委託",
        {},
    ),
    (
        "kawasaki-personal-information-security",
        "川崎市",
        "デモ事務サービス株式会社",
        "R7-DEMO-003",
        "各種通知書封入封緘業務委託",
        {"on_premises": False},
    ),
    (
        "security-requirements-special-terms",
        "サンプル庁（デモ）",
        "株式会社デモ情報システム",
        "R7-DEMO-004",
        "文書管理システム保守業務",
        {"on_premises": True},
    ),
]


# How long ago each contract was signed (60 days unless named); work starts 14 days after.
SIGNED_DAYS_AGO = {"R7-DEMO-003": 10}
WORK_STARTS_AFTER = timedelta(days=14)


def seed_contracts() -> None:
    if not ClauseTemplate.objects.filter(statutory=False).exists():
        clause_library_load()
    today = timezone.localdate()
    for template_id, body_name, contractor_name, number, title, flags in DEMO_CONTRACTS:
        body = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_BODY, name=body_name).first()
        contractor = Organisation.objects.filter(
            kind=OrganisationKind.CONTRACTOR, name=contractor_name
        ).first()
        template = ClauseTemplate.objects.filter(template_id=template_id).order_by("-loaded_at").first()
        if (
            not (body and contractor and template)
            or Contract.objects.filter(public_body=body, number=number).exists()
        ):
            continue
        admin = Membership.objects.filter(organisation=body, role=Role.CLIENT_ADMIN, is_active=True).first()
        staff = Membership.objects.filter(organisation=body, role=Role.CLIENT_STAFF, is_active=True).first()
        manager = Membership.objects.filter(organisation=contractor, role=Role.CONTRACTOR_ADMIN).first()
        start = today - timedelta(days=SIGNED_DAYS_AGO.get(number, 60))
        contract = contract_create(
            actor=admin.user,
            actor_membership=admin,
            contractor=contractor,
            number=number,
            title=title,
            department=staff.department if staff else None,
            start_date=start,
            end_date=start + timedelta(days=364),
            work_start_date=start + WORK_STARTS_AFTER,
            clause_template=template,
            handles_personal_info=True,
            client_responsible=staff.user if staff else admin.user,
            contractor_responsible=manager.user if manager else None,
            **flags,
        )
        # Signed (and work started) in the past: the services take the day it really happened.
        contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=start)
        if contract.work_start_date <= today:
            contract_record_work_start(
                actor=admin.user,
                actor_membership=admin,
                contract=contract,
                started_on=contract.work_start_date,
            )


def seed_attestations() -> None:
    """The contractor's manager confirms most standing measures (the button on the contract page):
    recorded today, so those due before today count as met late; every third measure stays
    unconfirmed and shows as overdue (or due soon). Runs after the rosters (order 40)."""
    for contract in Contract.objects.filter(number__startswith="R7-DEMO-", status=Contract.Status.ACTIVE):
        attested = Duty.objects.filter(
            contract=contract, state=Duty.State.FULFILLED, evidence_event__kind=events.ATTESTATION_CONFIRMED
        )
        manager = Membership.objects.filter(
            organisation=contract.contractor_id, role=Role.CONTRACTOR_ADMIN, is_active=True
        ).first()
        if manager is None or attested.exists():
            continue  # seeded before: a second run adds nothing
        duties = [
            duty
            for duty in Duty.objects.filter(contract=contract, state=Duty.State.OPEN, cycle=1)
            .select_related("obligation")
            .order_by("obligation__position", "pk")
            if events.ATTESTATION_CONFIRMED in duty.obligation.fulfilled_by
        ]
        for index, duty in enumerate(duties):
            if index % 3 == 2:
                continue
            duty_attest(
                actor=manager.user,
                actor_membership=manager,
                duty=duty,
                statement="社内規程に定め、全従事者に周知のうえ実施している。",
            )

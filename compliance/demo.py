"""Demo contracts: one active contract per seed template, dated so that the dashboards show
upcoming, due-soon, overdue and fulfilled duties."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from compliance.models import ClauseTemplate, Duty
from compliance.services.templates import clause_library_load
from contracts.models import Contract
from contracts.services import contract_activate, contract_create
from core.audit import record_event
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


def seed_contracts() -> None:
    if not ClauseTemplate.objects.filter(statutory=False).exists():
        clause_library_load()
    today = timezone.localdate()
    start = today - timedelta(days=60)
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
        contract = contract_create(
            actor=admin.user,
            actor_membership=admin,
            contractor=contractor,
            number=number,
            title=title,
            department=staff.department if staff else None,
            start_date=start,
            end_date=start + timedelta(days=364),
            work_start_date=start + timedelta(days=14),
            clause_template=template,
            handles_personal_info=True,
            client_responsible=staff.user if staff else admin.user,
            contractor_responsible=manager.user if manager else None,
            **flags,
        )
        contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=start)
        _progress(contract, manager, start, today)


def _progress(contract: Contract, manager: Membership | None, start, today) -> None:
    """Meet some duties on time, leave some overdue, and open a few that fall due this week."""
    actor = manager.user if manager else None
    for kind in ("roster.approved", "responsible_person.designated", "roster.submitted"):
        record_event(
            kind=kind,
            actor=actor,
            contract_id=contract.pk,
            data={"effective_date": (start + timedelta(days=10)).isoformat()},
        )
    attestations = (
        Duty.objects.filter(contract=contract, state=Duty.State.OPEN, obligation__evidence="attestation")
        .select_related("obligation")
        .order_by("pk")
    )
    for index, duty in enumerate(attestations):
        if index % 3 == 2:
            continue  # every third standing measure stays unconfirmed: overdue on the dashboard
        record_event(
            kind="attestation.confirmed",
            actor=actor,
            obj=duty,
            contract_id=contract.pk,
            data={
                "obligation": duty.obligation.key,
                "effective_date": (start + timedelta(days=5)).isoformat(),
            },
        )
    # New people this week: their pledge (where the clauses demand one) falls due within days.
    for person in (1, 2):
        record_event(
            kind="person.added",
            actor=actor,
            object_type="contracts.person",
            object_id=person,
            contract_id=contract.pk,
            data={"effective_date": (today - timedelta(days=1)).isoformat()},
        )

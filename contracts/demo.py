"""Demo rosters for the demo contracts: one approved (or notified), one waiting for approval."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Contract, RosterChange
from contracts.selectors_roster import pledges_required
from contracts.services.pledges import pledge_upload
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.models import Membership, Role

PEOPLE = [
    ("佐藤 一郎", "さとう いちろう", "responsible", "employee", "情報システム部", "課長"),
    ("鈴木 花子", "すずき はなこ", "worker", "employee", "情報システム部", "主任"),
    ("高橋 健", "たかはし けん", "worker", "dispatch", "運用センター", ""),
]
# A stand-in for a signed scan: the demo shows the flow, not a real signature.
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_rosters() -> None:
    for contract in Contract.objects.filter(number__startswith="R7-DEMO-", status=Contract.Status.ACTIVE):
        if RosterChange.objects.filter(contract=contract).exists():
            continue
        manager = (
            Membership.objects.filter(
                organisation=contract.contractor, role=Role.CONTRACTOR_ADMIN, is_active=True
            )
            .select_related("user")
            .first()
        )
        if manager is None:
            continue
        kwargs = {"actor": manager.user, "actor_membership": manager}
        change = roster_change_open(contract=contract, **kwargs)
        for name, kana, role, employment, affiliation, title in PEOPLE:
            person = roster_person_add(
                change=change,
                full_name=name,
                full_name_kana=kana,
                role=role,
                employment=employment,
                affiliation=affiliation,
                job_title=title,
                scope_of_work=contract.title,
                start_date=contract.work_start_date,
                planned_end_date=contract.end_date,
                dispatch_terms_confirmed=employment == "dispatch",
                **kwargs,
            ).person
            if pledges_required(contract):
                pledge_upload(
                    person=person,
                    signed_on=contract.start_date,
                    **kwargs,
                    uploaded=SimpleUploadedFile("誓約書.pdf", DEMO_SCAN, content_type="application/pdf"),
                )
        roster_change_act(change=change, action="submit", **kwargs)
        # 所沢市's roster waits for the demo approver; the others are approved by the body's admin.
        if change.needs_approval and not contract.number.endswith("002"):
            approver = (
                Membership.objects.filter(
                    organisation=contract.public_body, role=Role.CLIENT_ADMIN, is_active=True
                )
                .select_related("user")
                .first()
            )
            roster_change_act(change=change, action="approve", actor=approver.user, actor_membership=approver)


SUB_WORKERS = [
    ("伊藤 美咲", "いとう みさき", "worker", "開発部", "主任"),
    ("渡辺 翔", "わたなべ しょう", "worker", "開発部", ""),
]


def seed_subcontracts() -> None:
    """練馬区's demo contract entrusts part of the work to the demo subcontractor (approved), whose
    two workers are on the roster: the subcontractor's login sees them and nobody else."""
    from contracts.models import Subcontract
    from contracts.services.subcontracts import subcontract_act, subcontract_create
    from core.models import Organisation

    contract = Contract.objects.filter(number="R7-DEMO-001", status=Contract.Status.ACTIVE).first()
    sub = Organisation.objects.filter(name="デモ再委託株式会社（再委託先）").first()
    if contract is None or sub is None or Subcontract.objects.filter(contract=contract).exists():
        return
    manager = Membership.objects.filter(
        organisation=contract.contractor, role=Role.CONTRACTOR_ADMIN, is_active=True
    ).first()
    approver = Membership.objects.filter(
        organisation=contract.public_body, role=Role.CLIENT_ADMIN, is_active=True
    ).first()
    if manager is None or approver is None:
        return
    kwargs = {"actor": manager.user, "actor_membership": manager}
    link = subcontract_create(
        contract=contract,
        subcontractor=sub,
        reason="繁忙期のデータ入力作業に要員が不足するため",
        scope="申請書のデータ入力及び入力結果の照合",
        information_handled="申請者の氏名、住所、連絡先（個人情報）",
        handles_personal_info=True,
        security_measures="プライバシーマーク取得。作業は再委託先の施錠された作業室のみで行い、私物端末の持込みを禁止する。",
        supervision="月次の作業報告と、受託者による四半期ごとの立入確認",
        start_date=contract.work_start_date,
        end_date=contract.end_date,
        precheck_confirmed=True,
        equivalent_terms=True,
        **kwargs,
    )
    subcontract_act(subcontract=link, action="submit", **kwargs)
    subcontract_act(subcontract=link, action="approve", actor=approver.user, actor_membership=approver)
    change = roster_change_open(contract=contract, **kwargs)
    for name, kana, role, affiliation, title in SUB_WORKERS:
        roster_person_add(
            change=change,
            full_name=name,
            full_name_kana=kana,
            role=role,
            employer=sub,
            employment="subcontractor",
            affiliation=affiliation,
            job_title=title,
            scope_of_work=link.scope,
            start_date=contract.work_start_date,
            planned_end_date=contract.end_date,
            **kwargs,
        )
    roster_change_act(change=change, action="submit", **kwargs)
    if change.needs_approval:
        roster_change_act(change=change, action="approve", actor=approver.user, actor_membership=approver)

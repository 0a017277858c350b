"""Demo rosters, work sites, training and the subcontract of the demo contracts, made through the
services the views call, as the people who would do it (the contractor's manager drafts and
submits, the public body's approver decides).

What was agreed before the portal knew of it is recorded with the services' own dates: a roster
notified or approved with effect from a past day (`effective_on`), a pledge's signing day, a
training session's day. So "the roster of a past date" shows people, and a duty shows 履行済み only
when what fulfils it was done. Each seeder leaves a contract alone once it has its records, so
running `seed_demo` again adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.models import (
    Contract,
    Person,
    RosterChange,
    Subcontract,
    TrainingPlan,
    TrainingSession,
    WorksiteChange,
    WorksiteKind,
)
from contracts.selectors.roster import pledges_required, roster_in_force
from contracts.services.pledges import pledge_upload
from contracts.services.roster import (
    roster_change_act,
    roster_change_open,
    roster_entry_change,
    roster_person_add,
)
from contracts.services.subcontracts import subcontract_act, subcontract_create
from contracts.services.training import (
    training_plan_act,
    training_plan_create,
    training_report_act,
    training_report_create,
    training_session_record,
)
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.models import Membership, Organisation, Role

PEOPLE = [
    ("佐藤 一郎", "さとう いちろう", "responsible", "employee", "情報システム部", "課長"),
    ("鈴木 花子", "すずき はなこ", "worker", "employee", "情報システム部", "主任"),
    ("高橋 健", "たかはし けん", "worker", "dispatch", "運用センター", ""),
]
# 所沢市's second change: a newcomer from next week, waiting for the approver (README).
NEWCOMER = ("田中 美穂", "たなか みほ", "worker", "employee", "情報システム部", "")
# A stand-in for a signed scan: the demo shows the flow, not a real signature.
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _member(organisation_id: int, role: str) -> Membership | None:
    return (
        Membership.objects.filter(organisation_id=organisation_id, role=role, is_active=True)
        .select_related("user", "department")
        .order_by("pk")
        .first()
    )


def _approver(contract: Contract) -> Membership | None:
    """The body's approver (its staff member, in the contract's department), else its administrator."""
    return _member(contract.public_body_id, Role.CLIENT_STAFF) or _member(
        contract.public_body_id, Role.CLIENT_ADMIN
    )


def _as(membership: Membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


def roster_day(contract: Contract) -> date:
    """The day the first roster took effect: a week after signing (before work started)."""
    return min(contract.start_date + timedelta(days=7), timezone.localdate())


def _pledge(manager: Membership, person: Person, signed_on: date) -> None:
    pledge_upload(
        person=person,
        signed_on=signed_on,
        uploaded=SimpleUploadedFile("誓約書.pdf", DEMO_SCAN, content_type="application/pdf"),
        **_as(manager),
    )


def _add(manager: Membership, change: RosterChange, contract: Contract, spec, start: date) -> Person:
    name, kana, role, employment, affiliation, title = spec
    person = roster_person_add(
        change=change,
        full_name=name,
        full_name_kana=kana,
        role=role,
        employment=employment,
        affiliation=affiliation,
        job_title=title,
        scope_of_work=contract.title,
        start_date=start,
        planned_end_date=contract.end_date,
        dispatch_terms_confirmed=employment == "dispatch",
        **_as(manager),
    ).person
    if pledges_required(contract):
        # These clauses want everyone's signed pledge before the roster is accepted.
        _pledge(manager, person, signed_on=min(contract.start_date + timedelta(days=5), timezone.localdate()))
    return person


def _submit(manager: Membership, approver: Membership | None, change: RosterChange, on: date | None) -> None:
    """Notify the change, or submit it and have the approver approve it, with effect from `on`."""
    if not change.needs_approval:
        roster_change_act(change=change, action="submit", effective_on=on, **_as(manager))
        return
    roster_change_act(change=change, action="submit", **_as(manager))
    if approver is not None and on is not None:
        roster_change_act(change=change, action="approve", effective_on=on, **_as(approver))


def seed_rosters() -> None:
    today = timezone.localdate()
    for contract in Contract.objects.filter(number__startswith="R7-DEMO-", status=Contract.Status.ACTIVE):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        if manager is None or RosterChange.objects.filter(contract=contract).exists():
            continue
        approver = _approver(contract)
        change = roster_change_open(contract=contract, **_as(manager))
        for spec in PEOPLE:
            _add(manager, change, contract, spec, contract.work_start_date)
        _submit(manager, approver, change, roster_day(contract))
        if contract.number.endswith("002"):
            # 所沢市 approves in advance: a newcomer's change waits for the demo approver.
            change = roster_change_open(contract=contract, **_as(manager))
            _add(manager, change, contract, NEWCOMER, today + timedelta(days=7))
            roster_change_act(change=change, action="submit", **_as(manager))
        elif contract.number.endswith("000") and contract.start_date + timedelta(days=40) < today:
            # サンプル市: the dispatch worker left three weeks ago; the roster of an earlier day
            # still shows them, today's does not.
            left_on = today - timedelta(days=21)
            change = roster_change_open(contract=contract, **_as(manager))
            dispatched = Person.objects.get(
                contract=contract, employment="dispatch", entries__change__number=1
            )
            roster_entry_change(
                change=change, person=dispatched, remove=True, planned_end_date=left_on, **_as(manager)
            )
            _submit(manager, approver, change, left_on)


def seed_worksites() -> None:
    """所沢市 approves work sites in advance (002 §5): the contractor's office, approved with effect
    from the roster's day, with its storage place and the people who work there."""
    for contract in Contract.objects.filter(number="R7-DEMO-002", status=Contract.Status.ACTIVE):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        approver = _approver(contract)
        if manager is None or approver is None or WorksiteChange.objects.filter(contract=contract).exists():
            continue
        on = roster_day(contract)
        people = [entry.person for entry in roster_in_force(contract, on)]
        change = worksite_change_open(contract=contract, **_as(manager))
        worksite_add(
            change=change,
            kind=WorksiteKind.CONTRACTOR_OFFICE,
            name="本社 開発センター",
            address="東京都千代田区丸の内一丁目1番1号 デモビル5階",
            rooms="第2開発室（入退室管理あり）",
            notes="作業は施錠された開発室内の専用端末のみで行う。",
            storage_places=[
                {"name": "開発室内 施錠キャビネット", "protection": "locked_cabinet", "description": ""}
            ],
            people=people,
            **_as(manager),
        )
        worksite_change_act(change=change, action="submit", **_as(manager))
        worksite_change_act(change=change, action="approve", effective_on=on, **_as(approver))


def seed_training() -> None:
    """Training where the clauses ask for it: サンプル庁's plan approved (004 §3.4), and a session
    held before work started on 練馬区's and サンプル庁's contracts, with 練馬区's report submitted
    (001 §9) and waiting for its acceptance."""
    today = timezone.localdate()
    for contract in Contract.objects.filter(
        number__in=["R7-DEMO-001", "R7-DEMO-004"], status=Contract.Status.ACTIVE
    ):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        approver = _approver(contract)
        held_on = contract.start_date + timedelta(days=10)
        if (
            manager is None
            or approver is None
            or held_on > today
            or TrainingSession.objects.filter(contract=contract).exists()
            or TrainingPlan.objects.filter(contract=contract).exists()
        ):
            continue
        if contract.number.endswith("004"):
            plan = training_plan_create(
                contract=contract,
                period_start=contract.start_date,
                period_end=contract.end_date,
                content="全従事者に対し、特記事項、個人情報保護及び情報セキュリティの研修を作業開始前と半年ごとに行う。",
                planned_sessions="作業開始前（集合研修）、半年後（eラーニング）",
                **_as(manager),
            )
            training_plan_act(plan=plan, action="submit", **_as(manager))
            training_plan_act(plan=plan, action="approve", **_as(approver))
        training_session_record(
            contract=contract,
            held_on=held_on,
            topic="特記事項と個人情報の取扱い",
            content="契約の特記事項、個人情報の持出し禁止、事故時の報告手順",
            given_by=manager.user.get_full_name() or manager.user.email,
            attendees=[entry.person for entry in roster_in_force(contract, held_on)],
            **_as(manager),
        )
        if contract.number.endswith("001"):
            report = training_report_create(
                contract=contract,
                period_start=contract.start_date,
                period_end=held_on,
                summary="作業開始前の研修を実施し、名簿の全員が受講した。",
                **_as(manager),
            )
            training_report_act(report=report, action="submit", **_as(manager))


SUB_WORKERS = [
    ("伊藤 美咲", "いとう みさき", "worker", "開発部", "主任"),
    ("渡辺 翔", "わたなべ しょう", "worker", "開発部", ""),
]


def seed_subcontracts() -> None:
    """練馬区's demo contract entrusts part of the work to the demo subcontractor (approved today,
    so it works from today), whose two workers are on the roster: the subcontractor's login sees
    them and nobody else."""
    contract = Contract.objects.filter(number="R7-DEMO-001", status=Contract.Status.ACTIVE).first()
    sub = Organisation.objects.filter(name="デモ再委託株式会社（再委託先）").first()
    if contract is None or sub is None or Subcontract.objects.filter(contract=contract).exists():
        return
    manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
    approver = _approver(contract)
    if manager is None or approver is None:
        return
    kwargs = _as(manager)
    start = max(timezone.localdate(), contract.work_start_date)
    link = subcontract_create(
        contract=contract,
        subcontractor=sub,
        extent=Subcontract.Extent.PART,
        reason="繁忙期のデータ入力作業に要員が不足するため",
        scope="申請書のデータ入力及び入力結果の照合",
        information_handled="申請者の氏名、住所、連絡先（個人情報）",
        handles_personal_info=True,
        security_measures="プライバシーマーク取得。作業は再委託先の施錠された作業室のみで行い、私物端末の持込みを禁止する。",
        supervision="月次の作業報告と、受託者による四半期ごとの立入確認",
        start_date=start,
        end_date=contract.end_date,
        precheck_confirmed=True,
        equivalent_terms=True,
        **kwargs,
    )
    subcontract_act(subcontract=link, action="submit", **kwargs)
    subcontract_act(subcontract=link, action="approve", **_as(approver))
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
            start_date=start,
            planned_end_date=contract.end_date,
            **kwargs,
        )
    # Notified today (練馬区 asks notice, not prior approval): in force from now.
    _submit(manager, approver, change, None)

"""Demo entries of the device ledger, made through the services the pages call, as the
contractor's manager would enter them (design.md: demo data through the same services).

所沢市's contract (R7-DEMO-002) has its office approved from the roster's day: its PCs and a USB
memory are entered with effect from the day work started, held by people approved to work then.
One PC is kept current (a later entry records today's pattern file); the other's pattern is older
than the allowed age, so the ledger shows its warning (and the daily sweep reports it). Running
`seed_demo` again adds nothing to a contract that has devices.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from contracts.demo import _as, _member, roster_day
from contracts.models import Contract, PersonRole
from contracts.selectors.roster import people_on
from contracts.selectors.worksites import sites_in_force
from core.models import Role
from ledgers.models import Device, InformationItem, Inspection
from ledgers.services.devices import device_register, device_update
from ledgers.services.information import custody_record, information_receive
from ledgers.services.inspections import finding_correct, inspection_record
from ledgers.services.requests import request_act, request_create
from ledgers.services.takeouts import takeout_request_act, takeout_request_create


def seed_devices() -> None:
    today = timezone.localdate()
    for contract in Contract.objects.filter(number="R7-DEMO-002", status=Contract.Status.ACTIVE):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        if manager is None or Device.objects.filter(contract=contract).exists():
            continue
        # Entered on the day work started (the people's own start), or today before it.
        on = min(today, max(roster_day(contract), contract.work_start_date))
        sites = list(sites_in_force(contract, on))
        people = [e.person for e in people_on(contract, on).order_by("role", "person_id")]
        if not sites or not people:
            continue
        site = sites[0]
        place = site.storage_places.all()[0].name if site.storage_places.all() else ""
        workers = [p for p in people if p.entries.filter(role=PersonRole.WORKER).exists()] or people
        pc = {
            "kind": "pc",
            "owner": "company",
            "disk_encrypted": True,
            "antivirus_product": "ESET Endpoint Security",
            "no_unapproved_software": True,
            "no_generative_ai": True,
            "worksite": site.worksite,
            "storage_place": place,
            "effective_on": on,
            **_as(manager),
        }
        first = device_register(
            contract=contract,
            asset_number="PC-2025-001",
            maker="富士通",
            model_name="LIFEBOOK U9413",
            serial_number="R3X00123",
            holder=workers[0],
            antivirus_pattern_date=on,
            patched_on=on,
            **pc,
        )
        if today > on:
            # Kept current since: a later entry records today's pattern file and updates.
            device_update(
                device=first.device,
                antivirus_pattern_date=today,
                patched_on=today - timedelta(days=min(7, (today - on).days)),
                note="パターンファイルとOSの更新を適用",
                **_as(manager),
            )
        device_register(
            contract=contract,
            asset_number="PC-2025-002",
            maker="NEC",
            model_name="VersaPro VKT16",
            serial_number="9Z004567",
            holder=workers[-1],
            # Not renewed since it was entered: older than the allowed age, so it shows a warning.
            antivirus_pattern_date=on - timedelta(days=40),
            patched_on=on,
            **pc,
        )
        device_register(
            contract=contract,
            asset_number="USB-2025-001",
            kind="usb_memory",
            maker="アイ・オー・データ",
            model_name="ED-E4 (暗号化USBメモリ)",
            serial_number="ED4-778812",
            capacity="32GB",
            owner="company",
            disk_encrypted=True,
            holder=workers[0],
            worksite=site.worksite,
            storage_place=place,
            effective_on=on,
            **_as(manager),
        )


def seed_information() -> None:
    """所沢市's contract receives two items of the city's information on the day work started (the
    receiving person approved then), one is used since, and a take-out of it to the city hall is
    requested for tomorrow and the other's disposal applied for, both waiting for the approver —
    so each role finds something on the information ledger and on the approver's list."""
    from datetime import datetime, time

    now = timezone.now()
    for contract in Contract.objects.filter(number="R7-DEMO-002", status=Contract.Status.ACTIVE):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        if manager is None or InformationItem.objects.filter(contract=contract).exists():
            continue
        on = min(timezone.localdate(), max(roster_day(contract), contract.work_start_date))
        sites = list(sites_in_force(contract, on))
        people = [e.person for e in people_on(contract, on).order_by("role", "person_id")]
        if not sites or not people:
            continue
        site, receiver = sites[0], people[0]
        place = site.storage_places.all()[0].name if site.storage_places.all() else ""
        received_at = timezone.make_aware(datetime.combine(on, time(10, 0)))
        common = {
            "person": receiver,
            "counterpart": "所沢市 市民税課 担当者",
            "worksite": site.worksite,
            "storage_place": place,
            "users": people,
            "occurred_at": min(received_at, now),
            **_as(manager),
        }
        first = information_receive(
            contract=contract,
            title="市民税課税データ（改修検証用の抽出分）",
            source="所沢市 市民税課",
            record_count=1200,
            classification="personal",
            medium="paper",
            **common,
        )
        second = information_receive(
            contract=contract,
            title="システム設計書（秘密情報）",
            source="所沢市 情報システム課",
            classification="secret",
            medium="paper",
            **common,
        )
        if now - timedelta(hours=1) > first.occurred_at:
            custody_record(
                item=first.item,
                kind="used",
                person=receiver,
                occurred_at=now - timedelta(hours=1),
                note="検証データの確認",
                **_as(manager),
            )
        tomorrow = timezone.make_aware(
            datetime.combine(timezone.localdate() + timedelta(days=1), time(13, 0))
        )
        request = takeout_request_create(
            contract=contract,
            items=[first.item],
            person=receiver,
            purpose="市民税課との検証結果の確認打合せ",
            destination="所沢市役所 市民税課 会議室",
            planned_out_at=tomorrow,
            planned_return_at=tomorrow + timedelta(hours=3),
            protection="施錠できるケースに入れて運搬し、移動中は手元から離さない",
            **_as(manager),
        )
        takeout_request_act(request=request, action="submit", **_as(manager))
        # The design document is no longer needed: its disposal is applied for, and the public
        # body's approver finds the application beside the take-out.
        disposal = request_create(
            contract=contract,
            kind="disposal",
            items=[second.item],
            method="dissolve",
            purpose="設計レビューの終了により保管の必要がなくなったため",
            planned_on=timezone.localdate() + timedelta(days=7),
            **_as(manager),
        )
        request_act(request=disposal, action="submit", **_as(manager))


def seed_inspections() -> None:
    """所沢市's contract has one inspection by the contractor (002 §10(2)): a fortnight ago, or on
    the day work started if that is later, storage, backup and restore in order, one finding in
    the accuracy of the data, corrected three days later (or today) — dated on the days they
    happened, so the periodic duty shows as met and the finding's duty as met on time."""
    today = timezone.localdate()
    for contract in Contract.objects.filter(number="R7-DEMO-002", status=Contract.Status.ACTIVE):
        manager = _member(contract.contractor_id, Role.CONTRACTOR_ADMIN)
        if manager is None or Inspection.objects.filter(contract=contract).exists():
            continue
        start = min(today, max(roster_day(contract), contract.work_start_date))
        inspected_on = max(start, today - timedelta(days=14))
        corrected_on = min(today, inspected_on + timedelta(days=3))
        inspectors = [e.person for e in people_on(contract, inspected_on).order_by("role", "person_id")]
        correctors = {e.person_id for e in people_on(contract, corrected_on)}
        if not inspectors or inspectors[0].pk not in correctors:
            continue
        inspector = inspectors[0]
        inspection = inspection_record(
            contract=contract,
            inspected_on=inspected_on,
            inspector=inspector,
            storage_result="ok",
            storage_note="書庫の施錠と鍵の管理を確認した",
            accuracy_result="finding",
            backup_result="ok",
            restore_result="ok",
            restore_note="検証環境へ復元し、件数を照合した",
            items=InformationItem.objects.filter(contract=contract, organisation_id=contract.contractor_id),
            findings=[
                {
                    "found_in": "accuracy",
                    "what": "管理台帳の記録件数と、保管している抽出データの件数が一致しない",
                    "action": "市民税課に件数を確認し、台帳の記載を訂正する",
                    "due_date": inspected_on + timedelta(days=7),
                }
            ],
            **_as(manager),
        )
        finding_correct(
            finding=inspection.findings.get(number=1),
            corrected_on=corrected_on,
            corrected_by=inspector,
            note="市民税課に確認し、抽出時の条件差によるものと分かったため台帳の件数を訂正した",
            **_as(manager),
        )

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

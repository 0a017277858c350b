"""The common scenario of tests/compliance/expected/README.md, built through the services as the
people who would do it: the public body registers and activates the contract, the contractor's
manager declares the roster, the work site and the subcontract, uploads pledges and records
training, the public body's administrator approves where the clauses ask approval.

What was agreed before it reached the portal is recorded with the services' own dates (a roster
or work site in force from a past day, a pledge's signing day, a training session's day), as
contracts/demo.py does. A step a service refuses is not worked around: it is kept in `refused`
with the service's reason, and the steps that depend on it are skipped (the report says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clauses.models import ClauseTemplate
from contracts.models import Contract, Employment, Person, PersonRole, RosterChange, Subcontract, WorksiteKind
from contracts.selectors.roster import pledges_required
from contracts.services import contract_activate, contract_create, contract_record_work_start
from contracts.services.pledges import pledge_upload
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.subcontracts import subcontract_act, subcontract_create
from contracts.services.training import training_session_record
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.models import Membership
from tests import factories

# The people the tables name (their `per` lists): name, kana, role, employment.
OWN_PEOPLE = [
    ("田中一郎", "たなかいちろう", PersonRole.RESPONSIBLE, Employment.EMPLOYEE),
    ("佐藤花子", "さとうはなこ", PersonRole.WORKER, Employment.EMPLOYEE),
    ("鈴木次郎", "すずきじろう", PersonRole.WORKER, Employment.DISPATCH),
]
SUB_WORKER = ("高橋三郎", "たかはしさぶろう", PersonRole.WORKER, Employment.SUBCONTRACTOR)
# The first-tier subcontract, whatever a table calls it (再委託先（1次）, 下請負者（1次）…).
SUBCONTRACT = "subcontract (1st tier)"
WORKSITE = "work site"
WORKSITE_CHANGE = "work-site change"

SUB_START = date(2026, 5, 7)
# The roster and the work site are in force from the business day before the work start, the
# subcontractor's worker from the business day before his own start (2026-05-04..06 are holidays).
ROSTER_ON = date(2026, 4, 14)
SUB_ROSTER_ON = date(2026, 5, 1)
SIGNED_ON, SUB_SIGNED_ON = date(2026, 4, 10), date(2026, 4, 30)
# A stand-in for a signed scan: the scenario needs the upload, not a real signature.
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Scenario:
    contract: Contract
    template: ClauseTemplate
    refused: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)

    def step(self, name: str, run: Callable[[], object], *, needs: tuple[str, ...] = ()) -> bool:
        """Run one step of the scenario; a refusal is recorded with the service's words."""
        missing = [n for n in needs if n in self.failed]
        if missing:
            self.skipped.append(f"{name} (needs {', '.join(missing)})")
            self.failed.add(name)
            return False
        try:
            run()
        except ValidationError as exc:
            self.refused.append(f"{name}: {'; '.join(exc.messages)}")
            self.failed.add(name)
            return False
        return True

    def subject_label(self, subject: str) -> str:
        """The table's word for an engine subject ("contracts.person:12" → 田中一郎)."""
        object_type, _, object_id = subject.partition(":")
        if object_type == "contracts.person":
            person = Person.objects.filter(pk=object_id, contract=self.contract).first()
            return person.full_name if person else subject
        if object_type == "contracts.subcontract":
            depth = Subcontract.objects.filter(pk=object_id).values_list("depth", flat=True).first()
            return SUBCONTRACT if depth == 1 else subject
        if object_type == "contracts.worksite":
            return WORKSITE
        if object_type == "contracts.worksitechange":
            return WORKSITE_CHANGE
        return subject


def _as(membership: Membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


def _pledge(manager: Membership, person: Person, signed_on: date) -> None:
    upload = SimpleUploadedFile("誓約書.pdf", SCAN, content_type="application/pdf")
    pledge_upload(person=person, signed_on=signed_on, uploaded=upload, **_as(manager))


def _roster(
    manager: Membership,
    approver: Membership,
    contract: Contract,
    people,
    *,
    start: date,
    on: date,
    employer=None,
) -> RosterChange:
    """Declare `people` starting `start` in one change, with their pledges where the clauses want
    them before the roster is accepted, and put it in force from `on` (notice, or approval)."""
    change = roster_change_open(contract=contract, **_as(manager))
    for name, kana, role, employment in people:
        person = roster_person_add(
            change=change,
            full_name=name,
            full_name_kana=kana,
            role=role,
            employment=employment,
            employer=employer,
            affiliation="開発部",
            scope_of_work=contract.title,
            start_date=start,
            planned_end_date=contract.end_date,
            dispatch_terms_confirmed=employment == Employment.DISPATCH,
            **_as(manager),
        ).person
        if pledges_required(contract):
            _pledge(manager, person, SIGNED_ON if start < SUB_START else SUB_SIGNED_ON)
    change.refresh_from_db()
    if not change.needs_approval:
        roster_change_act(change=change, action="submit", effective_on=on, **_as(manager))
    else:
        roster_change_act(change=change, action="submit", **_as(manager))
        roster_change_act(change=change, action="approve", effective_on=on, **_as(approver))
    return change


def _worksite(manager: Membership, approver: Membership, contract: Contract) -> None:
    """The one work site of the scenario: the contractor's office, or the public body's premises
    where the scenario says so (003, 004), in force from the roster's day."""
    on_premises = contract.on_premises
    change = worksite_change_open(contract=contract, **_as(manager))
    worksite_add(
        change=change,
        kind=WorksiteKind.PUBLIC_BODY_PREMISES if on_premises else WorksiteKind.CONTRACTOR_OFFICE,
        name="庁舎内作業室" if on_premises else "本社 開発室",
        address="東京都千代田区丸の内一丁目1番1号",
        rooms="作業室（入退室管理あり）",
        storage_places=[
            {"name": "作業室内 施錠キャビネット", "protection": "locked_cabinet", "description": ""}
        ],
        people=list(Person.objects.filter(contract=contract)),
        **_as(manager),
    )
    # As the roster's: notified in force from that day where the clauses ask no approval.
    if not change.needs_approval:
        worksite_change_act(change=change, action="submit", effective_on=ROSTER_ON, **_as(manager))
        return
    worksite_change_act(change=change, action="submit", **_as(manager))
    worksite_change_act(change=change, action="approve", effective_on=ROSTER_ON, **_as(approver))


def _subcontract(manager: Membership, approver: Membership, contract: Contract, sub) -> Subcontract:
    link = subcontract_create(
        contract=contract,
        subcontractor=sub,
        extent=Subcontract.Extent.PART,
        reason="繁忙期のデータ入力作業に要員が不足するため",
        scope="申請書のデータ入力及び入力結果の照合",
        information_handled="申請者の氏名、住所、連絡先（個人情報）",
        handles_personal_info=True,
        security_measures="作業は再委託先の施錠された作業室のみで行い、私物端末の持込みを禁止する。",
        supervision="月次の作業報告と、受注者による立入確認",
        start_date=SUB_START,
        end_date=contract.end_date,
        precheck_confirmed=True,
        equivalent_terms=True,
        **_as(manager),
    )
    subcontract_act(subcontract=link, action="submit", **_as(manager))
    subcontract_act(subcontract=link, action="approve", **_as(approver))
    return link


def _training(manager: Membership, contract: Contract, held_on: date, names: list[str]) -> None:
    training_session_record(
        contract=contract,
        held_on=held_on,
        topic="特記事項と個人情報の取扱い",
        content="特記事項の遵守事項、関係法令の罰則及び民事上の責任、事故時の報告手順",
        given_by="田中一郎",
        attendees=[p for p in Person.objects.filter(contract=contract) if p.full_name in names],
        **_as(manager),
    )


def build(seed: str, template: ClauseTemplate, scenario: dict) -> Scenario:
    """The scenario contract of `seed` under `template`, with its events recorded in their order."""
    side = factories.side(f"fidsub{seed}", f"精副{seed}")
    body_admin, manager = side.client_admin, side.contractor_admin
    sub = factories.contractor(f"精副{seed}再委託株式会社", invited_by=side.body)
    contract = contract_create(
        contractor=side.contractor,
        number=f"R8-FIDELITY-SUB-{seed}",
        title="忠実度確認業務",
        start_date=scenario["signed_on"],
        end_date=scenario["end_date"],
        work_start_date=scenario["work_start"],
        clause_template=template,
        handles_personal_info=scenario["personal_info"],
        handles_my_number=scenario["my_number"],
        on_premises=scenario["on_premises"],
        subcontracting=scenario["subcontracting"],
        **_as(body_admin),
    )
    contract_activate(contract=contract, signed_on=scenario["signed_on"], **_as(body_admin))
    contract.refresh_from_db()
    built = Scenario(contract=contract, template=template)
    work_start = scenario["work_start"]
    built.step(
        "roster (responsible person and workers)",
        lambda: _roster(manager, body_admin, contract, OWN_PEOPLE, start=work_start, on=ROSTER_ON),
    )
    built.step(
        "work site",
        lambda: _worksite(manager, body_admin, contract),
        needs=("roster (responsible person and workers)",),
    )
    built.step(
        "training before the work start",
        lambda: _training(manager, contract, ROSTER_ON, [p[0] for p in OWN_PEOPLE]),
        needs=("roster (responsible person and workers)",),
    )
    built.step(
        "work start recorded",
        lambda: contract_record_work_start(contract=contract, started_on=work_start, **_as(body_admin)),
    )
    built.step("subcontract applied and approved", lambda: _subcontract(manager, body_admin, contract, sub))
    built.step(
        "subcontractor's worker on the roster",
        lambda: _roster(
            manager, body_admin, contract, [SUB_WORKER], start=SUB_START, on=SUB_ROSTER_ON, employer=sub
        ),
        needs=("subcontract applied and approved",),
    )
    built.step(
        "training of the subcontractor's worker",
        lambda: _training(manager, contract, SUB_ROSTER_ON, [SUB_WORKER[0]]),
        needs=("subcontractor's worker on the roster",),
    )
    return built

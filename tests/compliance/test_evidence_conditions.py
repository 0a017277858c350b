"""Evidence that really meets the duty: an obligation's evidence_conditions are checked against
the roster when the fulfilling event arrives (001 §6 a 管理責任者, §7 所属 and 従事期間, 004 §3.2
情報セキュリティ責任者 and 管理責任者); a duty whose evidence falls short stays open and its page
says what is missing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses import api as clauses_api
from clauses.library import EVIDENCE_CONDITIONS, LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.models import PersonRole, RosterEntry
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from core.models import Event
from tests import factories
from tests.contracts.conftest import upload_pledges

TODAY = timezone.localdate()
START = TODAY - timedelta(days=30)
END = TODAY + timedelta(days=330)


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def side(db):
    return factories.side("q", "癸")


def _contract(side, prefix: str):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(f"{prefix}-*.yaml")))
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number=f"R7-COND-{prefix}",
        title="条件確認業務",
        start_date=START,
        end_date=END,
        work_start_date=START + timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
    )
    return contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=START)


def _submit(side, contract, people: list[tuple[str, str, dict]], *, before_submit=None):
    """Submit a roster change adding `people` (name, role, further entry fields)."""
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    for name, role, extra in people:
        entry = {
            "role": role,
            "affiliation": "情報システム部",
            "start_date": START + timedelta(days=10),
            "planned_end_date": END,
            **extra,
        }
        roster_person_add(
            actor=manager.user, actor_membership=manager, change=change, full_name=name, **entry
        )
    upload_pledges(side, change)
    if before_submit is not None:
        before_submit(change)
    change = roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    if change.needs_approval:
        staff = side.client_staff
        change = roster_change_act(actor=staff.user, actor_membership=staff, change=change, action=A.APPROVE)
    return change


def _duty(contract, key: str) -> Duty:
    return Duty.objects.get(contract=contract, obligation__key=key)


def test_every_condition_of_the_vocabulary_has_a_checker():
    # A condition nobody checks would hold every duty that names it open for ever.
    for name in EVIDENCE_CONDITIONS:
        assert name in clauses_api._condition_checkers, name


def test_001_6_roster_without_responsible_person_does_not_meet_it(side):
    contract = _contract(side, "001")
    _submit(side, contract, [("従事 一郎", PersonRole.WORKER, {})])
    assert Event.objects.filter(contract_id=contract.pk, kind="roster.submitted").exists()
    duty = _duty(contract, "6-responsible-person")
    assert duty.state == Duty.State.OPEN
    assert clauses_api.unmet_conditions(contract, duty.obligation.evidence_conditions) == [
        "名簿に責任者が記載されていません。"
    ]
    # §7 asks only for the fields, which this roster has: met by the same submission.
    assert _duty(contract, "7-roster").state == Duty.State.FULFILLED


def test_001_6_roster_with_responsible_person_meets_it(side):
    contract = _contract(side, "001")
    _submit(
        side,
        contract,
        [("管理 花子", PersonRole.RESPONSIBLE, {}), ("従事 一郎", PersonRole.WORKER, {})],
    )
    duty = _duty(contract, "6-responsible-person")
    assert duty.state == Duty.State.FULFILLED
    assert duty.evidence_event.kind == "roster.submitted"


def test_001_6_a_later_change_naming_the_responsible_person_meets_it(side):
    contract = _contract(side, "001")
    _submit(side, contract, [("従事 一郎", PersonRole.WORKER, {})])
    assert _duty(contract, "6-responsible-person").state == Duty.State.OPEN
    _submit(side, contract, [("管理 花子", PersonRole.RESPONSIBLE, {})])
    assert _duty(contract, "6-responsible-person").state == Duty.State.FULFILLED


def test_001_7_roster_lacking_an_affiliation_does_not_meet_it(side):
    contract = _contract(side, "001")

    def blank_affiliation(change):
        # The form and the service refuse it now; a line drafted before the clauses asked may lack it.
        RosterEntry.objects.filter(change=change, role=PersonRole.WORKER).update(affiliation="")

    _submit(
        side,
        contract,
        [("管理 花子", PersonRole.RESPONSIBLE, {}), ("従事 一郎", PersonRole.WORKER, {})],
        before_submit=blank_affiliation,
    )
    # One duty per person put on the roster (001 §7 asks it of every worker's line); a roster with
    # a line lacking its affiliation meets none of them, and says what is missing.
    duties = list(
        Duty.objects.filter(contract=contract, obligation__key="7-roster").select_related("obligation")
    )
    assert len(duties) == 2 and {d.state for d in duties} == {Duty.State.OPEN}
    assert clauses_api.unmet_conditions(contract, duties[0].obligation.evidence_conditions) == [
        "名簿の1人について所属が記載されていません。"
    ]
    assert _duty(contract, "6-responsible-person").state == Duty.State.FULFILLED
    assert clauses_api.required_roster_fields(contract) == {"affiliation", "start_date", "planned_end_date"}


def test_004_3_2_needs_both_the_security_officer_and_the_responsible_person(side):
    contract = _contract(side, "004")
    _submit(side, contract, [("責任 太郎", PersonRole.SECURITY_OFFICER, {})])
    duty = _duty(contract, "3.2-responsible-person")
    assert Event.objects.filter(contract_id=contract.pk, kind="responsible_person.designated").exists()
    assert duty.state == Duty.State.OPEN
    assert clauses_api.unmet_conditions(contract, duty.obligation.evidence_conditions) == [
        "名簿に責任者が記載されていません。"
    ]
    _submit(side, contract, [("管理 花子", PersonRole.RESPONSIBLE, {})])
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


def test_004_3_2_met_at_once_when_one_roster_names_both(side):
    contract = _contract(side, "004")
    _submit(
        side,
        contract,
        [("責任 太郎", PersonRole.SECURITY_OFFICER, {}), ("管理 花子", PersonRole.RESPONSIBLE, {})],
    )
    assert _duty(contract, "3.2-responsible-person").state == Duty.State.FULFILLED


def test_an_unmet_condition_records_nothing_in_the_audit_trail(side):
    contract = _contract(side, "001")
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    _submit(side, contract, [("従事 一郎", PersonRole.WORKER, {})])
    kinds = set(Event.objects.filter(pk__gt=last).values_list("kind", flat=True))
    assert not any(kind.startswith("duty.") for kind in kinds), kinds


def test_duty_page_says_what_is_missing(side, client):
    contract = _contract(side, "001")
    _submit(side, contract, [("従事 一郎", PersonRole.WORKER, {})])
    duty = _duty(contract, "6-responsible-person")
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "名簿に責任者が記載されていません。" in page
    met = _duty(contract, "7-roster")
    page = client.get(reverse("compliance:duty_detail", args=[met.pk])).content.decode()
    assert "記載されていません" not in page


def test_001_7_each_person_submitted_with_the_fields_is_met_by_that_submission(side):
    # The person's line is the evidence: the submission that puts them on the roster meets their
    # duty, on time when it comes before the business day before their start.
    contract = _contract(side, "001")
    later = {"start_date": TODAY + timedelta(days=30)}  # joins next month: put on the roster in time
    _submit(
        side, contract, [("管理 花子", PersonRole.RESPONSIBLE, {}), ("従事 一郎", PersonRole.WORKER, later)]
    )
    duties = {d.on_time: d for d in Duty.objects.filter(contract=contract, obligation__key="7-roster")}
    assert {d.state for d in duties.values()} == {Duty.State.FULFILLED}
    # The responsible person started 20 days ago: their line came late. The worker's did not.
    assert set(duties) == {True, False}
    assert duties[True].due_date > TODAY > duties[False].due_date
    assert all(d.subject.startswith("contracts.person:") for d in duties.values())

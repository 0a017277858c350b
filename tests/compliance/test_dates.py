"""Duties are dated as the clauses say (issue "Duties that mean what the clauses say", Dates).

The scenario of the acceptance tables (tests/compliance/expected/README.md): signed 2026-04-01,
work from Wed 2026-04-15, ending Wed 2027-03-31; a subcontractor starting Thu 2026-05-07, after
Golden Week (5/2–5/6: a weekend, 憲法記念日, みどりの日, こどもの日 and 振替休日).
"""

from __future__ import annotations

from datetime import date

import pytest

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.services import contract_activate, contract_create, contract_end, contract_record_work_start
from contracts.services import subcontracts as subcontract_services
from core.audit import record_event
from core.models import Role
from core.services.organisations import organisation_grant_visibility
from tests import factories
from tests.clauses.conftest import DATA

SIGNED, START, WORK_START, END = date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 15), date(2027, 3, 31)
SUB_START = date(2026, 5, 7)


@pytest.fixture
def dates_template(db):
    return clause_template_load(path=DATA / "dates.yaml")[0]


def _contract(side, template, **overrides):
    admin = side.client_admin
    fields = {
        "contractor": side.contractor,
        "department": side.dept,
        "number": f"R8-{factories.next_number()}",
        "title": "期限の確認業務",
        "start_date": START,
        "end_date": END,
        "work_start_date": WORK_START,
        "clause_template": template,
        "handles_personal_info": True,
        "subcontracting": True,
        **overrides,
    }
    created = contract_create(actor=admin.user, actor_membership=admin, **fields)
    return contract_activate(actor=admin.user, actor_membership=admin, contract=created, signed_on=SIGNED)


def _due(contract, key, subject="", cycle=1):
    return Duty.objects.get(contract=contract, obligation__key=key, subject=subject, cycle=cycle).due_date


def _cycles(contract, key):
    return list(
        Duty.objects.filter(contract=contract, obligation__key=key)
        .order_by("cycle")
        .values_list("due_date", flat=True)
    )


def test_before_the_work_start_is_the_business_day_before_and_by_it_is_the_day(side, dates_template):
    contract = _contract(side, dates_template)
    assert _due(contract, "1.1-approval-before-start") == date(2026, 4, 14)
    assert _due(contract, "1.2-ledger-by-start") == date(2026, 4, 15)
    # An approval given on the first day of work is late.
    record_event(kind="roster.approved", contract_id=contract.pk, data={"effective_date": "2026-04-15"})
    duty = Duty.objects.get(contract=contract, obligation__key="1.1-approval-before-start")
    assert duty.state == Duty.State.FULFILLED and duty.on_time is False


def test_a_work_start_after_golden_week_is_approved_before_the_holidays(side, dates_template):
    contract = _contract(side, dates_template, work_start_date=date(2026, 5, 7))
    assert _due(contract, "1.1-approval-before-start") == date(2026, 5, 1)
    assert _due(contract, "1.2-ledger-by-start") == date(2026, 5, 7)


def test_a_work_start_after_the_year_end_closure(side, dates_template):
    contract = _contract(side, dates_template, work_start_date=date(2027, 1, 4))
    assert _due(contract, "1.1-approval-before-start") == date(2026, 12, 28)


def test_a_yearly_duty_of_a_one_year_contract_is_due_within_it_and_does_not_come_back(side, dates_template):
    contract = _contract(side, dates_template)
    assert _cycles(contract, "2.1-yearly-check") == [END]  # not 2027-04-01, after the end
    record_event(kind="backup.inspected", contract_id=contract.pk, data={"effective_date": "2027-03-15"})
    assert _cycles(contract, "2.1-yearly-check") == [END]


def test_a_yearly_duty_of_a_longer_contract_keeps_its_year(side, dates_template):
    contract = _contract(side, dates_template, end_date=date(2027, 9, 30))
    assert _due(contract, "2.1-yearly-check") == date(2027, 4, 1)
    record_event(kind="backup.inspected", contract_id=contract.pk, data={"effective_date": "2027-03-25"})
    # The half year left still has its check, due at the end and not after it.
    assert _cycles(contract, "2.1-yearly-check") == [date(2027, 4, 1), date(2027, 9, 30)]


def test_quarterly_reports_stop_at_the_end(side, dates_template):
    contract = _contract(side, dates_template)
    for _ in range(6):
        record_event(
            kind="report.submitted",
            contract_id=contract.pk,
            data={"obligation": "2.2-quarterly-report", "effective_date": "2026-06-30"},
        )
    assert _cycles(contract, "2.2-quarterly-report") == [
        date(2026, 7, 1),
        date(2026, 10, 1),
        date(2027, 1, 1),
        END,
    ]


def test_end_duties_exist_from_activation_and_the_application_comes_first(side, dates_template):
    contract = _contract(side, dates_template)
    assert _due(contract, "3.2-disposal") == END
    assert _due(contract, "3.1-disposal-application") == date(2027, 3, 30)  # the business day before
    # The end itself opens nothing more.
    admin = side.client_admin
    contract_end(actor=admin.user, actor_membership=admin, contract=contract, ended_on=END)
    assert _cycles(contract, "3.2-disposal") == [END]
    assert _cycles(contract, "3.1-disposal-application") == [date(2027, 3, 30)]


def test_an_early_end_moves_the_end_duties(side, dates_template):
    contract = _contract(side, dates_template)
    admin = side.client_admin
    # Mon 2027-01-04, the first business day after the year-end closure.
    contract_end(actor=admin.user, actor_membership=admin, contract=contract, ended_on=date(2027, 1, 4))
    assert _cycles(contract, "3.2-disposal") == [date(2027, 1, 4)]
    assert _cycles(contract, "3.1-disposal-application") == [date(2026, 12, 28)]


def test_an_end_duty_already_met_is_not_opened_again_at_the_end(side, dates_template):
    contract = _contract(side, dates_template)
    record_event(kind="disposal.recorded", contract_id=contract.pk, data={"effective_date": "2027-03-30"})
    admin = side.client_admin
    contract_end(actor=admin.user, actor_membership=admin, contract=contract, ended_on=date(2027, 2, 1))
    duties = Duty.objects.filter(contract=contract, obligation__key="3.2-disposal")
    assert [(d.cycle, d.state, d.due_date) for d in duties] == [(1, Duty.State.FULFILLED, END)]


def test_recording_a_later_work_start_re_dates_the_open_duties_counted_from_it(side, dates_template):
    contract = _contract(side, dates_template)
    record_event(kind="device.registered", contract_id=contract.pk, data={"effective_date": "2026-04-10"})
    admin = side.client_admin
    contract_record_work_start(
        actor=admin.user, actor_membership=admin, contract=contract, started_on=date(2026, 5, 7)
    )
    assert _due(contract, "1.1-approval-before-start") == date(2026, 5, 1)
    met = Duty.objects.get(contract=contract, obligation__key="1.2-ledger-by-start")
    assert met.due_date == WORK_START and met.on_time  # what is met keeps the date it was met by
    # Duties not counted from the work start stay where they are.
    assert _due(contract, "3.2-disposal") == END


def test_a_correction_of_the_recorded_work_start_re_dates_again(side, dates_template):
    contract = _contract(side, dates_template)
    admin = side.client_admin
    for started_on in (date(2026, 5, 7), WORK_START):
        contract_record_work_start(
            actor=admin.user, actor_membership=admin, contract=contract, started_on=started_on
        )
    assert _due(contract, "1.1-approval-before-start") == date(2026, 4, 14)


def test_a_duty_opened_after_the_recorded_work_start_counts_from_it(side, dates_template):
    contract = _contract(side, dates_template)
    admin = side.client_admin
    contract_record_work_start(
        actor=admin.user, actor_membership=admin, contract=contract, started_on=date(2026, 5, 7)
    )
    record_event(
        kind="person.added",
        object_type="contracts.person",
        object_id=7,
        contract_id=contract.pk,
        data={"effective_date": "2026-04-20"},
    )
    assert _due(contract, "1.3-pledge-before-start", "contracts.person:7") == date(2026, 5, 1)


def test_an_early_end_brings_the_periodic_cycles_due_after_it_to_the_end(side, dates_template):
    contract = _contract(side, dates_template)
    admin = side.client_admin
    contract_end(actor=admin.user, actor_membership=admin, contract=contract, ended_on=date(2026, 6, 15))
    assert _cycles(contract, "2.2-quarterly-report") == [date(2026, 6, 15)]
    assert _cycles(contract, "2.1-yearly-check") == [date(2026, 6, 15)]


def test_recording_the_planned_work_start_changes_nothing(side, dates_template):
    contract = _contract(side, dates_template)
    before = list(Duty.objects.filter(contract=contract).values_list("pk", "due_date"))
    admin = side.client_admin
    contract_record_work_start(
        actor=admin.user, actor_membership=admin, contract=contract, started_on=WORK_START
    )
    assert list(Duty.objects.filter(contract=contract).values_list("pk", "due_date")) == before


# --- per application: a subcontract's duties count from its own start ----------------------------

FIELDS = {
    "extent": "part",
    "reason": "繁忙期の要員不足",
    "scope": "データ入力",
    "information_handled": "申請者の氏名・住所",
    "handles_personal_info": True,
    "security_measures": "施錠された作業室のみで作業",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}


def _sub_org(side, label):
    org = factories.contractor(f"再委託{label}株式会社")
    organisation_grant_visibility(actor=None, organisation=org, to=side.body)
    return org, factories.member(org, Role.CONTRACTOR_ADMIN, email=f"dates-sub-{label}@example.jp")


def _apply(membership, contract, org, start, parent=None):
    link = subcontract_services.subcontract_create(
        actor=membership.user,
        actor_membership=membership,
        contract=contract,
        subcontractor=org,
        parent=parent,
        start_date=start,
        end_date=parent.end_date if parent else contract.end_date,
        **FIELDS,
    )
    subcontract_services.subcontract_act(
        actor=membership.user, actor_membership=membership, subcontract=link, action="submit"
    )
    return link


def _approve(side, link):
    return subcontract_services.subcontract_act(
        actor=side.client_staff.user, actor_membership=side.client_staff, subcontract=link, action="approve"
    )


def test_a_subcontracts_approval_is_due_the_business_day_before_its_own_start(side, dates_template):
    contract = _contract(side, dates_template)
    org, _ = _sub_org(side, "x")
    link = _apply(side.contractor_admin, contract, org, SUB_START)
    subject = f"contracts.subcontract:{link.pk}"
    assert _due(contract, "4.2-subcontract-approval", subject) == date(2026, 5, 1)  # not the contract's 4/14
    application = Duty.objects.get(
        contract=contract, obligation__key="4.1-subcontract-application", subject=subject
    )
    assert application.due_date == date(2026, 4, 30)  # before the approval it asks for
    assert application.state == Duty.State.FULFILLED
    # The contract's own work start, recorded later, does not move the subcontract's dates.
    admin = side.client_admin
    contract_record_work_start(
        actor=admin.user, actor_membership=admin, contract=contract, started_on=date(2026, 4, 20)
    )
    assert _due(contract, "4.2-subcontract-approval", subject) == date(2026, 5, 1)
    _approve(side, link)
    duty = Duty.objects.get(contract=contract, obligation__key="4.2-subcontract-approval", subject=subject)
    assert duty.state == Duty.State.FULFILLED


def test_a_changed_start_of_an_application_moves_its_duties(side, dates_template):
    contract = _contract(side, dates_template)
    org, _ = _sub_org(side, "x")
    manager = side.contractor_admin
    link = subcontract_services.subcontract_create(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        subcontractor=org,
        start_date=SUB_START,
        end_date=contract.end_date,
        **FIELDS,
    )
    subject = f"contracts.subcontract:{link.pk}"
    assert _due(contract, "4.1-subcontract-application", subject) == date(2026, 4, 30)
    subcontract_services.subcontract_update(
        actor=manager.user,
        actor_membership=manager,
        subcontract=link,
        start_date=date(2026, 6, 1),  # Mon
        end_date=contract.end_date,
        **FIELDS,
    )
    assert _due(contract, "4.1-subcontract-application", subject) == date(2026, 5, 28)
    subcontract_services.subcontract_act(
        actor=manager.user, actor_membership=manager, subcontract=link, action="submit"
    )
    assert _due(contract, "4.2-subcontract-approval", subject) == date(2026, 5, 29)


def test_a_further_tier_opens_its_own_approval_duty_from_its_own_start(side, dates_template):
    contract = _contract(side, dates_template)
    x, x_admin = _sub_org(side, "x")
    y, _ = _sub_org(side, "y")
    first = _apply(side.contractor_admin, contract, x, SUB_START)
    _approve(side, first)
    first.refresh_from_db()
    second = _apply(x_admin, contract, y, date(2026, 6, 1), parent=first)  # Mon 2026-06-01
    duties = Duty.objects.filter(contract=contract, obligation__key="4.2-subcontract-approval")
    by_subject = {d.subject: (d.state, d.due_date) for d in duties}
    assert by_subject == {
        f"contracts.subcontract:{first.pk}": (Duty.State.FULFILLED, date(2026, 5, 1)),
        f"contracts.subcontract:{second.pk}": (Duty.State.OPEN, date(2026, 5, 29)),
    }


@pytest.mark.parametrize(
    ("prefix", "key"),
    [
        ("001-", "15.1-subcontract-approval"),
        ("002-", "9-subcontract-approval"),
        ("003-", "6.1-subcontract-approval"),
        ("004-", "2.1-subcontract-approval"),
    ],
)
def test_the_shipped_templates_date_a_subcontracts_approval_from_its_start(side, prefix, key):
    template = clause_template_load(path=next(LIBRARY_DIR.glob(f"{prefix}*.yaml")))[0]
    contract = _contract(side, template)
    org, _ = _sub_org(side, "x")
    link = _apply(side.contractor_admin, contract, org, SUB_START)
    assert _due(contract, key, f"contracts.subcontract:{link.pk}") == date(2026, 5, 1)


def test_the_shipped_templates_date_end_duties_from_activation(side):
    template = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))[0]
    contract = _contract(side, template)
    assert _due(contract, "15.1-return-or-disposal") == END
    assert _due(contract, "15.2-disposal-application") == date(2027, 3, 30)
    assert _due(contract, "10(2)-backup-inspection") == END
    assert _due(contract, "4.1-responsible-person") == date(2026, 4, 14)


def test_a_person_joining_later_is_due_before_their_own_start(side, dates_template):
    # Through the roster service: person.added carries the person's start, so their pledge
    # (before_work_start) is due the business day before it — 2026-05-01 for a 2026-05-07 start
    # (Golden Week between) — while someone starting with the contract is due 2026-04-14.
    from contracts.models import PersonRole
    from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
    from core.approvals import ApprovalAction
    from tests.contracts.conftest import upload_pledges

    contract = _contract(side, dates_template)
    manager = {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}
    change = roster_change_open(contract=contract, **manager)
    first = roster_person_add(
        change=change,
        full_name="田中 一郎",
        full_name_kana="たなか いちろう",
        role=PersonRole.RESPONSIBLE,
        start_date=WORK_START,
        **manager,
    ).person
    later = roster_person_add(
        change=change,
        full_name="高橋 三郎",
        full_name_kana="たかはし さぶろう",
        role=PersonRole.WORKER,
        start_date=SUB_START,
        **manager,
    ).person
    upload_pledges(side, change)  # these clauses want the pledges before the roster goes in
    roster_change_act(change=change, action=ApprovalAction.SUBMIT, **manager)
    assert _due(contract, "1.3-pledge-before-start", f"contracts.person:{first.pk}") == date(2026, 4, 14)
    assert _due(contract, "1.3-pledge-before-start", f"contracts.person:{later.pk}") == date(2026, 5, 1)

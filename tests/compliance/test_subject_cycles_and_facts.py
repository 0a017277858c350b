"""A subject's own cycle and the facts about one person or about what is already in force
(issue: duty fidelity, the last rows of the careful reader's tables).

- Every subcontract has its own yearly security check (004 §9.4) and its own audit by the public
  body (002 §17.1): an event-opened duty with `every`, the first cycle counted from the
  subcontract's start and inside the contract, later cycles rolling on as periodic ones do.
- The responsible person is designated by a duty of their own, not again as a worker (000 §9.1,
  002 §4.2: the fact `worker`).
- The first work-site declaration is approved by the work-start duty (002 §5.1), not as a change
  of work site (002 §5.2: the fact `worksites_in_force`).

The scenario of the tables: signed 2026-04-01, work from 2026-04-15, ending 2027-03-31; a
subcontractor starting Thu 2026-05-07.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from django.urls import reverse

from clauses.library import LIBRARY_DIR, check_template
from compliance.models import Duty
from contracts.models import Employment, PersonRole, WorksiteKind
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.approvals import ApprovalAction as A
from core.audit import record_event
from tests.compliance import fidelity_scenario
from tests.compliance.test_subcontract_duties import (
    END,
    SUB_START,
    WORK_START,
    _apply,
    _approve,
    _as,
    _contract,
    _duties,
    _shipped,
    _sub_org,
)

INITIAL, YEARLY = "9.4-subcontractor-initial-check", "9.4-subcontractor-annual-check"


# --- every subcontract's own cycle ----------------------------------------------------------------


def test_each_approved_subcontract_has_its_first_check_before_its_start_and_a_yearly_one(side):
    contract = _contract(side, _shipped("004-"))
    assert _duties(contract, INITIAL) == {} and _duties(contract, YEARLY) == {}
    org, _ = _sub_org(side, "c")
    link = _apply(side.contractor_admin, contract, org, SUB_START)
    assert _duties(contract, YEARLY) == {}, "applied for, not permitted: no check of it yet"
    _approve(side, link)
    subject = f"contracts.subcontract:{link.pk}"
    # The business day before Thu 2026-05-07 across the May holidays; a year after its start
    # would be after the contract's end, so the yearly check is due within the contract.
    assert _duties(contract, INITIAL)[subject].due_date == date(2026, 5, 1)
    yearly = _duties(contract, YEARLY)[subject]
    assert (yearly.due_date, yearly.cycle, yearly.state) == (END, 1, Duty.State.OPEN)
    # The contract-wide checks are the contractor's own, not the subcontractor's.
    assert set(_duties(contract, "9.2-annual-security-check")) == {""}


def test_a_subcontracts_yearly_cycles_run_from_its_start_and_stop_at_the_end(side):
    contract = _contract(side, _shipped("004-"), end_date=date(2028, 3, 31))
    org, _ = _sub_org(side, "y")
    link = _approve(side, _apply(side.contractor_admin, contract, org, SUB_START))
    subject = f"contracts.subcontract:{link.pk}"
    first = _duties(contract, YEARLY)[subject]
    assert first.due_date == date(2027, 5, 7)  # a year after the subcontractor's own start
    # The check of that subcontract approved (the audits app will record it so): the next cycle
    # falls in the contract's last period, due at its end rather than after it.
    record_event(
        kind="security_check.approved",
        actor=side.client_admin.user,
        contract_id=contract.pk,
        data={"subject": subject},
    )
    cycles = Duty.objects.filter(contract=contract, obligation__key=YEARLY, subject=subject).order_by("cycle")
    assert [(d.cycle, d.state, d.due_date) for d in cycles] == [
        (1, Duty.State.FULFILLED, date(2027, 5, 7)),
        (2, Duty.State.OPEN, date(2028, 3, 31)),
    ]


def test_another_subcontracts_check_does_not_meet_this_ones(side):
    contract = _contract(side, _shipped("004-"))
    first = _approve(side, _apply(side.contractor_admin, contract, _sub_org(side, "p")[0], SUB_START))
    second = _approve(side, _apply(side.contractor_admin, contract, _sub_org(side, "q")[0], SUB_START))
    record_event(
        kind="security_check.approved",
        actor=side.client_admin.user,
        contract_id=contract.pk,
        data={"subject": f"contracts.subcontract:{first.pk}"},
    )
    states = {s: d.state for s, d in _duties(contract, INITIAL).items()}
    assert states == {
        f"contracts.subcontract:{first.pk}": Duty.State.FULFILLED,
        f"contracts.subcontract:{second.pk}": Duty.State.OPEN,
    }


def test_the_public_body_audits_each_approved_subcontractor_within_the_contract(side):
    contract = _contract(side, _shipped("002-"), on_premises=False)
    link = _approve(side, _apply(side.contractor_admin, contract, _sub_org(side, "a")[0], SUB_START))
    audits = _duties(contract, "17.1-client-audit-subcontractor")
    subject = f"contracts.subcontract:{link.pk}"
    assert list(audits) == [subject]
    assert audits[subject].due_date == END and audits[subject].obligation.actor == "client"


def test_an_early_end_brings_a_subcontracts_cycle_forward(side):
    from contracts.services import contract_end

    contract = _contract(side, _shipped("004-"))
    link = _approve(side, _apply(side.contractor_admin, contract, _sub_org(side, "e")[0], SUB_START))
    contract_end(contract=contract, ended_on=date(2026, 12, 25), **_as(side.client_admin))
    yearly = _duties(contract, YEARLY)[f"contracts.subcontract:{link.pk}"]
    assert yearly.due_date == date(2026, 12, 25)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"per_subject": False}, "is only used with trigger 'event' when per_subject is true"),
        ({"deadline": {"rule": "none"}}, "is not used with 'every' on trigger 'event'"),
    ],
)
def test_the_validator_keeps_a_subjects_cycle_to_per_subject_duties_without_a_deadline(change, message):
    data = yaml.safe_load(next(LIBRARY_DIR.glob("004-*.yaml")).read_text(encoding="utf-8"))
    article = next(a for a in data["articles"] if a["number"] == "9")
    ob = next(o for o in article["obligations"] if o["key"] == YEARLY)
    ob.update(change)
    problems = [str(p) for p in check_template(data, "004.yaml")]
    assert any(message in p and YEARLY in p for p in problems), problems


# --- the responsible person is not a worker -------------------------------------------------------


def _first_roster(side, contract, approve=False, pledges=False):
    change = roster_change_open(contract=contract, **_as(side.contractor_admin))
    people = {}
    for name, role in (("田中 一郎", PersonRole.RESPONSIBLE), ("佐藤 花子", PersonRole.WORKER)):
        people[role] = roster_person_add(
            change=change,
            full_name=name,
            role=role,
            employment=Employment.EMPLOYEE,
            affiliation="受注者",
            job_title="担当",
            scope_of_work="データ入力",
            start_date=WORK_START,
            planned_end_date=END,
            **_as(side.contractor_admin),
        ).person
    for person in people.values() if pledges else ():
        fidelity_scenario._pledge(side.contractor_admin, person, date(2026, 4, 10))
    change = roster_change_act(change=change, action=A.SUBMIT, **_as(side.contractor_admin))
    if approve:
        roster_change_act(change=change, action=A.APPROVE, **_as(side.client_admin))
    return people


@pytest.mark.parametrize(
    ("prefix", "key", "approve"), [("000-", "9.1-roster", False), ("002-", "4.2-roster", True)]
)
def test_a_workers_roster_duty_opens_for_workers_not_for_the_responsible_person(side, prefix, key, approve):
    contract = _contract(side, _shipped(prefix), on_premises=False)
    people = _first_roster(side, contract, approve=approve)
    assert set(_duties(contract, key)) == {f"contracts.person:{people[PersonRole.WORKER].pk}"}
    # The responsible person's own duty is met by the designation (000) or the approval (002).
    designation = "9.1-responsible-person" if prefix == "000-" else "4.1-responsible-person"
    assert {d.state for d in _duties(contract, designation).values()} == {Duty.State.FULFILLED}


# --- the first work-site declaration is not a change ----------------------------------------------


def _declare(side, contract, name):
    change = worksite_change_open(contract=contract, **_as(side.contractor_admin))
    worksite_add(
        change=change,
        kind=WorksiteKind.CONTRACTOR_OFFICE,
        name=name,
        address="埼玉県所沢市並木一丁目1番地の1",
        rooms="作業室",
        storage_places=[{"name": "施錠キャビネット", "protection": "locked_cabinet", "description": ""}],
        **_as(side.contractor_admin),
    )
    change = worksite_change_act(change=change, action="submit", **_as(side.contractor_admin))
    worksite_change_act(change=change, action="approve", **_as(side.client_admin))
    return change


def test_only_a_later_work_site_declaration_is_a_change_of_work_site(side):
    contract = _contract(side, _shipped("002-"), on_premises=False)
    _declare(side, contract, "本社 作業室")
    assert _duties(contract, "5.2-worksite-change") == {}
    assert _duties(contract, "5.1-worksite-approval")[""].state == Duty.State.FULFILLED
    second = _declare(side, contract, "分室 作業室")
    changes = _duties(contract, "5.2-worksite-change")
    assert list(changes) == [f"contracts.worksitechange:{second.pk}"]


# --- the duty's page says whose it is -----------------------------------------------------------


def test_a_subcontracts_duty_page_names_the_subcontractor_and_its_tier(client, side):
    contract = _contract(side, _shipped("004-"))
    org, _ = _sub_org(side, "n")
    link = _approve(side, _apply(side.contractor_admin, contract, org, SUB_START))
    duty = _duties(contract, YEARLY)[f"contracts.subcontract:{link.pk}"]
    for membership in (side.contractor_admin, side.client_staff):
        client.force_login(membership.user)
        page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
        assert f"再委託（1次）{org.name}" in page
        assert "contracts.subcontract" not in page


# --- a person who leaves the roster -------------------------------------------------------------


def _remove(side, contract, person, approve):
    from contracts.services.roster import roster_entry_change

    change = roster_change_open(contract=contract, **_as(side.contractor_admin))
    roster_entry_change(change=change, person=person, remove=True, **_as(side.contractor_admin))
    change = roster_change_act(change=change, action=A.SUBMIT, **_as(side.contractor_admin))
    if approve:
        roster_change_act(change=change, action=A.APPROVE, **_as(side.client_admin))


@pytest.mark.parametrize(("prefix", "approve"), [("001-", False), ("002-", True)])
def test_a_person_who_leaves_owes_no_more_training_but_met_duties_stay_met(side, prefix, approve):
    contract = _contract(side, _shipped(prefix), on_premises=False)
    worker = _first_roster(side, contract, approve=approve)[PersonRole.WORKER]
    subject = f"contracts.person:{worker.pk}"
    training = {d.obligation.key: d for d in Duty.objects.filter(contract=contract, subject=subject)}
    open_before = {k for k, d in training.items() if d.state == Duty.State.OPEN}
    met_before = {k for k, d in training.items() if d.state == Duty.State.FULFILLED}
    assert any("training" in k for k in open_before), training
    _remove(side, contract, worker, approve)
    after = {d.obligation.key: d for d in Duty.objects.filter(contract=contract, subject=subject)}
    assert {k for k, d in after.items() if d.state == Duty.State.OPEN} == set()
    for key in open_before:
        assert after[key].state == Duty.State.WAIVED and after[key].on_time is None
        assert "により不要になりました" in after[key].waived_reason and after[key].waived_by is None
    assert {k for k, d in after.items() if d.state == Duty.State.FULFILLED} == met_before


def test_a_removal_submitted_for_approval_ends_nothing_until_it_is_approved(side):
    contract = _contract(side, _shipped("002-"), on_premises=False)
    worker = _first_roster(side, contract, approve=True)[PersonRole.WORKER]
    subject = f"contracts.person:{worker.pk}"
    open_before = set(Duty.objects.filter(contract=contract, subject=subject, state=Duty.State.OPEN))
    from contracts.services.roster import roster_entry_change

    change = roster_change_open(contract=contract, **_as(side.contractor_admin))
    roster_entry_change(change=change, person=worker, remove=True, **_as(side.contractor_admin))
    roster_change_act(change=change, action=A.SUBMIT, **_as(side.contractor_admin))
    assert set(Duty.objects.filter(contract=contract, subject=subject, state=Duty.State.OPEN)) == open_before


def test_confidentiality_after_leaving_outlives_the_persons_roster_line(side):
    contract = _contract(side, _shipped("004-"))
    worker = _first_roster(side, contract, pledges=True)[PersonRole.WORKER]
    subject = f"contracts.person:{worker.pk}"
    confidentiality = Duty.objects.filter(
        contract=contract, subject=subject, obligation__key__startswith="4.2"
    )
    # Met by the pledge, which binds the person while employed and after leaving (004 §4.2);
    # reopened here so that the leaving is seen not to close it.
    confidentiality.update(state=Duty.State.OPEN, evidence_event=None, closed_at=None)
    _remove(side, contract, worker, approve=False)
    assert confidentiality.get().state == Duty.State.OPEN

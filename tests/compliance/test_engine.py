from datetime import date

import pytest

from compliance.models import Adoption, Duty
from contracts.services import contract_activate, contract_end
from core.audit import record_event


def _duties(contract):
    return {
        (d.obligation.key, d.subject, d.cycle): d
        for d in Duty.objects.filter(contract=contract).select_related("obligation")
    }


def _activate(side, contract, signed_on=date(2025, 4, 1)):
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=signed_on,
    )


def test_activation_opens_the_duties_the_contract_flags_allow(side, make_contract, statutory_template):
    contract = _activate(side, make_contract(on_premises=False))
    duties = _duties(contract)
    assert set(duties) == {
        ("2.1-roster", "", 1),
        ("3.1-periodic-report", "", 1),
        ("3.3-no-ai", "", 1),
        ("4.1-return", "", 1),  # an end-of-contract duty is there from activation
    }
    assert duties[("2.1-roster", "", 1)].due_date == date(2025, 4, 14)  # by the planned work start
    assert duties[("3.1-periodic-report", "", 1)].due_date == date(2025, 7, 1)  # start + 3 months
    # 5 business days after 2025-04-01 (Tue): 4/2, 4/3, 4/4, 4/7, 4/8
    assert duties[("3.3-no-ai", "", 1)].due_date == date(2025, 4, 8)
    # The statutory APPI template is adopted with the contract's own one.
    assert Adoption.objects.filter(contract=contract).count() == 2


def test_on_premises_flag_adds_its_duty(side, make_contract):
    contract = _activate(side, make_contract(on_premises=True))
    assert ("3.4-on-premises-id", "", 1) in _duties(contract)


def test_event_opens_one_duty_per_subject_and_the_matching_event_fulfils_it(side, make_contract):
    contract = _activate(side, make_contract())
    for person in (17, 18):
        record_event(
            kind="person.added",
            object_type="contracts.person",
            object_id=person,
            contract_id=contract.pk,
            data={"effective_date": "2025-04-10"},
        )
    duties = _duties(contract)
    assert duties[("2.2-pledge", "contracts.person:17", 1)].due_date == date(2025, 4, 17)
    assert ("2.2-pledge", "contracts.person:18", 1) in duties

    record_event(
        kind="pledge.uploaded",
        object_type="contracts.pledge",
        object_id=5,
        contract_id=contract.pk,
        data={"subject": "contracts.person:17", "effective_date": "2025-04-16"},
    )
    duties = _duties(contract)
    done = duties[("2.2-pledge", "contracts.person:17", 1)]
    assert done.state == Duty.State.FULFILLED and done.on_time is True
    assert done.evidence_event.kind == "pledge.uploaded"
    assert duties[("2.2-pledge", "contracts.person:18", 1)].state == Duty.State.OPEN


def test_late_evidence_is_recorded_as_not_on_time(side, make_contract):
    contract = _activate(side, make_contract())
    record_event(kind="roster.approved", contract_id=contract.pk, data={"effective_date": "2025-04-20"})
    roster = _duties(contract)[("2.1-roster", "", 1)]
    assert roster.state == Duty.State.FULFILLED and roster.on_time is False


def test_periodic_duty_rolls_forward_when_fulfilled(side, make_contract):
    contract = _activate(side, make_contract())
    record_event(
        kind="report.submitted",
        contract_id=contract.pk,
        data={"obligation": "3.1-periodic-report", "effective_date": "2025-06-30"},
    )
    duties = _duties(contract)
    assert duties[("3.1-periodic-report", "", 1)].state == Duty.State.FULFILLED
    assert duties[("3.1-periodic-report", "", 2)].due_date == date(2025, 10, 1)


def test_report_naming_another_obligation_does_not_fulfil(side, make_contract):
    contract = _activate(side, make_contract())
    record_event(
        kind="report.submitted", contract_id=contract.pk, data={"obligation": "3.2-report-on-request"}
    )
    assert _duties(contract)[("3.1-periodic-report", "", 1)].state == Duty.State.OPEN


def test_on_request_duty_opens_when_the_public_body_asks(side, make_contract):
    contract = _activate(side, make_contract())
    record_event(
        kind="duty.requested",
        contract_id=contract.pk,
        data={"obligation": "3.2-report-on-request", "effective_date": "2025-05-12"},
    )
    duty = _duties(contract)[("3.2-report-on-request", "", 1)]
    assert duty.due_date == date(2025, 5, 12)


def test_an_early_end_moves_the_return_duty_counted_in_business_days(side, make_contract):
    contract = _activate(side, make_contract())
    # From activation, 10 business days after the planned end 2026-03-31: 4/1–4/3, 4/6–4/10, 4/13, 4/14.
    assert _duties(contract)[("4.1-return", "", 1)].due_date == date(2026, 4, 14)
    contract_end(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        ended_on=date(2025, 12, 26),
    )
    # 10 business days after Fri 2025-12-26: 1/5–1/9, then 1/13–1/16 (1/12 成人の日), then 1/19;
    # the 12/29–1/3 closure and weekends are skipped.
    assert _duties(contract)[("4.1-return", "", 1)].due_date == date(2026, 1, 19)
    assert [d.cycle for d in Duty.objects.filter(contract=contract, obligation__key="4.1-return")] == [1]


def test_statutory_clock_opens_on_reportable_breach(side, make_contract, statutory_template):
    contract = _activate(side, make_contract())
    record_event(
        kind="incident.appi_reportable",
        object_type="incidents.incident",
        object_id=3,
        contract_id=contract.pk,
        data={"effective_date": "2025-08-01"},
    )
    duties = _duties(contract)
    assert duties[("1-appi-preliminary-report", "incidents.incident:3", 1)].due_date == date(2025, 8, 6)
    assert duties[("2-appi-final-report", "incidents.incident:3", 1)].due_date == date(2025, 8, 31)


def test_events_of_other_contracts_or_without_contract_change_nothing(
    side, make_contract, django_assert_num_queries
):
    contract = _activate(side, make_contract())
    before = list(Duty.objects.filter(contract=contract).values_list("pk", "state"))
    record_event(kind="roster.approved", contract_id=None)
    assert list(Duty.objects.filter(contract=contract).values_list("pk", "state")) == before


def test_a_failing_engine_rolls_back_the_service(side, make_contract, monkeypatch):
    contract = make_contract()
    from compliance import engine

    def boom(*args, **kwargs):
        raise RuntimeError("engine failure")

    monkeypatch.setattr(engine._Applier, "open", boom)
    with pytest.raises(RuntimeError):
        _activate(side, contract)
    contract.refresh_from_db()
    assert contract.status == contract.Status.DRAFT


def test_the_engine_acts_on_whatever_kind_a_loaded_template_names(side, make_contract, tmp_path):
    # No separate vocabulary: a kind becomes evidence when a template names it. The cache of the
    # named kinds is filled before the new version exists, so this also proves the load refreshes it.
    import yaml

    from clauses.services import clause_template_load
    from compliance import engine
    from tests.clauses.conftest import DATA

    assert "subcontract.drafted" not in engine.named_kinds()  # mini v1 is loaded, the cache filled
    data = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))
    data["version"] = "2"
    data["articles"][1]["obligations"][0]["fulfilled_by"] = ["subcontract.drafted"]
    path = tmp_path / "mini-2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    new = clause_template_load(path=path)[0]
    assert "subcontract.drafted" in engine.named_kinds()
    contract = _activate(side, make_contract(clause_template=new))
    assert _duties(contract)[("2.1-roster", "", 1)].state == Duty.State.OPEN
    record_event(kind="subcontract.drafted", object_type="x", object_id=1, contract_id=contract.pk)
    assert _duties(contract)[("2.1-roster", "", 1)].state == Duty.State.FULFILLED

"""Facts about a contract that an obligation's applies_if tests (issue: duty fidelity, format):
its flags (uses_client_network among them) and facts derived from its records (dispatch_workers:
the roster in force names a dispatch worker), answered by the app holding the records through
clauses.api, and re-evaluated when an event may make them true."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from clauses import api as clauses_api
from clauses.library import CONTRACT_FLAGS, LIBRARY_DIR, read_file
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.models import Employment
from contracts.services import contract_activate, contract_create, contract_update_conditions
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from core.audit import record_event
from core.models import Event
from tests import factories

DATA = Path(__file__).parent / "data"
TODAY = timezone.localdate()
START, END, WORK_START = TODAY - timedelta(days=30), TODAY + timedelta(days=330), TODAY + timedelta(days=10)


@pytest.fixture
def side(db):
    return factories.side("facts", "事")


def _m(membership):
    return {"actor": membership.user, "actor_membership": membership}


def _contract(side, template, **flags):
    contract = contract_create(
        contractor=side.contractor,
        number=f"R8-FACTS-{factories.next_number()}",
        title="事実確認業務",
        start_date=START,
        end_date=END,
        work_start_date=WORK_START,
        clause_template=template,
        **flags,
        **_m(side.client_admin),
    )
    return contract_activate(contract=contract, signed_on=START, **_m(side.client_admin))


def _roster(side, contract, *people, approve=False):
    """One roster change adding `people` ((name, employment, start)), submitted (and approved)."""
    change = roster_change_open(contract=contract, **_m(side.contractor_admin))
    added = []
    for name, employment, start in people:
        added.append(
            roster_person_add(
                change=change,
                full_name=name,
                employment=employment,
                dispatch_terms_confirmed=employment == Employment.DISPATCH,
                start_date=start,
                **_m(side.contractor_admin),
            ).person
        )
    change = roster_change_act(change=change, action=A.SUBMIT, **_m(side.contractor_admin))
    if approve:
        roster_change_act(change=change, action=A.APPROVE, **_m(side.client_admin))
    return added


def _duties(contract, prefix=""):
    return {
        (d.obligation.key, d.subject): d
        for d in Duty.objects.filter(contract=contract, obligation__key__startswith=prefix).select_related(
            "obligation"
        )
    }


def _facts_template(tmp_path, *, prior_approval=False):
    if not prior_approval:
        return clause_template_load(path=DATA / "facts.yaml")[0]
    data = yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))
    data["id"] = "facts-test-template-approval"
    data["articles"][0]["obligations"][0].update(
        kind="personnel-prior-approval", fulfilled_by=["roster.approved"]
    )
    path = tmp_path / "facts-approval.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return clause_template_load(path=path)[0]


# --- dispatch workers ---------------------------------------------------------------------------


def test_dispatch_duties_are_absent_without_a_dispatch_worker(side, tmp_path):
    contract = _contract(side, _facts_template(tmp_path))
    (employee,) = _roster(side, contract, ("社員 一郎", Employment.EMPLOYEE, WORK_START))
    duties = _duties(contract, "2.")
    assert duties == {}, "no dispatch worker: neither the per-person nor the contract-wide duty"
    assert not clauses_api.fact_holds(contract, "dispatch_workers", on=TODAY)
    assert not clauses_api.fact_holds(
        contract, "dispatch_workers", on=TODAY, subject=f"contracts.person:{employee.pk}"
    )


def test_dispatch_duties_open_when_a_dispatch_worker_comes_in_force(side, tmp_path):
    contract = _contract(side, _facts_template(tmp_path))
    _roster(side, contract, ("社員 一郎", Employment.EMPLOYEE, WORK_START))
    assert _duties(contract, "2.") == {}
    later = WORK_START + timedelta(days=20)
    (dispatched,) = _roster(side, contract, ("派遣 花子", Employment.DISPATCH, later))
    duties = _duties(contract, "2.")
    subject = f"contracts.person:{dispatched.pk}"
    assert set(duties) == {("2.1-dispatch-terms", subject), ("2.2-dispatch-supervision", "")}
    # Her own terms by her own start; the standing measure from the day she came in force, undated.
    assert duties[("2.1-dispatch-terms", subject)].due_date == later
    standing = duties[("2.2-dispatch-supervision", "")]
    assert standing.state == Duty.State.OPEN and standing.due_date is None
    # A second dispatch worker adds his own duty; the contract-wide one is not opened twice.
    (second,) = _roster(side, contract, ("派遣 次郎", Employment.DISPATCH, later))
    duties = _duties(contract, "2.")
    assert ("2.1-dispatch-terms", f"contracts.person:{second.pk}") in duties
    assert Duty.objects.filter(contract=contract, obligation__key="2.2-dispatch-supervision").count() == 1


def test_under_prior_approval_the_fact_holds_from_the_approval_not_the_submission(side, tmp_path):
    contract = _contract(side, _facts_template(tmp_path, prior_approval=True))
    change = roster_change_open(contract=contract, **_m(side.contractor_admin))
    person = roster_person_add(
        change=change,
        full_name="派遣 花子",
        employment=Employment.DISPATCH,
        dispatch_terms_confirmed=True,
        start_date=WORK_START,
        **_m(side.contractor_admin),
    ).person
    change = roster_change_act(change=change, action=A.SUBMIT, **_m(side.contractor_admin))
    # Her own duty opens with her announcement; the contract has no dispatch worker in force yet.
    assert set(_duties(contract, "2.")) == {("2.1-dispatch-terms", f"contracts.person:{person.pk}")}
    roster_change_act(change=change, action=A.APPROVE, **_m(side.client_admin))
    assert ("2.2-dispatch-supervision", "") in _duties(contract, "2.")
    assert clauses_api.fact_holds(contract, "dispatch_workers", on=TODAY)


def test_the_shipped_000_opens_article_10_for_each_dispatch_worker_only(side):
    template = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))[0]
    contract = _contract(side, template)
    assert _duties(contract, "10.") == {}, "no contract-wide dispatch duty before anyone is on the roster"
    employee, dispatched = _roster(
        side,
        contract,
        ("佐藤 花子", Employment.EMPLOYEE, WORK_START),
        ("鈴木 次郎", Employment.DISPATCH, WORK_START),
    )
    duties = _duties(contract, "10.")
    subject = f"contracts.person:{dispatched.pk}"
    assert set(duties) == {("10.1-dispatch-contract", subject), ("10.2-dispatch-compliance", subject)}
    assert duties[("10.1-dispatch-contract", subject)].due_date == WORK_START  # by his start
    assert duties[("10.2-dispatch-compliance", subject)].due_date is None  # standing
    assert not any(key[1] == f"contracts.person:{employee.pk}" for key in duties)


# --- the contract's network ---------------------------------------------------------------------


def test_the_bring_in_duty_opens_only_with_uses_client_network(side, tmp_path):
    template = _facts_template(tmp_path)
    without = _contract(side, template)
    assert ("3-bring-in", "") not in _duties(without)
    with_network = _contract(side, template, uses_client_network=True)
    assert ("3-bring-in", "") in _duties(with_network)


def test_setting_uses_client_network_later_opens_the_bring_in_duty_then(side, tmp_path):
    contract = _contract(side, _facts_template(tmp_path))
    assert ("3-bring-in", "") not in _duties(contract)
    contract_update_conditions(contract=contract, uses_client_network=True, **_m(side.client_admin))
    event = Event.objects.filter(contract_id=contract.pk, kind="contract.updated").get()
    assert event.data["changed"] == ["uses_client_network"]
    duty = _duties(contract)[("3-bring-in", "")]
    assert duty.opened_by_event_id == event.pk and duty.state == Duty.State.OPEN
    # Saving again changes nothing and records nothing; unsetting it leaves the duty as it is.
    contract_update_conditions(contract=contract, uses_client_network=True, **_m(side.client_admin))
    assert Event.objects.filter(contract_id=contract.pk, kind="contract.updated").count() == 1
    contract_update_conditions(contract=contract, uses_client_network=False, **_m(side.client_admin))
    contract_update_conditions(contract=contract, uses_client_network=True, **_m(side.client_admin))
    assert Duty.objects.filter(contract=contract, obligation__key="3-bring-in").count() == 1


def test_the_shipped_002_asks_the_bring_in_only_of_a_contract_on_the_citys_network(side):
    template = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))[0]
    on_premises = _contract(side, template, on_premises=True)
    networked = _contract(side, template, uses_client_network=True)
    # Each bring-in application waits for its approval; the virus check stands for the contract.
    for contract in (on_premises, networked):
        record_event(
            kind="bringin.submitted", contract_id=contract.pk, data={"subject": "ledgers.bringinrequest:1"}
        )
    assert not _duties(on_premises, "11-"), "on the premises is not on the network"
    assert set(_duties(networked, "11-")) == {
        ("11-bring-in", "ledgers.bringinrequest:1"),
        ("11-bring-in-virus-check", ""),
    }


def test_the_contractor_cannot_change_the_conditions(side, tmp_path):
    from django.core.exceptions import PermissionDenied

    contract = _contract(side, _facts_template(tmp_path))
    with pytest.raises(PermissionDenied):
        contract_update_conditions(contract=contract, uses_client_network=True, **_m(side.contractor_admin))
    with pytest.raises(ValueError):
        contract_update_conditions(contract=contract, handles_personal_info=False, **_m(side.client_admin))


def test_the_contract_pages_show_and_change_the_network_condition(client, side, tmp_path):
    contract = _contract(side, _facts_template(tmp_path))
    client.force_login(side.client_admin.user)
    with override("ja"):
        form = client.get(reverse("contracts:contract_create")).content.decode()
        assert "発注者のネットワーク・システムに接続する" in form
        page = client.get(reverse("contracts:contract_conditions", args=[contract.pk])).content.decode()
        assert "発注者のネットワーク・システムに接続する" in page and "uses_client_network" in page
        response = client.post(
            reverse("contracts:contract_conditions", args=[contract.pk]), {"uses_client_network": "on"}
        )
        assert response.status_code == 302
        detail = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "発注者のネットワーク・システムに接続する" in detail
    assert ("3-bring-in", "") in _duties(contract)


# --- the vocabulary -----------------------------------------------------------------------------


def test_every_fact_of_the_vocabulary_is_answered_by_an_app():
    assert set(clauses_api.registered_facts()) == set(CONTRACT_FLAGS)
    with pytest.raises(ValueError):
        clauses_api.register_fact("dispatch_worker", lambda contract, *, on, subject: True)


def test_the_validator_refuses_an_unknown_fact_with_a_did_you_mean(tmp_path):
    text = (
        (DATA / "facts.yaml")
        .read_text(encoding="utf-8")
        .replace("applies_if: [uses_client_network]", "applies_if: [uses_client_networks]")
    )
    path = tmp_path / "typo.yaml"
    path.write_text(text, encoding="utf-8")
    _data, problems = read_file(path)
    assert [p.field for p in problems] == ["applies_if"]
    assert "unknown contract flag 'uses_client_networks' — did you mean 'uses_client_network'?" in str(
        problems[0]
    )
    assert "article 3 obligation 3-bring-in" in str(problems[0])

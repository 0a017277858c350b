"""The public body's steps while a contract is prepared (trigger `procurement`): opened when the
draft is registered (contract.created), dated from its planned dates, shown on the draft's page as
the body's checklist, met by the body's own confirmation, and carried over at activation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from clauses.library import read_file
from clauses.services import clause_template_load
from compliance.deadlines import due_date
from compliance.models import Duty
from contracts.services import contract_activate
from core.business_days import calendar_for
from core.models import Event
from core.wareki import format_wareki
from tests.clauses.conftest import DATA

RULE = DATA / "body-outsourcing-rule.yaml"
GIVE, CHECK = "2.1-give-requirements", "2.2-check-capability"


@pytest.fixture
def body_rule(db):
    return clause_template_load(path=RULE)[0]


@pytest.fixture
def draft(make_contract, body_rule):
    # Contract from 2025-04-01 (Tue), work from 2025-04-14 (Mon).
    return make_contract(additional_templates=[body_rule])


def _duty(contract, key: str) -> Duty:
    return Duty.objects.get(contract=contract, obligation__key=key)


def _page(client, contract) -> str:
    response = client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _checklist(page: str) -> str:
    start = page.index('id="h-checklist"')
    return page[start : page.index("</section>", start)]


def test_the_draft_opens_the_bodys_steps_dated_from_its_planned_dates(draft):
    give, check = _duty(draft, GIVE), _duty(draft, CHECK)
    # 10 business days before the contract start, 2025-04-01: 2025-03-20 (春分の日) is skipped.
    assert give.due_date == date(2025, 3, 17)
    # The business day before the planned work start, 2025-04-14 (Mon).
    assert check.due_date == date(2025, 4, 11)
    assert give.opened_by_event.kind == "contract.created"
    assert {give.state, check.state} == {Duty.State.OPEN}
    # Only the procurement steps exist on a draft: the rest waits for activation.
    assert Duty.objects.filter(contract=draft).count() == 2


def test_the_drafts_page_shows_the_checklist_above_the_draft_notice(client, side, draft):
    client.force_login(side.client_admin.user)
    page = _page(client, draft)
    checklist = _checklist(page)
    assert "入札参加者に情報セキュリティ要件を示す。" in checklist
    assert "委託先を選ぶ際に情報セキュリティ対策の能力を確認する。" in checklist
    assert format_wareki(date(2025, 3, 17), with_weekday=True) in checklist
    assert format_wareki(date(2025, 4, 11), with_weekday=True) in checklist
    assert "(本市)" in checklist  # the rule's own word for the public body
    assert page.index('id="h-checklist"') < page.index('class="notice"', page.index('id="h-clauses"'))
    assert reverse("compliance:duty_attest", args=[_duty(draft, GIVE).pk]) in checklist
    assert "procurement" not in page and GIVE not in page  # no codes on the page


def test_a_contract_without_procurement_steps_has_no_checklist(client, side, make_contract):
    contract = make_contract()
    client.force_login(side.client_admin.user)
    assert 'id="h-checklist"' not in _page(client, contract)
    assert not Duty.objects.filter(contract=contract).exists()


def test_the_body_confirms_a_step_on_the_draft(client, side, draft):
    duty = _duty(draft, GIVE)
    client.force_login(side.client_admin.user)
    url = reverse("compliance:duty_attest", args=[duty.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"statement": "仕様書に要件を記載し入札公告で示した。"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    assert duty.evidence_event.kind == "attestation.confirmed"
    checklist = _checklist(_page(client, draft))
    assert url not in checklist  # met: no confirm link any more


def test_the_contractor_sees_the_checklist_but_cannot_act_on_it(client, side, draft):
    # permissions.can_meet_duty: a duty of the public body is met by its contract staff only;
    # reading the contract (its duties included) is everyone's who sees the contract.
    duty = _duty(draft, GIVE)
    url = reverse("compliance:duty_attest", args=[duty.pk])
    for membership in (side.contractor_admin, side.contractor_staff):
        client.force_login(membership.user)
        checklist = _checklist(_page(client, draft))
        assert "入札参加者に情報セキュリティ要件を示す。" in checklist and url not in checklist
        assert client.get(url).status_code == 404
        assert client.post(url, {"statement": "x"}).status_code == 404
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    assert not Event.objects.filter(kind="attestation.confirmed").exists()


def test_activation_carries_the_steps_over_without_opening_them_again(client, side, draft):
    give = _duty(draft, GIVE)
    client.force_login(side.client_admin.user)
    client.post(reverse("compliance:duty_attest", args=[give.pk]), {"statement": ""})
    contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=draft,
        signed_on=date(2025, 4, 1),
    )
    for key in (GIVE, CHECK):
        assert Duty.objects.filter(contract=draft, obligation__key=key).count() == 1
    assert _duty(draft, GIVE).state == Duty.State.FULFILLED
    check = _duty(draft, CHECK)
    assert check.state == Duty.State.OPEN and check.due_date == date(2025, 4, 11)
    # The rest of the contract's duties now exist beside them.
    assert Duty.objects.filter(contract=draft, obligation__key="3.1-confirm-rule").exists()
    # Still on the page's checklist while a step is open.
    assert "委託先を選ぶ際に情報セキュリティ対策の能力を確認する。" in _checklist(_page(client, draft))


def test_business_days_before_contract_start(side):
    cal = calendar_for(side.body)
    kwargs = {
        "days": 3,
        "fixed": None,
        "trigger_date": date(2025, 1, 6),
        "work_start": date(2025, 5, 12),
        "contract_end": date(2026, 3, 31),
        "cal": cal,
    }
    # 2025-05-07 (Wed) after Golden Week: 3 business days before are 5/2, 5/1, 4/30.
    start = date(2025, 5, 7)
    rule = "business_days_before_contract_start"
    assert due_date(rule=rule, contract_start=start, **kwargs) == date(2025, 4, 30)
    with pytest.raises(ValueError):
        due_date(rule="business_days_before_contract_start", **kwargs)


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    text = RULE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rule.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(p) for p in read_file(path)[1]]


def test_the_validator_keeps_procurement_to_the_public_body(db, tmp_path):
    assert read_file(RULE)[1] == []
    problems = _problems(tmp_path, "actor: client", "actor: contractor")
    assert any("[actor]" in p and "procurement" in p for p in problems), problems


def test_the_validator_asks_the_days_before_the_contract_start(db, tmp_path):
    problems = _problems(
        tmp_path,
        "{rule: business_days_before_contract_start, days: 10}",
        "{rule: business_days_before_contract_start}",
    )
    assert any("[deadline.days]" in p for p in problems), problems

"""Standing measures the clauses give no date (秘密の保持, 複写の禁止 …): their duty exists from
activation with no due date, reads 「常時（期限なし）」, is never overdue however long the contract
runs, and is met by the contractor's confirmation (issue: duty fidelity — no portal-made first
date 5 business days after signing, no yearly re-confirmation the document does not ask for)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import selectors
from compliance.models import Duty
from compliance.services.duties import duty_attest
from contracts.services import contract_activate

KEY = "2-confidentiality"  # 000 §2: keep the information secret, also after the contract


@pytest.fixture
def standing_duty(side, make_contract):
    template = clause_template_load(path=LIBRARY_DIR / "000-confidentiality-personal-information.yaml")[0]
    contract = contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=make_contract(clause_template=template, department=side.dept),
        signed_on=date(2025, 4, 1),
    )
    return Duty.objects.select_related("contract", "obligation").get(contract=contract, obligation__key=KEY)


def test_a_standing_measure_has_no_date_and_no_cycle(standing_duty):
    assert standing_duty.due_date is None
    assert standing_duty.obligation.every_months is None and standing_duty.obligation.every_days is None
    # A year and more later it is still standing, never overdue.
    assert selectors.duty_status(standing_duty, date(2026, 3, 31)) == "standing"
    overdue = Duty.objects.filter(selectors.status_filters(date(2026, 3, 31))["overdue"], pk=standing_duty.pk)
    assert not overdue.exists()


def test_the_contract_page_and_the_duty_page_say_standing(client, side, standing_duty):
    client.force_login(side.client_staff.user)
    page = client.get(reverse("contracts:contract_detail", args=[standing_duty.contract_id])).content.decode()
    assert "常時（期限なし）" in page
    detail = client.get(reverse("compliance:duty_detail", args=[standing_duty.pk])).content.decode()
    assert "常時（期限なし）" in detail and "未到来" not in detail


def test_confirming_it_meets_it_on_time_and_opens_no_next_cycle(side, standing_duty):
    duty_attest(actor=side.contractor_admin.user, actor_membership=side.contractor_admin, duty=standing_duty)
    standing_duty.refresh_from_db()
    assert standing_duty.state == Duty.State.FULFILLED and standing_duty.on_time is True
    others = Duty.objects.filter(contract=standing_duty.contract, obligation=standing_duty.obligation)
    assert others.count() == 1

"""More than one template per contract: the public body adopts its own standing rules beside the
contract's special clauses when it registers the draft. Activation keeps them; the contract's
page groups the articles by template, each with its title and its own words for the parties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clauses.services import clause_template_load
from compliance.models import Adoption, Duty
from contracts.models import Contract
from contracts.services import contract_activate, contract_create
from tests import factories
from tests.clauses.conftest import DATA

RULE = DATA / "body-outsourcing-rule.yaml"


@pytest.fixture
def body_rule(db):
    return clause_template_load(path=RULE)[0]


def _activate(side, contract: Contract) -> Contract:
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def _form_data(side, template, **extra) -> dict:
    return {
        "number": f"R7-{factories.next_number()}",
        "title": "庁内ネットワーク運用保守業務委託",
        "contractor": side.contractor.pk,
        "clause_template": template.pk,
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "work_start_date": "2025-04-14",
        "handles_personal_info": "on",
        **extra,
    }


def test_the_form_offers_the_latest_version_of_each_further_template_and_no_statutory_one(
    client, side, mini_template, body_rule, statutory_template, tmp_path: Path
):
    newer = tmp_path / "rule-2.yaml"
    newer.write_text(RULE.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), "utf-8")
    rule_2 = clause_template_load(path=newer)[0]
    client.force_login(side.client_admin.user)
    response = client.get(reverse("contracts:contract_create"))
    field = response.context["form"].fields["additional_templates"]
    offered = set(field.queryset)
    assert rule_2 in offered and mini_template in offered
    assert body_rule not in offered  # an older version
    assert statutory_template not in offered
    page = response.content.decode()
    assert "特記事項とあわせて適用する規程" in page
    assert "テスト市外部委託事務処理規程（テスト市・2）" in page
    assert "test-body-outsourcing-rule" not in page  # no template code on the form


def test_a_draft_registered_with_a_further_template_adopts_it_and_activation_keeps_it(
    client, side, mini_template, body_rule, statutory_template
):
    client.force_login(side.client_admin.user)
    response = client.post(
        reverse("contracts:contract_create"),
        _form_data(side, mini_template, additional_templates=[body_rule.pk]),
    )
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get(title="庁内ネットワーク運用保守業務委託")
    assert set(Adoption.objects.filter(contract=contract).values_list("template_id", flat=True)) == {
        mini_template.pk,
        body_rule.pk,
    }
    _activate(side, contract)
    adopted = set(Adoption.objects.filter(contract=contract).values_list("template_id", flat=True))
    assert adopted == {mini_template.pk, body_rule.pk, statutory_template.pk}
    # The further template's duties are the contract's, once each.
    duty = Duty.objects.get(contract=contract, obligation__key="3.1-confirm-rule")
    assert duty.obligation.template == body_rule
    assert duty.due_date == date(2025, 4, 8)  # 5 business days after signing on 2025-04-01
    assert Duty.objects.filter(contract=contract, obligation__template=body_rule).count() == 3


def test_the_page_groups_articles_by_template_with_each_templates_party_words(
    client, side, make_contract, mini_template, body_rule, statutory_template
):
    contract = _activate(side, make_contract(additional_templates=[body_rule]))
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    clauses = page[page.index('id="h-clauses"') :]
    main = clauses.index(str(mini_template))
    rule = clauses.index(str(body_rule))
    statutory = clauses.index(str(statutory_template))
    assert main < rule < statutory  # the contract's clauses, its further rules, statutory last
    rule_part = clauses[rule:statutory]
    # The body's rule names the contractor 受託者 and the body 本市; the clauses 乙 and 甲.
    assert "契約締結後、本規程の遵守を確認する。" in rule_part and "(受託者)" in rule_part
    assert "(本市)" in rule_part and "(乙)" not in rule_part
    main_part = clauses[main:rule]
    assert "(乙)" in main_part and "(受託者)" not in main_part
    # The contractor confirms its duty of the further template from the page.
    duty = Duty.objects.get(contract=contract, obligation__key="3.1-confirm-rule")
    assert reverse("compliance:duty_attest", args=[duty.pk]) in rule_part


def test_a_single_template_contract_shows_no_template_headings(client, side, make_contract, mini_template):
    contract = _activate(side, make_contract(handles_personal_info=False))
    client.force_login(side.client_admin.user)
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert 'class="template-title"' not in page


def test_the_service_refuses_statutory_repeated_or_doubled_templates(
    side, make_contract, mini_template, body_rule, statutory_template, tmp_path: Path
):
    newer = tmp_path / "rule-2.yaml"
    newer.write_text(RULE.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), "utf-8")
    rule_2 = clause_template_load(path=newer)[0]
    for chosen in ([statutory_template], [mini_template], [body_rule, rule_2]):
        with pytest.raises(ValidationError) as raised:
            make_contract(additional_templates=chosen)
        assert "additional_templates" in raised.value.message_dict
    assert not Contract.objects.exists()


def test_a_contractors_proposal_cannot_adopt_the_bodys_rules(client, side, mini_template, body_rule):
    membership = side.contractor_admin
    with pytest.raises(ValidationError) as raised:
        contract_create(
            actor=membership.user,
            actor_membership=membership,
            additional_templates=[body_rule],
            public_body=side.body,
            number="R7-P1",
            title="提案",
            clause_template=mini_template,
            start_date=date(2025, 4, 1),
            end_date=date(2026, 3, 31),
            work_start_date=date(2025, 4, 14),
        )
    assert "additional_templates" in raised.value.message_dict
    client.force_login(membership.user)
    form = client.get(reverse("contracts:contract_create")).context["form"]
    assert "additional_templates" not in form.fields


def test_another_public_body_never_sees_a_contract_adopting_a_further_template(
    client, side, make_contract, body_rule
):
    contract = _activate(side, make_contract(additional_templates=[body_rule]))
    duty = Duty.objects.get(contract=contract, obligation__key="3.1-confirm-rule")
    other = factories.side("x", "戊")
    for membership in (other.client_admin, other.client_staff, other.auditor, other.contractor_admin):
        client.force_login(membership.user)
        assert client.get(reverse("contracts:contract_detail", args=[contract.pk])).status_code == 404
        assert client.get(reverse("compliance:duty_detail", args=[duty.pk])).status_code == 404
        listing = client.get(reverse("contracts:contract_list")).content.decode()
        assert contract.number not in listing

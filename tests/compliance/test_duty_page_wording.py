"""How a duty and a draft's articles read: the clause in brackets only where it narrows the
article; a draft's article without an open duty says its duties come with the activation; a
requested duty shows the body's note; a roster that falls short is pointed to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.urls import reverse
from django.utils.translation import override

from clauses.services import clause_template_load
from compliance.models import Duty
from compliance.services.duties import duty_request
from contracts.models import PersonRole
from contracts.services import contract_activate
from tests.clauses.conftest import DATA
from tests.compliance.test_evidence_conditions import _contract, _duty, _submit


def _activate(side, contract):
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def _duty_page(client, side, duty) -> str:
    client.force_login(side.contractor_admin.user)
    with override("ja"):
        return client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()


def test_a_duty_of_a_paragraph_names_it_in_brackets(client, side, make_contract):
    contract = _activate(side, make_contract())
    duty = Duty.objects.get(contract=contract, obligation__key="2.1-roster")
    assert "第2条 体制（第2条第1項）" in _duty_page(client, side, duty)


def test_a_duty_of_the_whole_article_does_not_repeat_it(client, side, make_contract, tmp_path: Path):
    # The same template where the roster duty is the whole of article 2 (clause "2").
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("id: mini-test-template", "id: mini-whole-article")
    text = text.replace('clause: "2.1"', 'clause: "2"')
    path = tmp_path / "whole-article.yaml"
    path.write_text(text, encoding="utf-8")
    template = clause_template_load(path=path)[0]
    contract = _activate(side, make_contract(clause_template=template))
    page = _duty_page(client, side, Duty.objects.get(contract=contract, obligation__key="2.1-roster"))
    assert "第2条 体制</dd>" in page and "（第2条）" not in page


def test_a_drafts_articles_say_their_duties_open_after_activation(client, side, make_contract):
    contract = make_contract()
    client.force_login(side.client_admin.user)
    with override("ja"):
        page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
        clauses = page[page.index('id="h-clauses"') :]
        assert "発効後に発生" in clauses and "対応事項なし" not in clauses
        _activate(side, contract)
        page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "発効後に発生" not in page


def test_a_requested_duty_shows_the_bodys_note_to_the_contractor(client, side, make_contract):
    contract = _activate(side, make_contract())
    admin = side.client_admin
    duty_request(
        actor=admin.user,
        actor_membership=admin,
        contract=contract,
        obligation_key="3.2-report-on-request",
        note="第1四半期の運用状況を報告してください。",
    )
    page = _duty_page(
        client, side, Duty.objects.get(contract=contract, obligation__key="3.2-report-on-request")
    )
    assert "甲からの依頼" in page and "第1四半期の運用状況を報告してください。" in page
    # A duty nobody asked for has no such part.
    assert "からの依頼" not in _duty_page(
        client, side, Duty.objects.get(contract=contract, obligation__key="2.1-roster")
    )


def test_a_duty_whose_roster_falls_short_points_to_the_roster(client, side):
    contract = _contract(side, "001")
    _submit(side, contract, [("従事 一郎", PersonRole.WORKER, {})])  # nobody responsible
    page = _duty_page(client, side, _duty(contract, "6-responsible-person"))
    assert "記載されていません" in page
    assert reverse("contracts:roster", args=[contract.pk]) in page and "従事者名簿を開いて修正する" in page

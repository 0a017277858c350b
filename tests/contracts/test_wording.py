"""What the pages say after an action and in an empty choice: what happened, what to choose.

Not a bare 「処理しました。」 nor Django's 「---------」.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages
from django.urls import reverse

from contracts.forms.worksites import StoragePlaceForm
from contracts.models import RosterChange
from tests.contracts.conftest import START


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_approval_action_says_what_was_done_to_what(client, side, approval_contract):
    client.force_login(side.contractor_admin.user)
    client.post(reverse("contracts:roster_change_open", args=[approval_contract.pk]))
    change = RosterChange.objects.get(contract=approval_contract)
    client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        {
            "full_name": "作業 責任者",
            "full_name_kana": "さぎょう せきにんしゃ",
            "role": "responsible",
            "employment": "employee",
            "start_date": (START + timedelta(days=10)).isoformat(),
        },
    )
    act = reverse("contracts:roster_change_act", args=[change.pk])
    said = _said(client.post(act, {"action": "submit"}))[-1]
    assert said == "名簿の変更 第1号を提出しました。"

    client.force_login(side.client_staff.user)
    said = _said(client.post(act, {"action": "return", "reason": "所属を記入してください"}))[-1]
    assert said == "名簿の変更 第1号を差し戻しました。"


def test_contract_form_choices_say_what_to_choose(client, side):
    client.force_login(side.client_admin.user)
    page = client.get(reverse("contracts:contract_create")).content.decode()
    assert "---------" not in page
    assert ">受注者を選んでください<" in page
    assert ">特記事項テンプレートを選んでください<" in page
    assert ">受注者側の責任者を選んでください<" in page
    assert ">団体全体（部署を限定しない）<" in page


def test_storage_protection_choice_says_what_to_choose(db):
    html = StoragePlaceForm(prefix="s").as_div()
    assert "---------" not in html
    assert ">保管の方法を選んでください<" in html

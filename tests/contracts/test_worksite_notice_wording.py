"""Under clauses that ask only a notice of the work sites, the pages speak of a notice (届出), not
of an application waiting for a decision; under prior approval they keep the application's words."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import override

from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.approvals import ApprovalAction as A

OFFICE = {"kind": "contractor_office", "name": "本社 開発部", "address": "東京都千代田区丸の内一丁目1番1号"}
CABINET = {"name": "書庫A", "protection": "locked_cabinet", "description": ""}
DECIDED_COLUMN = '<th scope="col">決定</th>'


def _m(side):
    return {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}


def _pages(client, side, contract):
    change = worksite_change_open(contract=contract, **_m(side))
    worksite_add(change=change, storage_places=[CABINET], **OFFICE, **_m(side))
    client.force_login(side.contractor_admin.user)
    with override("ja"):
        draft = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
        worksite_change_act(change=change, action=A.SUBMIT, **_m(side))
        sent = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
        listing = client.get(reverse("contracts:worksites", args=[contract.pk])).content.decode()
    return draft, sent, listing


def test_a_notice_reads_as_a_notice(client, side, notice_contract):
    draft, sent, listing = _pages(client, side, notice_contract)
    assert "届出書のプレビュー（PDF）" in draft and "申請書" not in draft
    assert "提出した届出書（PDF）" in sent and "申請書" not in sent
    # The next change is offered as a notice, and nobody decides one: no column for a decision.
    assert "作業場所を届け出る・変更する" in listing and "申請・変更" not in listing
    assert DECIDED_COLUMN not in listing


def test_an_application_keeps_its_words(client, side, approval_contract):
    draft, sent, listing = _pages(client, side, approval_contract)
    assert "申請書のプレビュー（PDF）" in draft
    assert "提出した申請書（PDF）" in sent
    assert DECIDED_COLUMN in listing

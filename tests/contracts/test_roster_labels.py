"""The roster's and the work sites' pages say what is true: a change in force under notice-only
clauses is 届出済み (not 申請中), the link to the change in progress is named for its state, and
the column of submission times is headed by a time (申請日時 / 届出日時), never by a state."""

import re
from datetime import timedelta

from django.urls import reverse

from contracts.services import worksites as worksite_services
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from tests.contracts.conftest import START, upload_pledges


def _manager(side):
    return {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}


def _change(side, contract, name="表示 一郎"):
    change = roster_change_open(contract=contract, **_manager(side))
    roster_person_add(change=change, full_name=name, start_date=START + timedelta(days=10), **_manager(side))
    upload_pledges(side, change)
    return change


def _changes_table(html: str) -> str:
    return html[html.index('id="h-changes"') :]


def _headings(html: str) -> list[str]:
    return re.findall(r'<th scope="col">([^<]*)</th>', _changes_table(html))


def test_a_notified_roster_reads_notified_under_a_time_heading(client, side, notice_contract):
    roster_change_act(change=_change(side, notice_contract), action=A.SUBMIT, **_manager(side))
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("contracts:roster", args=[notice_contract.pk])).content.decode()
    changes = _changes_table(page)
    assert "届出済み" in changes and "申請中" not in changes
    assert "届出日時" in _headings(page)
    # Its own page says it too.
    change_page = client.get(
        reverse("contracts:roster_change", args=[notice_contract.roster_changes.get().pk])
    )
    assert "届出済み" in change_page.content.decode().split("</h1>")[0]


def test_under_prior_approval_the_labels_follow_each_state(client, side, approval_contract):
    change = _change(side, approval_contract)
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:roster", args=[approval_contract.pk])
    assert "作成中の変更 第1号" in client.get(url).content.decode()
    change = roster_change_act(change=change, action=A.SUBMIT, **_manager(side))
    page = client.get(url).content.decode()
    assert "申請中の変更 第1号" in page and "作成中の変更" not in page
    assert "申請中" in _changes_table(page) and "申請日時" in _headings(page)
    assert "申請中" not in _headings(page)
    staff = side.client_staff
    roster_change_act(
        actor=staff.user, actor_membership=staff, change=change, action=A.RETURN, reason="要修正"
    )
    page = client.get(url).content.decode()
    assert "差し戻された変更 第1号" in page and "差戻し" in _changes_table(page)


def test_the_work_sites_page_heads_its_times_with_a_time(client, side, approval_contract):
    manager = _manager(side)
    change = worksite_services.worksite_change_open(contract=approval_contract, **manager)
    worksite_services.worksite_add(
        change=change,
        kind="contractor_office",
        name="本社",
        address="東京都千代田区丸の内一丁目1番1号",
        storage_places=[{"name": "書庫A", "protection": "locked_cabinet"}],
        **manager,
    )
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:worksites", args=[approval_contract.pk])
    assert "作成中の変更 第1号" in client.get(url).content.decode()
    worksite_services.worksite_change_act(change=change, action="submit", **manager)
    page = client.get(url).content.decode()
    assert "申請中の変更 第1号" in page
    assert "申請日時" in _headings(page) and "申請中" not in _headings(page)

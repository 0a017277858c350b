"""Work sites are approved in advance or only notified, as the adopted clauses say (issue: duty
fidelity, format): a template with `worksite-approval` (所沢市 §5) asks approval, one without it
(the test template, and 000, 001, 003, 004) a notice (届出), as the roster's mode already is."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from clauses import api as clauses_api
from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.selectors.worksites import open_change, sites_in_force
from contracts.services.worksites import worksite_add, worksite_change_act, worksite_change_open
from core.approvables import actions_for, pending_for
from core.approvals import ApprovalAction as A
from core.approvals import ApprovalState
from core.models import Event, Notification

OFFICE = {"kind": "contractor_office", "name": "本社 開発部", "address": "東京都千代田区丸の内一丁目1番1号"}
CABINET = {"name": "書庫A", "protection": "locked_cabinet", "description": ""}


def _m(side, who="contractor_admin"):
    m = getattr(side, who)
    return {"actor": m.user, "actor_membership": m}


def _declared(side, contract):
    change = worksite_change_open(contract=contract, **_m(side))
    worksite_add(change=change, storage_places=[CABINET], **OFFICE, **_m(side))
    return change


def test_the_template_says_which_mode(db):
    by_file = {}
    for path in sorted(LIBRARY_DIR.glob("00*.yaml")):
        template, _ = clause_template_load(path=path)
        by_file[path.name[:3]] = clauses_api.worksites_need_prior_approval(template)
    # Only 所沢市 (002 §5: 申請し、その承認を得なければならない) asks approval of the sites.
    assert by_file == {"000": False, "001": False, "002": True, "003": False, "004": False}


def test_a_notified_site_is_in_force_with_no_decision(side, notice_contract):
    change = _declared(side, notice_contract)
    assert change.needs_approval is False
    assert sites_in_force(notice_contract).count() == 0  # a draft is nothing yet
    change = worksite_change_act(change=change, action=A.SUBMIT, **_m(side))
    change.refresh_from_db()
    assert change.approval_state == ApprovalState.SUBMITTED and change.effective_at is not None
    assert [e.name for e in sites_in_force(notice_contract)] == [OFFICE["name"]]
    assert Event.objects.filter(kind="worksite.change_notified", object_id=str(change.pk)).exists()
    # Nobody decides a notice: no approve/return/reject, not withdrawn once in force, and the next
    # change can be opened at once.
    staff = side.client_staff
    assert actions_for(staff.user, staff, change) == set()
    manager = side.contractor_admin
    assert A.WITHDRAW not in actions_for(manager.user, manager, change)
    with pytest.raises(ValidationError):
        worksite_change_act(change=change, action=A.APPROVE, **_m(side, "client_staff"))
    assert open_change(notice_contract) is None
    assert worksite_change_open(contract=notice_contract, **_m(side)).pk != change.pk
    # The approvers (the body's administrators: no responsible staff is named) are told of a
    # notice (届出), and have nothing on their pending list.
    admin = side.client_admin
    note = Notification.objects.filter(user=admin.user).latest("pk")
    assert note.title.startswith("届出：")
    assert change not in [row["object"] for row in pending_for(admin.user, admin)]


def test_the_notice_pages_say_notified_and_offer_no_decision(client, side, notice_contract):
    change = worksite_change_act(change=_declared(side, notice_contract), action=A.SUBMIT, **_m(side))
    client.force_login(side.client_staff.user)
    with override("ja"):
        page = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
        listing = client.get(reverse("contracts:worksites", args=[notice_contract.pk])).content.decode()
        pdf = client.get(reverse("contracts:worksite_change_pdf", args=[change.pk]))
    pdf_name = pdf["Content-Disposition"]
    assert "届出済み" in page and "承認する" not in page and "差し戻す" not in page
    assert "届け出た作業場所です" in listing and "届出日時" in listing and OFFICE["name"] in listing
    assert "承認した作業場所" not in listing
    assert quote("作業場所届") in pdf_name and quote("承認申請書") not in pdf_name


def test_under_prior_approval_a_site_counts_from_its_approval_as_before(side, approval_contract):
    change = _declared(side, approval_contract)
    assert change.needs_approval is True
    change = worksite_change_act(change=change, action=A.SUBMIT, **_m(side))
    change.refresh_from_db()
    assert change.effective_at is None and sites_in_force(approval_contract).count() == 0
    assert not Event.objects.filter(kind="worksite.change_notified").exists()
    staff = side.client_staff
    assert {A.APPROVE, A.RETURN, A.REJECT} <= actions_for(staff.user, staff, change)
    assert open_change(approval_contract) == change  # waiting for the decision blocks the next
    admin = side.client_admin
    assert change in [row["object"] for row in pending_for(admin.user, admin)]
    note = Notification.objects.filter(user=admin.user).latest("pk")
    assert note.title.startswith("承認依頼：")
    worksite_change_act(change=change, action=A.APPROVE, **_m(side, "client_staff"))
    change.refresh_from_db()
    assert change.approval_state == ApprovalState.APPROVED and change.effective_at is not None
    assert [e.name for e in sites_in_force(approval_contract)] == [OFFICE["name"]]

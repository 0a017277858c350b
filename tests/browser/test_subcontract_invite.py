"""A subcontractor's manager applies for the next tier under 川崎市's clauses (003): the one
company it knows is shown as refused, with the reason, before it types anything; it names a new
subcontractor (invited by e-mail from its organisation), is refused 「業務の全部」 with the
article cited, applies for a part; the invitee accepts from the e-mail's link and holds the link;
the public body's approver reads the extent; the PDF says what was applied for."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.models import Subcontract
from contracts.services import contract_activate, contract_create
from contracts.services.subcontracts import subcontract_act, subcontract_create
from core.approvals import ApprovalAction
from core.models import Invitation, Membership, OutboundMessage, Role
from tests import factories
from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = factories.PASSWORD
NEW_SUB = "新規再々委託株式会社"
FIELDS = {
    "reason": "繁忙期の分担",
    "scope": "入力作業",
    "information_handled": "申請者の氏名",
    "handles_personal_info": True,
    "security_measures": "ISMS",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}


def _world():
    side = factories.side("k", "癸")
    body, today = side.body, timezone.localdate()
    sub = factories.contractor("一次再委託株式会社", invited_by=body)
    sub_admin = factories.member(sub, Role.CONTRACTOR_ADMIN, email="k-sub-manager@example.jp")
    known = factories.contractor("既知の協力会社株式会社", invited_by=body)
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("003-*.yaml")))
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-KAW-UI",
        title="川崎市の入力業務",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=300),
        work_start_date=today - timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
        subcontracting=True,
    )
    contract = contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=today - timedelta(days=20)
    )
    manager = side.contractor_admin
    dates = {"start_date": contract.start_date, "end_date": contract.end_date}

    def approve(by, org, parent=None):
        link = subcontract_create(
            actor=by.user,
            actor_membership=by,
            contract=contract,
            subcontractor=org,
            parent=parent,
            extent="part",
            **dates,
            **FIELDS,
        )
        subcontract_act(actor=by.user, actor_membership=by, subcontract=link, action=ApprovalAction.SUBMIT)
        return subcontract_act(
            actor=admin.user, actor_membership=admin, subcontract=link, action=ApprovalAction.APPROVE
        )

    top = approve(manager, sub)
    # The tier-1 holder entrusted `known` once (a draft below its link), so it knows it; the
    # contractor then took `known` on directly: it holds a live link and is refused below.
    draft = subcontract_create(
        actor=sub_admin.user,
        actor_membership=sub_admin,
        contract=contract,
        subcontractor=known,
        parent=top,
        extent="part",
        **dates,
        **FIELDS,
    )
    Subcontract.objects.filter(pk=draft.pk).update(approval_state="rejected")
    approve(manager, known)
    return side, contract, sub, sub_admin, known, top


def _click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_subcontractor_names_a_new_subcontractor_for_the_next_tier(page, live_server, shot, tmp_path):
    side, contract, sub, sub_admin, known, top = _world()
    base = live_server.url

    login(page, live_server, sub_admin.user.email, PASSWORD)
    page.goto(f"{base}/subcontracts/{top.pk}/")
    _click_and_wait(page, page.locator(f'main a[href="/subcontracts/{top.pk}/new/"]'))
    form = page.locator("main form")
    # Before anything is typed: its one known company is there, disabled, with the reason.
    option = form.locator(f'select[name="subcontractor"] option[value="{known.pk}"]')
    expect(option).to_be_disabled()
    expect(option).to_contain_text("選べません")
    expect(form.locator("ul.refusals")).to_contain_text(known.name)
    expect(form.locator("ul.refusals")).to_contain_text("既にこの契約の再委託先です")
    # …and the rule of 003 §6.1 beside the extent question.
    expect(form.locator("fieldset:has(input[name='extent'])")).to_contain_text("第6条第1項")
    assert_accessible(page, "the subcontract application form")
    shot("form-before")

    form.locator('input[name="subcontractor_name"]').fill(NEW_SUB)
    form.locator('input[name="manager_name"]').fill("再々 太郎")
    form.locator('input[name="manager_email"]').fill("new-sub@example.jp")
    form.locator('input[name="extent"][value="whole"]').check()
    form.locator('textarea[name="scope"]').fill("本業務の全部")
    form.locator('textarea[name="reason"]').fill("専門業者に委ねるため")
    form.locator('textarea[name="information_handled"]').fill("申請者の氏名・住所")
    form.locator('textarea[name="security_measures"]').fill("プライバシーマーク取得")
    form.locator('textarea[name="supervision"]').fill("月次報告")
    form.locator('input[name="precheck_confirmed"]').check()
    form.locator('input[name="equivalent_terms"]').check()
    _click_and_wait(page, form.locator('button[type="submit"]'))
    # 全部 is refused at the question, citing the article; nothing typed is lost, nobody invited.
    expect(page.locator("#id_extent_error")).to_contain_text("第6条第1項")
    expect(page.locator('input[name="manager_email"]')).to_have_value("new-sub@example.jp")
    assert not Invitation.objects.filter(email="new-sub@example.jp").exists()
    shot("form-refused-whole")

    form = page.locator("main form")
    form.locator('input[name="extent"][value="part"]').check()
    form.locator('textarea[name="scope"]').fill("帳票の作成（主要な部分を除く）")
    _click_and_wait(page, form.locator('button[type="submit"]'))
    link = Subcontract.objects.get(contract=contract, subcontractor__name=NEW_SUB)
    assert (link.depth, link.upstream, link.extent) == (2, sub, "part")
    expect(page).to_have_url(f"{base}/subcontracts/{link.pk}/")
    expect(page.locator("main")).to_contain_text("まだポータルに登録されていません")
    with page.expect_navigation():
        page.locator(
            'main form button[type="submit"][name="action"][value="submit"], '
            'main form:has(input[name="action"][value="submit"]) button[type="submit"]'
        ).click()
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    logout(page)

    # --- the invitee opens the e-mail's link (from the outbox) and joins ---
    invitation = Invitation.objects.get(email="new-sub@example.jp")
    message = OutboundMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert sub.name in message.subject and "再々 太郎 様" in message.body
    path = re.search(r"https?://[^/\s]+(/invitations/accept/[^\s]+)", message.body).group(1)
    page.goto(f"{base}{path}")
    page.locator('input[name="full_name"]').fill("再々 太郎")
    page.locator('input[name="full_name_kana"]').fill("さいさい たろう")
    page.locator('input[name="password1"]').fill("a-long-pass-2026!")
    page.locator('input[name="password2"]').fill("a-long-pass-2026!")
    _click_and_wait(page, page.locator('main form button[type="submit"]'))
    assert Membership.objects.get(user__email="new-sub@example.jp").organisation_id == link.subcontractor_id
    page.goto(f"{base}/subcontracts/")
    expect(page.locator(f'main a[href="/subcontracts/{link.pk}/"]')).to_be_visible()
    logout(page)

    # --- the public body's approver reads what was applied for ---
    login(page, live_server, side.client_staff.user.email, PASSWORD)
    page.goto(f"{base}/subcontracts/{link.pk}/")
    expect(page.locator("main dl.facts")).to_contain_text("業務の一部")
    expect(page.locator("main")).to_contain_text("主要な部分を除く業務の一部だけ")
    expect(page.locator("main")).not_to_contain_text("まだポータルに登録されていません")
    shot("approver")
    response = page.request.get(f"{base}/subcontracts/{link.pk}/application.pdf")
    assert response.status == 200
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(response.body())
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    assert "次の契約に係る業務の一部を下記のとおり" in text and NEW_SUB in text

"""Subcontracting (再委託) in the browser, for the three roles: the contractor's manager applies
(a mistake first, kept and explained), the public body returns the application with a reason and
then approves it, the contractor puts the subcontractor's worker on the roster, and the
subcontractor's manager sees its own part of the contract and nothing more; then it applies for
a re-subcontract (tier 2) under its own approved link.

Several labels of this feature have no Japanese translation yet: fields, links and buttons of the
new pages are found by their names and addresses, not by their words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.models import Person, Pledge, RosterChange, Subcontract
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from contracts.services.subcontracts import subcontract_act, subcontract_create
from core.approvals import ApprovalAction, ApprovalState
from core.models import Notification, Role
from tests import factories
from tests.browser.conftest import login, logout
from tests.contracts.conftest import MINIMAL_PDF, upload_pledges

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = factories.PASSWORD
PRIME_PERSON = "元請 一郎"
SUB_WORKER = "再委託 花子"


class _World:
    """One public body with its contractor, a contract under 所沢市's clauses (people approved
    before they work) whose roster holds one of the contractor's own people, and two more
    contractors the body works with (candidates for tiers 1 and 2)."""

    def __init__(self) -> None:
        self.side = factories.side("s", "壬")
        body = self.side.body
        self.sub = factories.contractor("再委託株式会社", invited_by=body)
        self.sub_admin = factories.member(self.sub, Role.CONTRACTOR_ADMIN, email="s-sub-manager@example.jp")
        self.sub2 = factories.contractor("再々委託合同会社", invited_by=body)
        self.stranger = factories.contractor("無関係株式会社")  # the body does not work with it
        self.today = timezone.localdate()
        template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
        admin = self.side.client_admin
        contract = contract_create(
            actor=admin.user,
            actor_membership=admin,
            contractor=self.side.contractor,
            department=self.side.dept,
            number="R7-SUB-UI",
            title="再委託ブラウザ確認業務",
            start_date=self.today - timedelta(days=20),
            end_date=self.today + timedelta(days=300),
            work_start_date=self.today - timedelta(days=10),
            clause_template=template,
            handles_personal_info=True,
        )
        self.contract = contract_activate(
            actor=admin.user,
            actor_membership=admin,
            contract=contract,
            signed_on=self.today - timedelta(days=20),
        )
        manager = self.side.contractor_admin
        change = roster_change_open(actor=manager.user, actor_membership=manager, contract=self.contract)
        entry = roster_person_add(
            actor=manager.user,
            actor_membership=manager,
            change=change,
            full_name=PRIME_PERSON,
            role="responsible",
            start_date=self.today - timedelta(days=10),
        )
        upload_pledges(self.side, change)
        roster_change_act(
            actor=manager.user, actor_membership=manager, change=change, action=ApprovalAction.SUBMIT
        )
        roster_change_act(
            actor=admin.user, actor_membership=admin, change=change, action=ApprovalAction.APPROVE
        )
        self.prime_person = entry.person

    @property
    def url(self) -> str:
        return f"/contracts/{self.contract.pk}"


def _click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _act(page, action: str) -> None:
    """Press the workflow button that posts `action` (submit, approve, return…)."""
    button = page.locator(
        f'main form button[type="submit"][name="action"][value="{action}"], '
        f'main form:has(input[name="action"][value="{action}"]) button[type="submit"]'
    )
    _click_and_wait(page, button)


def _fill_application(form, *, reason: str | None, scope: str = "申請書の入力代行") -> None:
    if reason is not None:
        form.locator('textarea[name="reason"]').fill(reason)
    form.locator('input[name="extent"][value="part"]').check()
    form.locator('textarea[name="scope"]').fill(scope)
    form.locator('textarea[name="information_handled"]').fill("申請者の氏名・住所")
    form.locator('textarea[name="security_measures"]').fill("ISMS認証取得、入退室管理")
    form.locator('textarea[name="supervision"]').fill("月次報告と四半期ごとの立入検査")


def test_subcontract_journey_for_the_three_roles(page, live_server, shot):
    w = _World()
    side, base = w.side, live_server.url

    # --- the contractor's manager applies, from the contract's page ---
    login(page, live_server, side.contractor_admin.user.email, PASSWORD)
    page.goto(f"{base}{w.url}/")
    _click_and_wait(page, page.locator(f'main a[href="{w.url}/subcontracts/"]'))
    expect(page).to_have_url(f"{base}{w.url}/subcontracts/")
    _click_and_wait(page, page.locator(f'main a[href="{w.url}/subcontracts/new/"]'))
    form = page.locator("main form")
    # The body's other suppliers are not listed (the manager has entrusted nobody yet): a new
    # subcontractor is named by its registered name (docs/subcontracts.md).
    options = form.locator('select[name="subcontractor"] option').evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert set(options) == {""}
    # The period starts as the contract's.
    expect(form.locator('input[name="start_date"]')).to_have_value(w.contract.start_date.isoformat())
    expect(form.locator('input[name="end_date"]')).to_have_value(w.contract.end_date.isoformat())
    expect(form.locator('input[name="handles_personal_info"]')).to_be_checked()

    # A mistake first: no reason. The error is at the field and the rest is kept.
    form.locator('input[name="subcontractor_name"]').fill(w.sub.name)
    _fill_application(form, reason=None)
    _click_and_wait(page, form.locator('button[type="submit"]'))
    expect(page.locator("#id_reason_error")).to_be_visible()
    expect(page.locator(".field--error textarea[name='reason']")).to_be_visible()
    expect(page.locator('textarea[name="scope"]')).to_have_value("申請書の入力代行")
    expect(page.locator('input[name="subcontractor_name"]')).to_have_value(w.sub.name)
    assert not Subcontract.objects.exists()
    shot("application-error")

    form = page.locator("main form")
    form.locator('textarea[name="reason"]').fill("繁忙期の入力作業を分担するため")
    form.locator('input[name="precheck_confirmed"]').check()
    form.locator('input[name="equivalent_terms"]').check()
    _click_and_wait(page, form.locator('button[type="submit"]'))
    link = Subcontract.objects.get(contract=w.contract)
    expect(page).to_have_url(f"{base}/subcontracts/{link.pk}/")
    expect(page.locator("h1")).to_contain_text(w.sub.name)
    expect(page.locator("h1 .pill")).to_have_text("下書き")
    expect(page.locator("main")).to_contain_text("繁忙期の入力作業を分担するため")
    assert (link.depth, link.upstream_id, link.precheck_confirmed, link.equivalent_terms) == (
        1,
        side.contractor.pk,
        True,
        True,
    )
    _act(page, "submit")
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    shot("application-submitted")
    logout(page)

    # --- the public body's staff returns it with a reason ---
    login(page, live_server, side.client_staff.user.email, PASSWORD)
    expect(page.locator("#h-pending")).to_be_visible()
    _click_and_wait(
        page, page.locator(f'section[aria-labelledby="h-pending"] a[href="/subcontracts/{link.pk}/"]')
    )
    page.locator('textarea[name="reason"]').fill("監督の頻度を具体的に記入してください")
    _act(page, "return")
    expect(page.locator("h1 .pill")).to_have_text("差戻し")
    logout(page)

    # --- the contractor's manager reads why, corrects and submits again ---
    login(page, live_server, side.contractor_admin.user.email, PASSWORD)
    page.goto(f"{base}/subcontracts/{link.pk}/")
    expect(page.locator("main .notice")).to_contain_text("監督の頻度を具体的に記入してください")
    _click_and_wait(page, page.locator(f'main a[href="/subcontracts/{link.pk}/edit/"]'))
    form = page.locator("main form")
    expect(form.locator('select[name="subcontractor"]')).to_have_count(0)  # fixed once drafted
    form.locator('textarea[name="supervision"]').fill("毎月の作業報告、毎四半期の立入検査（情報管理責任者）")
    _click_and_wait(page, form.locator('button[type="submit"]'))
    expect(page.locator("main")).to_contain_text("毎四半期の立入検査（情報管理責任者）")
    _act(page, "submit")
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    logout(page)

    # --- the public body approves ---
    login(page, live_server, side.client_staff.user.email, PASSWORD)
    page.goto(f"{base}/subcontracts/{link.pk}/")
    _act(page, "approve")
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    shot("approved")
    logout(page)
    link.refresh_from_db()
    assert link.approval_state == ApprovalState.APPROVED

    # --- the contractor's manager puts the subcontractor's worker on the roster ---
    login(page, live_server, side.contractor_admin.user.email, PASSWORD)
    page.goto(f"{base}{w.url}/roster/")
    _click_and_wait(page, page.get_by_role("button", name="名簿の変更を作成"))
    change = RosterChange.objects.get(contract=w.contract, number=2)
    _click_and_wait(page, page.locator(f'main a[href="/roster-changes/{change.pk}/people/"]'))
    form = page.locator("main form")
    # The employer lists the approved subcontractor only (the empty choice is the contractor itself).
    employers = form.locator('select[name="employer"] option').evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert employers == ["", str(w.sub.pk)]
    form.locator('input[name="full_name"]').fill(SUB_WORKER)
    form.locator('select[name="role"]').select_option("worker")
    form.locator('select[name="employer"]').select_option(str(w.sub.pk))
    form.locator('input[name="start_date"]').fill(w.today.isoformat())
    # A subcontractor's worker left as the contractor's employee is refused, at the field.
    form.locator('select[name="employment"]').select_option("employee")
    _click_and_wait(page, form.locator('button[type="submit"]'))
    expect(page.locator("#id_employment_error")).to_be_visible()
    expect(page.locator('input[name="full_name"]')).to_have_value(SUB_WORKER)
    expect(page.locator('select[name="employer"]')).to_have_value(str(w.sub.pk))
    page.locator('main form select[name="employment"]').select_option("subcontractor")
    _click_and_wait(page, page.locator('main form button[type="submit"]'))
    expect(page).to_have_url(f"{base}/roster-changes/{change.pk}/")
    expect(page.locator("main table").first).to_contain_text("再委託先の従事者")
    worker = Person.objects.get(contract=w.contract, employer=w.sub)  # names are encrypted
    assert worker.full_name == SUB_WORKER and worker.employment == "subcontractor"
    # The clauses want the signed pledge before the roster is submitted.
    _click_and_wait(page, page.get_by_role("link", name=SUB_WORKER, exact=True))
    page.locator('input[name="file"]').set_input_files(
        files=[{"name": "誓約書.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    _click_and_wait(page, page.get_by_role("button", name="登録する"))
    expect(page.locator("main")).to_contain_text("署名済みの誓約書を登録しました。")
    page.goto(f"{base}/roster-changes/{change.pk}/")
    _act(page, "submit")
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    logout(page)
    login(page, live_server, side.client_staff.user.email, PASSWORD)
    page.goto(f"{base}/roster-changes/{change.pk}/")
    _act(page, "approve")
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    logout(page)

    # --- the subcontractor's manager sees its own part, and nothing more ---
    login(page, live_server, w.sub_admin.user.email, PASSWORD)
    held = page.locator("section[aria-labelledby='h-held']")
    expect(held).to_contain_text("R7-SUB-UI")
    page.goto(f"{base}/subcontracts/")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("R7-SUB-UI")
    expect(rows.first).to_contain_text(side.body.name)
    _click_and_wait(page, rows.first.locator(f'a[href="/subcontracts/{link.pk}/"]'))
    people = page.locator("section[aria-labelledby='h-people']")
    expect(people).to_contain_text(SUB_WORKER)
    expect(people).to_contain_text(w.sub.name)
    expect(page.locator("main")).not_to_contain_text(PRIME_PERSON)
    # It decides nothing about its own application.
    expect(page.locator('main form button[name="action"][value="approve"]')).to_have_count(0)
    shot("subcontractor-view")
    # The contract's pages are not its own: neither the contract nor its roster.
    assert page.goto(f"{base}{w.url}/roster/").status == 404
    assert page.goto(f"{base}{w.url}/").status == 404
    assert page.goto(f"{base}{w.url}/subcontracts/").status == 404
    # Its own worker's pledge page opens (from the people table); the contractor's people's do not.
    page.goto(f"{base}/subcontracts/{link.pk}/")
    _click_and_wait(page, people.locator(f'a[href="/people/{worker.pk}/pledge/"]'))
    expect(page.locator("h1")).to_contain_text(SUB_WORKER)
    expect(page.locator("main")).not_to_contain_text(PRIME_PERSON)
    expect(page.locator('main input[name="file"]')).to_have_count(1)  # it holds its workers' pledges
    shot("subcontractor-pledge")
    assert page.goto(f"{base}/people/{w.prime_person.pk}/pledge/").status == 404
    # The same goes for the files behind those pages (fetched with the same session).
    own_pledge = Pledge.objects.get(person=worker)
    prime_pledge = Pledge.objects.get(person=w.prime_person)
    assert page.request.get(f"{base}/people/{worker.pk}/pledge.pdf").status == 200
    assert page.request.get(f"{base}/pledges/{own_pledge.pk}/file").status == 200
    assert page.request.get(f"{base}/people/{w.prime_person.pk}/pledge.pdf").status == 404
    assert page.request.get(f"{base}/pledges/{prime_pledge.pk}/file").status == 404


def test_subcontractor_applies_for_a_re_subcontract(page, live_server, shot):
    w = _World()
    side, base = w.side, live_server.url
    manager, admin = side.contractor_admin, side.client_admin
    # The starting world: the tier-1 link is approved.
    link = subcontract_create(
        actor=manager.user,
        actor_membership=manager,
        contract=w.contract,
        subcontractor=w.sub,
        extent="part",
        reason="繁忙期の分担",
        scope="入力作業",
        information_handled="申請者の氏名",
        handles_personal_info=True,
        security_measures="ISMS",
        supervision="月次報告",
        start_date=w.contract.start_date,
        end_date=w.contract.end_date,
        precheck_confirmed=True,
        equivalent_terms=True,
    )
    subcontract_act(
        actor=manager.user, actor_membership=manager, subcontract=link, action=ApprovalAction.SUBMIT
    )
    subcontract_act(actor=admin.user, actor_membership=admin, subcontract=link, action=ApprovalAction.APPROVE)

    # --- the subcontractor's manager applies for tier 2 under its own link ---
    login(page, live_server, w.sub_admin.user.email, PASSWORD)
    page.goto(f"{base}/subcontracts/{link.pk}/")
    _click_and_wait(page, page.locator(f'main a[href="/subcontracts/{link.pk}/new/"]'))
    form = page.locator("main form")
    # Nobody is listed: the subcontractor has entrusted nobody yet, and the body's other
    # suppliers are not shown; it names the new one.
    options = form.locator('select[name="subcontractor"] option').evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert set(options) == {""}
    form.locator('input[name="subcontractor_name"]').fill(w.sub2.name)
    _fill_application(form, reason="専門的な帳票作成を委ねるため", scope="帳票の作成")
    # Beyond the contract's period: refused at the end date, the rest kept.
    form.locator('input[name="end_date"]').fill((w.contract.end_date + timedelta(days=1)).isoformat())
    form.locator('input[name="precheck_confirmed"]').check()
    form.locator('input[name="equivalent_terms"]').check()
    _click_and_wait(page, form.locator('button[type="submit"]'))
    expect(page.locator("#id_end_date_error")).to_be_visible()
    expect(page.locator('textarea[name="reason"]')).to_have_value("専門的な帳票作成を委ねるため")
    page.locator('main form input[name="end_date"]').fill(w.contract.end_date.isoformat())
    _click_and_wait(page, page.locator('main form button[type="submit"]'))
    child = Subcontract.objects.get(contract=w.contract, subcontractor=w.sub2)
    assert (child.depth, child.parent_id, child.upstream_id) == (2, link.pk, w.sub.pk)
    expect(page).to_have_url(f"{base}/subcontracts/{child.pk}/")
    expect(page.locator("h1")).to_contain_text(w.sub2.name)
    chain = page.locator("main ol.chain li")
    expect(chain).to_have_text(
        [re.compile(side.contractor.name), re.compile(w.sub.name), re.compile(w.sub2.name)]
    )
    _act(page, "submit")
    expect(page.locator("h1 .pill")).to_have_text("申請中")
    shot("re-subcontract-submitted")
    # Its own list holds both links: the one it holds and the one below it.
    page.goto(f"{base}/subcontracts/")
    expect(page.locator("main tbody tr")).to_have_count(2)
    logout(page)
    # Every party above was told (001 §15.3(3)): the contractor's manager.
    assert Notification.objects.filter(user=manager.user, title__contains=w.sub2.name).exists()

    # --- the public body approves tier 2 too; the contractor sees the whole chain ---
    login(page, live_server, side.client_staff.user.email, PASSWORD)
    _click_and_wait(
        page, page.locator(f'section[aria-labelledby="h-pending"] a[href="/subcontracts/{child.pk}/"]')
    )
    _act(page, "approve")
    expect(page.locator("h1 .pill")).to_have_text("承認済み")
    logout(page)
    login(page, live_server, manager.user.email, PASSWORD)
    page.goto(f"{base}{w.url}/subcontracts/")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(w.sub.name)
    expect(rows.nth(1)).to_contain_text(w.sub2.name)
    expect(rows.nth(1).locator(".pill")).to_have_text("承認済み")
    # The contractor does not apply below a subcontractor's link: that is the subcontractor's.
    page.goto(f"{base}/subcontracts/{link.pk}/")
    expect(page.locator(f'main a[href="/subcontracts/{link.pk}/new/"]')).to_have_count(0)
    shot("contractor-chain")

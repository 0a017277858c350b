"""The approver presses 差し戻す without a reason: the page says so at the reason field (focused,
marked invalid, no banner); with a reason typed, the change is returned."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.services import contract_activate, contract_create
from contracts.services import roster as roster_services
from core.approvals import ApprovalAction
from core.demo import DEMO_PASSWORD
from tests import factories
from tests.browser.conftest import login
from tests.browser.test_accessibility import assert_accessible
from tests.contracts.conftest import MINIMAL_PDF, upload_pledges

pytestmark = pytest.mark.django_db(transaction=True)
MISSING = "修正できるよう、理由を入力してください。"


def _submitted_change(side):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))  # prior approval
    admin = side.client_admin
    from django.utils import timezone

    today = timezone.localdate()
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-RETURN-UI",
        title="差戻し確認業務",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=300),
        work_start_date=today - timedelta(days=10),
        clause_template=template,
    )
    contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=today - timedelta(days=20)
    )
    manager = {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}
    change = roster_services.roster_change_open(contract=contract, **manager)
    roster_services.roster_person_add(
        change=change, full_name="画面 責任者", start_date=today - timedelta(days=10), **manager
    )
    upload_pledges(side, change)
    with mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF):
        roster_services.roster_change_act(change=change, action=ApprovalAction.SUBMIT, **manager)
    return change


def test_return_without_a_reason_is_said_at_the_field_then_succeeds(page, live_server, shot):
    side = factories.side("rr", "差")
    side.client_staff.user.set_password(DEMO_PASSWORD)
    side.client_staff.user.save()
    change = _submitted_change(side)

    login(page, live_server, side.client_staff.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/roster-changes/{change.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="差し戻す").click()

    reason = page.locator('textarea[name="reason"]')
    expect(page.locator("#id_reason_error")).to_have_text(MISSING)
    expect(page.locator(".field--error textarea[name='reason']")).to_be_visible()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", "id_reason_error")
    expect(reason).to_be_focused()
    expect(page.locator(".messages")).to_have_count(0)  # not a banner
    expect(page.locator("h1 .pill")).to_have_text("申請中")  # nothing changed
    assert_accessible(page, "the return with an empty reason")
    shot("empty-reason")

    # Typed straight into the focused field, then pressed again.
    page.keyboard.type("担当業務を記入してください")
    with page.expect_navigation():
        page.get_by_role("button", name="差し戻す").click()
    expect(page.locator("h1 .pill")).to_have_text("差戻し")
    expect(page.locator(".messages")).to_contain_text("名簿の変更 第1号を差し戻しました。")
    expect(page.locator("main")).to_contain_text("担当業務を記入してください")
    change.refresh_from_db()
    assert (change.approval_state, change.decision_reason) == ("returned", "担当業務を記入してください")
    shot("returned")

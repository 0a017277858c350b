"""A drafted roster line is corrected in the browser: the contractor's manager opens the person
the change adds with the form that added them, is told at the field what is wrong, saves, and
the change lists the corrected line; the roster page shows the date it is for in its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.models import Person, RosterChange, RosterEntry
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_open, roster_person_add
from core.demo import DEMO_PASSWORD
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_manager_corrects_a_drafted_person(page, live_server, shot):
    side = factories.side("e", "癸")
    manager = side.contractor_admin
    manager.user.set_password(DEMO_PASSWORD)
    manager.user.save()
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))  # 所沢市
    today = timezone.localdate()
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-ROSTER-EDIT",
        title="名簿修正確認業務",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=300),
        work_start_date=today - timedelta(days=10),
        clause_template=template,
    )
    contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=today - timedelta(days=20)
    )
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_change_open(contract=contract, **kwargs)
    person = roster_person_add(
        change=change,
        full_name="修正 花予",  # a typo the manager sees on the change's page
        full_name_kana="しゅうせい はなこ",
        start_date=today - timedelta(days=10),
        **kwargs,
    ).person

    login(page, live_server, manager.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/roster/")
    # The date field holds the date the page is for, and the link says the change is being drafted.
    expect(page.locator('input[name="on"]')).to_have_value(today.isoformat())
    expect(page.get_by_role("link", name="作成中の変更 第1号")).to_be_visible()
    shot("roster-as-of-today")
    page.get_by_role("link", name="作成中の変更 第1号").click()
    page.get_by_role("link", name="編集 修正 花予").click()
    expect(page.locator("h1")).to_have_text("修正：修正 花予")
    form = page.locator("main form")
    expect(form.locator('input[name="full_name"]')).to_have_value("修正 花予")
    expect(form.locator('input[name="full_name_kana"]')).to_have_value("しゅうせい はなこ")
    shot("edit-form")

    # A start outside the contract: said at the field, what was typed is kept.
    form.locator('input[name="full_name"]').fill("修正 花子")
    form.locator('input[name="start_date"]').fill((today + timedelta(days=400)).isoformat())
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator('input[name="start_date"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_start_date_error")).to_contain_text("契約期間")
    expect(page.locator('input[name="full_name"]')).to_have_value("修正 花子")
    shot("edit-form-error")

    page.locator('input[name="start_date"]').fill((today - timedelta(days=5)).isoformat())
    page.locator('select[name="role"]').select_option("responsible")
    with page.expect_navigation():
        page.locator("main form").locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text("修正 花子の内容を保存しました。")
    table = page.locator("main table").first
    expect(table).to_contain_text("修正 花子")
    expect(table).to_contain_text("責任者")
    expect(table).not_to_contain_text("修正 花予")
    shot("change-after-edit")

    assert Person.objects.get(pk=person.pk).full_name == "修正 花子"
    entry = RosterEntry.objects.get(change=RosterChange.objects.get(contract=contract), person=person)
    assert (entry.role, entry.start_date) == ("responsible", today - timedelta(days=5))

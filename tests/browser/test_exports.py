"""A person asks for the large roster PDF, watches its progress, then downloads it."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from clauses.services import clause_template_load
from contracts.models import Person, PersonRole, RosterEntry
from contracts.services.roster import roster_change_act, roster_change_open
from core.demo import DEMO_PASSWORD
from core.models import Event, ExportJob
from core.services import exports
from tests import factories
from tests.browser.conftest import login
from tests.clauses.conftest import DATA
from tests.contracts import conftest as contracts_conftest
from tests.contracts.conftest import START, upload_pledges

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(ROSTER_PDF_SYNC_MAX_PEOPLE=2)
def test_large_roster_pdf_is_asked_for_followed_and_downloaded(page, live_server, shot, monkeypatch):
    side = factories.side("x", "輸")
    auditor = side.auditor
    auditor.user.set_password(DEMO_PASSWORD)
    auditor.user.save()
    template, _ = clause_template_load(path=DATA / "mini.yaml")
    contract = contracts_conftest._contract(side, template, "R7-EXPORT-UI")
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    people = []
    for i in range(3):
        person = Person(
            contract=contract,
            data_key_id=contract.data_key_id,
            full_name=f"大量 {i}",
            employer=side.contractor,
        )
        person.save()
        people.append(person)
    RosterEntry.objects.bulk_create(
        RosterEntry(change=change, person=p, action="add", role=PersonRole.WORKER, start_date=START)
        for p in people
    )
    upload_pledges(side, change)
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    # The worker is this test: the request only queues the job, so the page shows it waiting.
    published = []
    monkeypatch.setattr(exports, "_publish", published.append)

    login(page, live_server, auditor.user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/roster/")
    with page.expect_navigation():
        page.locator('form[action$="/roster/print/request/"] button').click()
    job = ExportJob.objects.get(contract_id=contract.pk)
    assert published == [job.pk]
    status = page.locator("#export-status")
    expect(status).to_contain_text("処理の順番を待っています")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    shot("waiting")

    assert exports.export_run(pk=job.pk) == "ready"
    # htmx polls the fragment: the link appears without a reload.
    link = page.get_by_role("link", name="PDFをダウンロード")
    expect(link).to_be_visible(timeout=10_000)
    shot("ready")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    printed = Event.objects.filter(kind="roster.printed", contract_id=contract.pk).latest("id")
    assert printed.data["export"] == job.pk and printed.actor_id == auditor.user.pk

"""A large roster PDF asked for in the portal is prepared by a real Celery worker (Redis, PostgreSQL)."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings
from django.urls import reverse

from clauses.services import clause_template_load
from contracts.models import Person, PersonRole, RosterEntry
from contracts.services.roster import roster_change_act, roster_change_open
from core import tasks
from core.models import Event, ExportJob
from tests import factories
from tests.clauses.conftest import DATA
from tests.contracts import conftest as contracts_conftest
from tests.contracts.conftest import START, TODAY, upload_pledges

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _roster_of(people: int):
    side = factories.side("w", "働")
    template, _ = clause_template_load(path=DATA / "mini.yaml")
    contract = contracts_conftest._contract(side, template, "R7-EXPORT-W")
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    persons = []
    for i in range(people):
        person = Person(
            contract=contract,
            data_key_id=contract.data_key_id,
            full_name=f"作業 {i:03d}",
            employer=side.contractor,
        )
        person.save()
        persons.append(person)
    RosterEntry.objects.bulk_create(
        RosterEntry(change=change, person=p, action="add", role=PersonRole.WORKER, start_date=START)
        for p in persons
    )
    upload_pledges(side, change)
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    return side, contract


@override_settings(ROSTER_PDF_SYNC_MAX_PEOPLE=10)
def test_the_worker_prepares_the_roster_and_the_asker_downloads_it(
    celery_worker, broker, client, monkeypatch
):
    side, contract = _roster_of(30)
    # The request publishes after commit, as in production; only the queue is the test worker's.
    monkeypatch.setattr(
        tasks.render_export,
        "delay",
        lambda **kw: broker.send(tasks.render_export, kwargs=kw, queue=celery_worker.queue),
    )
    client.force_login(side.client_staff.user)
    response = client.post(
        reverse("contracts:roster_pdf_request", args=[contract.pk]), {"on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get(contract_id=contract.pk)
    ready = celery_worker.wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, state="ready").first(),
        timeout=90,
        what="the export to be ready",
    )
    assert ready.attempts == 1 and ready.file_id
    assert "core.tasks.render_export" in celery_worker.log_tail(200)
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert reverse("core:export_download", args=[job.pk]) in page
    pdf = client.get(reverse("core:export_download", args=[job.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    digest = hashlib.sha256(pdf.content).hexdigest()
    printed = Event.objects.filter(kind="roster.printed", contract_id=contract.pk).latest("id")
    assert printed.data["sha256"] == digest and printed.actor_id == side.client_staff.user.pk
    # A second delivery of the same task (acks_late, a redelivery) changes nothing.
    assert (
        broker.send(tasks.render_export, kwargs={"job_id": job.pk}, queue=celery_worker.queue).get(timeout=30)
        == "skipped"
    )
